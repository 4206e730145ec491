"""The templates' schedules, run by the local runtime: the rate, and the input they start with."""

from __future__ import annotations

import time

import pytest

from hdoc.local.runtime import LocalRuntime
from hdoc.local.schedules import LocalSchedule, rate_seconds
from tests.conftest import TEMPLATE


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 hour)", 3600), ("rate(5 minutes)", 300), ("rate(2 days)", 172800), ("cron(0 * * * ? *)", None)],
)
def test_rate_expressions_give_their_period(expression, seconds):
    assert rate_seconds(expression) == seconds


def test_the_statistics_parsers_schedule_starts_a_run_that_succeeds():
    with LocalRuntime(TEMPLATE, poll_streams=False) as runtime:
        [(arn, properties, role)] = runtime.schedules
        assert arn == runtime.state_machine_arn("StatisticsParser")
        assert rate_seconds(properties["ScheduleExpression"]) == 3600  # the template's default
        scheduler = runtime.client("stepfunctions", credentials=runtime.schedule_credentials(role))
        schedule = LocalSchedule.from_event(arn, properties, scheduler)
        execution = schedule.fire()
        client = runtime.client("stepfunctions")
        deadline = time.monotonic() + 60
        while (status := client.describe_execution(executionArn=execution)["status"]) == "RUNNING":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert status == "SUCCEEDED"
        assert runtime.start_schedules() == ["rate(1 hour)"]
