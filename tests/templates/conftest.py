"""Helpers for reading hdoc's templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hdoc.local.cfn import load_template
from tests.conftest import ROOT

TEMPLATES = [
    ROOT / "template.yaml",
    *sorted((ROOT / "stacks").glob("*.yaml")),
    ROOT / "frontend" / "template.yaml",
    ROOT / "cicd" / "pipeline.yaml",
]


def resources(path: Path, resource_type: str | None = None) -> dict[str, dict[str, Any]]:
    declared = load_template(path)["Resources"]
    return {
        logical_id: resource
        for logical_id, resource in declared.items()
        if resource_type is None or resource["Type"] == resource_type
    }


@pytest.fixture(scope="session")
def templates() -> list[Path]:
    return TEMPLATES
