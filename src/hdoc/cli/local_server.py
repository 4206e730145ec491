"""The one way hdoc's commands reach a running `hdoc serve`: its local-only paths, over HTTP."""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEFAULT_SERVER = "http://127.0.0.1:3000"


def server_option(parser: argparse.ArgumentParser) -> None:
    """--server, for the commands that talk to a running `hdoc serve`."""
    parser.add_argument("--server", default=DEFAULT_SERVER, help="the local runtime's URL")


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class Refused(Exception):
    """The local runtime did not do what a command asked; `code` is the command's exit status."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def ask(
    command: str, server: str, path: str, document: dict[str, Any], *, timeout: float, refused_code: int
) -> Any:
    """The JSON answer of a local-only path of a running `hdoc serve`; Refused (after saying why)
    with 1 when none answers, `refused_code` when it refuses."""
    answer = post(command, server, path, document, timeout)
    if answer is None:
        raise Refused(1)
    if answer.status_code != 200:
        print(f"hdoc {command}: {refused(answer)}", file=sys.stderr)
        raise Refused(refused_code)
    return answer.json()


def post(command: str, server: str, path: str, document: dict[str, Any], timeout: float) -> Any:
    """POST `document` to a local-only path of a running `hdoc serve`; None (and a message) if none
    answers."""
    import requests

    try:
        return requests.post(f"{server.rstrip('/')}{path}", json=document, timeout=timeout)
    except requests.RequestException:
        print(
            f"hdoc {command}: no local runtime answers at {server}; start one with `hdoc serve`.",
            file=sys.stderr,
        )
        return None


def refused(answer: Any) -> str:
    """What the local runtime said when it refused a request."""
    try:
        return str(answer.json().get("detail", answer.text))
    except ValueError:
        return str(answer.text)
