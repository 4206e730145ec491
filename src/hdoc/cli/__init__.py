"""The `hdoc` command: run the backend locally, fill it with demo data, read a journey, print the API
document, and the maintainers' chores. One module per group of commands; each adds its own."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from hdoc.cli import aws, deploy, journey, local, serve


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hdoc", description="The #100DaysOfCloud backend's command line.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (serve, local, aws, deploy, journey):
        group.add_commands(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))
