"""Personal data stays where DELETE /me reaches it, or goes soon: no response in X-Ray, and every
function's logs kept a set number of days."""

from __future__ import annotations

from hdoc.local.cfn import load_template
from tests.conftest import ROOT
from tests.templates.conftest import resources

STACKS = [ROOT / "stacks" / name for name in ("api.yaml", "auth.yaml", "stats.yaml")]


def test_every_function_logs_to_a_log_group_kept_for_the_parameters_days():
    functions = 0
    for stack in STACKS:
        groups = resources(stack, "AWS::Logs::LogGroup")
        for name, function in resources(stack, "AWS::Serverless::Function").items():
            functions += 1
            group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
            assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "FunctionLogRetentionDays"}, name
        assert load_template(stack)["Parameters"]["FunctionLogRetentionDays"]["Default"] == 30
    assert functions == 10


def test_no_function_sends_its_responses_to_x_ray():
    for stack in [ROOT / "template.yaml", *STACKS]:
        variables = load_template(stack)["Globals"]["Function"]["Environment"]["Variables"]
        assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false", stack
    source = (ROOT / "src" / "hdoc" / "handlers" / "api.py").read_text()
    assert "@tracer.capture_lambda_handler(capture_response=False)" in source
