"""The code's shape: no source file over 400 lines; the command line is a package of small modules.

That the command line reaches AWS only through the maintainers' tools or a running local server is
an import contract (pyproject.toml, checked by `make lint`): parsing source here, in a process whose
background threads may be compiling, trips CPython 3.11's shared AST recursion counter."""

from __future__ import annotations

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


def test_no_source_file_is_over_400_lines():
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in (ROOT / "src" / "hdoc").rglob("*.py")
    }
    assert len(lengths) > 50
    assert {path: length for path, length in lengths.items() if length > 400} == {}
