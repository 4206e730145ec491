"""The logger every layer shares (a neutral module, so logic never imports handlers).

Tracing and metrics are not here: each function loads them only if it uses them (the X-Ray SDK
alone costs a public read function about a fifth of a second of cold start).
"""

from aws_lambda_powertools import Logger

logger = Logger()
