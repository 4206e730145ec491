"""The stage's parameters as the stack has them now, as a CloudFormation template configuration
file, so that the pipeline deploys a stage with its own settings (allowed origins, callback URLs,
alarm topic…) instead of the template's defaults.

    aws cloudformation describe-stacks --stack-name hdoc-backend-dev --query 'Stacks[0].Parameters' \\
        --output json | python3 cicd/stage_parameters.py > stage-parameters.json

Standard library only: it runs in CodeBuild before anything is installed.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def template_configuration(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """describe-stacks' Parameters as a template configuration ({"Parameters": {name: value}})."""
    return {"Parameters": {item["ParameterKey"]: item["ParameterValue"] for item in parameters}}


if __name__ == "__main__":
    found = json.load(sys.stdin)
    if not isinstance(found, list) or not found:
        sys.exit("stage_parameters: the stack has no parameters; deploy the stage by hand once first")
    json.dump(template_configuration(found), sys.stdout, indent=2, sort_keys=True)
