"""EventBridge Scheduler's rate schedules, run locally: every `rate(N unit)` a state machine's
schedule declares, start an execution with the schedule's Input. Cron schedules are not run here."""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("hdoc-local")

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """The period of a `rate(...)` expression in seconds; None for anything else (cron, at)."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    return int(match[1]) * _UNIT_SECONDS[match[2].rstrip("s")]


@dataclass
class LocalSchedule:
    """One schedule that starts a state machine."""

    state_machine_arn: str
    expression: str
    input_document: str
    stepfunctions: Any  # a boto3 Step Functions client
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @classmethod
    def from_event(
        cls, state_machine_arn: str, properties: dict[str, Any], stepfunctions: Any
    ) -> LocalSchedule:
        return cls(
            state_machine_arn=state_machine_arn,
            expression=str(properties.get("ScheduleExpression") or properties.get("Schedule", "")),
            input_document=str(properties.get("Input") or "{}"),
            stepfunctions=stepfunctions,
        )

    def fire(self) -> str:
        """Start one execution now, as the schedule would; its ARN."""
        json.loads(self.input_document)  # an Input that is not JSON fails here, not in a thread
        started = self.stepfunctions.start_execution(
            stateMachineArn=self.state_machine_arn, name=f"schedule-{uuid.uuid4()}", input=self.input_document
        )
        return str(started["executionArn"])

    def start(self) -> bool:
        """Fire every period until stopped; False (and a log line) for an expression run only in AWS."""
        period = rate_seconds(self.expression)
        if period is None:
            log.info(
                "schedule %s runs in AWS only (the local runtime runs rate(...) schedules)", self.expression
            )
            return False
        self._thread = threading.Thread(target=self._run, args=(period,), name="hdoc-schedule", daemon=True)
        self._thread.start()
        return True

    def _run(self, period: int) -> None:
        while not self._stop.wait(period):
            try:
                self.fire()
            except Exception:  # a failed start is logged; the next period tries again
                log.exception("scheduled start of %s failed", self.state_machine_arn)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
