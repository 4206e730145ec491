"""Reading templates as CloudFormation would."""

from __future__ import annotations

from pathlib import Path

import pytest

from hdoc.local.cfn import NO_VALUE, Evaluator, TemplateError, load_template, parameter_values


def evaluator(parameters=None, conditions=None, resources=None) -> Evaluator:
    resources = resources or {}

    def lookup(logical_id, attribute):
        return resources[(logical_id, attribute)]

    return Evaluator("stack", parameters or {}, conditions or {}, lookup)


def test_short_forms_are_read_as_long_forms(tmp_path: Path):
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n  A:\n    Type: X\n    Properties:\n"
        "      Ref: !Ref Stage\n      Att: !GetAtt Table.Arn\n      Sub: !Sub '${Stage}-x'\n"
        "      If: !If [IsProd, 1, 2]\n"
    )
    properties = load_template(template)["Resources"]["A"]["Properties"]
    assert properties == {
        "Ref": {"Ref": "Stage"},
        "Att": {"Fn::GetAtt": ["Table", "Arn"]},
        "Sub": {"Fn::Sub": "${Stage}-x"},
        "If": {"Fn::If": ["IsProd", 1, 2]},
    }


def test_refs_subs_and_getatts_resolve():
    evaluate = evaluator(
        {"Stage": "dev"}, resources={("Table", None): "table-name", ("Table", "Arn"): "arn:table"}
    ).evaluate
    assert evaluate({"Ref": "Stage"}) == "dev"
    assert evaluate({"Ref": "Table"}) == "table-name"
    assert evaluate({"Fn::Sub": "${Table.Arn}/index/*"}) == "arn:table/index/*"
    assert evaluate({"Fn::Sub": "https://${Table}.${AWS::Region}.${AWS::URLSuffix}/${Stage}"}) == (
        "https://table-name.us-east-1.amazonaws.com/dev"
    )
    assert evaluate({"Fn::Sub": ["${X}-${Stage}", {"X": "x"}]}) == "x-dev"
    assert evaluate({"Fn::Join": [",", ["a", {"Ref": "Stage"}]]}) == "a,dev"
    assert evaluate({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"


def test_conditions_choose_and_no_value_drops_the_property():
    conditions = {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    dev = evaluator({"Stage": "dev"}, conditions)
    prod = evaluator({"Stage": "prod"}, conditions)
    value = {"Protect": {"Fn::If": ["IsProd", True, {"Ref": "AWS::NoValue"}]}, "Keep": 1}
    assert dev.evaluate(value) == {"Keep": 1}
    assert prod.evaluate(value) == {"Protect": True, "Keep": 1}
    assert dev.evaluate({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_an_unsupported_function_is_a_clear_error():
    with pytest.raises(TemplateError, match="Fn::Transform"):
        evaluator().evaluate({"Fn::Transform": {}})


def test_parameters_take_given_values_then_defaults_and_check_allowed_values():
    template = {
        "Parameters": {
            "Stage": {"Type": "String", "AllowedValues": ["dev", "prod"]},
            "Name": {"Type": "String", "Default": "hdoc"},
        }
    }
    assert parameter_values(template, {"Stage": "dev"}, "t") == {"Stage": "dev", "Name": "hdoc"}
    with pytest.raises(TemplateError, match="not one of"):
        parameter_values(template, {"Stage": "test"}, "t")
    with pytest.raises(TemplateError, match="no value"):
        parameter_values(template, {}, "t")
    with pytest.raises(TemplateError, match="no such parameters"):
        parameter_values(template, {"Stage": "dev", "Other": 1}, "t")
