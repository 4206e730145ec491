"""The code's shape: no source file over 400 lines; the command line is a package of small modules
that reach AWS only through the maintainers' tools or a running local server."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

CLI = ROOT / "src" / "hdoc" / "cli"


def test_each_command_module_is_under_250_lines():
    modules = sorted(CLI.glob("*.py"))
    assert len(modules) >= 5
    assert {
        path.name: len(path.read_text().splitlines())
        for path in modules
        if len(path.read_text().splitlines()) >= 250
    } == {}


def test_the_command_line_never_imports_boto3():
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [name for name in names if name.split(".")[0] in ("boto3", "botocore")], path.name


def test_no_source_file_is_over_400_lines():
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in (ROOT / "src" / "hdoc").rglob("*.py")
    }
    assert len(lengths) > 50
    assert {path: length for path, length in lengths.items() if length > 400} == {}
