"""Logger, tracer and metrics shared by every layer (a neutral module, so logic never imports handlers)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
