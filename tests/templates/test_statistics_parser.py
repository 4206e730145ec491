"""The statistics parser's state machine: its definition is valid Amazon States Language (cfn-lint
checks it), every task retries with backoff and jitter a bounded number of times, one failed batch
cannot fail the run, and the schedule starts it with the input the code expects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from hdoc.local.cfn import load_template
from hdoc.logic.refresh import execution_input
from tests.conftest import ROOT
from tests.templates.conftest import resources
from tests.templates.test_tools import cfn_lint

DEFINITION = ROOT / "statemachines" / "statistics.asl.json"


def parser_resource() -> dict[str, Any]:
    return resources(ROOT / "stacks" / "stats.yaml", "AWS::Serverless::StateMachine")["StatisticsParser"]


def definition(max_concurrency: int = 4) -> dict[str, Any]:
    """The definition as deployed: its substitutions filled in."""
    text = DEFINITION.read_text(encoding="utf-8")
    declared = parser_resource()["Properties"]["DefinitionSubstitutions"]
    assert set(declared) == {
        "ListPageFunctionArn",
        "RefreshBatchFunctionArn",
        "TallyFunctionArn",
        "MaxConcurrency",
        "MaxResumes",
    }
    values = {name: f"arn:aws:lambda:us-east-1:123456789012:function:{name}" for name in declared}
    values.update(MaxConcurrency=str(max_concurrency), MaxResumes=str(declared["MaxResumes"]))
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return dict(json.loads(text))


def all_states(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = dict(document["States"])
    for state in document["States"].values():
        if state["Type"] == "Map":
            found.update(all_states(state["ItemProcessor"]))
    return found


def test_cfn_lint_validates_the_definition(tmp_path: Path):
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Parser": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": "arn:aws:iam::123456789012:role/parser",
                    "Definition": definition(),
                },
            }
        },
    }
    path = tmp_path / "parser.yaml"
    path.write_text(yaml.safe_dump(template), encoding="utf-8")
    result = cfn_lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_fails_a_broken_definition(tmp_path: Path):
    broken = definition()
    del broken["States"]["ListPage"]["Next"]  # a state that neither goes on nor ends
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Parser": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"RoleArn": "arn:aws:iam::123456789012:role/parser", "Definition": broken},
            }
        },
    }
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(template), encoding="utf-8")
    assert cfn_lint(path).returncode != 0


def test_every_task_retries_lambda_failures_with_bounded_jittered_exponential_backoff():
    tasks = {name: state for name, state in all_states(definition()).items() if state["Type"] == "Task"}
    assert set(tasks) == {"ListPage", "RefreshBatch", "Tally"}
    for name, task in tasks.items():
        retries = task.get("Retry", [])
        assert retries, name
        for retry in retries:
            assert {"Lambda.ServiceException", "Lambda.TooManyRequestsException", "States.TaskFailed"} <= set(
                retry["ErrorEquals"]
            ), name
            assert 1 <= retry["MaxAttempts"] <= 5, name
            assert retry["IntervalSeconds"] >= 1, name
            assert retry["BackoffRate"] >= 2.0, name
            assert retry["JitterStrategy"] == "FULL", name
            assert retry["MaxDelaySeconds"] <= 60, name


def test_a_batch_that_fails_after_its_retries_is_counted_and_does_not_fail_the_run():
    states = all_states(definition())
    catch = states["RefreshBatch"]["Catch"]
    assert catch == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "BatchFailed"}]
    assert states["BatchFailed"]["Type"] == "Pass"
    assert states["BatchFailed"].get("End") is True


def test_the_map_runs_batches_with_bounded_concurrency_from_the_template():
    refresh_page = definition(max_concurrency=7)["States"]["RefreshPage"]
    assert refresh_page["MaxConcurrency"] == 7
    substitutions = parser_resource()["Properties"]["DefinitionSubstitutions"]
    assert substitutions["MaxConcurrency"] == {"Ref": "RefreshMaxConcurrency"}
    parameters = load_template(ROOT / "stacks" / "stats.yaml")["Parameters"]
    assert 1 <= parameters["RefreshMaxConcurrency"]["MaxValue"] <= 40


def test_a_spent_rate_limit_waits_for_the_reset_and_resumes_a_bounded_number_of_times():
    states = definition()["States"]
    waits = [choice for choice in states["MorePages"]["Choices"] if choice["Next"] == "WaitForRateLimitReset"]
    assert waits
    assert {"Variable": "$.resumes", "NumericLessThan": 3} in waits[0]["And"]
    assert states["WaitForRateLimitReset"]["TimestampPath"] == "$.tallied.summary.rateLimitedUntil"
    assert states["Resume"]["Next"] == "ListPage"


def test_the_schedule_starts_a_run_with_the_input_the_code_expects():
    events = parser_resource()["Properties"]["Events"]
    schedule = next(event for event in events.values() if event["Type"] == "ScheduleV2")
    assert json.loads(schedule["Properties"]["Input"]) == execution_input()
    assert schedule["Properties"]["ScheduleExpression"] == {"Ref": "RefreshSchedule"}


def test_alarms_watch_failed_runs_the_failure_queue_and_the_calculators_errors():
    alarms = resources(ROOT / "stacks" / "stats.yaml", "AWS::CloudWatch::Alarm").values()
    watched = [
        (
            alarm["Properties"]["Namespace"],
            alarm["Properties"]["MetricName"],
            alarm["Properties"]["Dimensions"][0]["Value"],
        )
        for alarm in alarms
    ]
    assert ("AWS/States", "ExecutionsFailed", {"Ref": "StatisticsParser"}) in watched
    for queue in ("ScoreCalculatorFailures", "PushQueueFailures"):
        assert (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"Fn::GetAtt": [queue, "QueueName"]},
        ) in watched
    for function in ("ScoreCalculatorFunction", "PushRefreshFunction"):
        assert ("AWS/Lambda", "Errors", {"Ref": function}) in watched
    calculator = resources(ROOT / "stacks" / "stats.yaml")["ScoreCalculatorFunction"]["Properties"]
    source = calculator["Events"]["StatisticsChanges"]["Properties"]
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["ScoreCalculatorFailures", "Arn"]
    }
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 < source["MaximumRetryAttempts"] <= 10
