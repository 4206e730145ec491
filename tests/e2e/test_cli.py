"""The `hdoc` command as a maintainer uses it."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from hdoc.cli import main
from hdoc.handlers.api_docs import openapi_document

HDOC = [sys.executable, "-m", "hdoc.cli"]


def test_hdoc_openapi_prints_the_document(capsys):
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == openapi_document()


def test_hdoc_seed_adds_participants_to_a_running_server(empty_api):
    assert main(["seed", "--participants", "25", "--random-seed", "9", "--server", empty_api.url]) == 0

    directory = requests.get(f"{empty_api.url}/users", params={"limit": 100}, timeout=10).json()["items"]
    leaderboard = requests.get(f"{empty_api.url}/leaderboard", params={"limit": 3}, timeout=10).json()[
        "items"
    ]
    assert len(directory) == 25
    assert [entry["score"] for entry in leaderboard] == sorted(
        (item["score"] for item in directory), reverse=True
    )[:3]


def test_the_local_seed_path_refuses_a_bad_count_and_writes_nothing(empty_api):
    from hdoc.local.gateway import SEED_PATH

    for count in (0, -3, "ten", True, 10**9):
        answer = requests.post(f"{empty_api.url}{SEED_PATH}", json={"participants": count}, timeout=10)
        assert answer.status_code == 400, count
        assert "participants" in answer.json()["detail"]
    assert requests.get(f"{empty_api.url}/users", timeout=10).json()["items"] == []


def test_hdoc_seed_without_a_server_says_so_and_fails(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["seed", "--participants", "1", "--server", f"http://127.0.0.1:{port}"]) == 1
    assert "hdoc serve" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_hdoc_serve_prints_its_url_serves_the_demo_and_stops_cleanly_on_ctrl_c(project_root: Path):
    port, site_port = free_port(), free_port()
    server = subprocess.Popen(
        [*HDOC, "serve", "--seed", "demo", "--port", str(port), "--site-port", str(site_port)],
        cwd=project_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Started as a shell without job control starts a background command (SIGINT ignored),
        # which Ctrl-C must stop all the same.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509
    )
    try:
        # A bound, not a timing: seeding the demo reads 120 journeys, which took over two minutes on a
        # machine whose cores were all busy; the banner's last line says it is ready.
        banner = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            banner.append(line)
            if "Ctrl-C" in line or not line:
                break
        assert any("Ctrl-C" in line for line in banner), f"not ready in 600 s: {''.join(banner)[-2000:]}"
        assert f"http://127.0.0.1:{port}" in "".join(banner)
        assert "curl" in "".join(banner)

        leaderboard = requests.get(f"http://127.0.0.1:{port}/leaderboard", params={"limit": 5}, timeout=30)
        assert leaderboard.status_code == 200
        assert leaderboard.json()["items"][0]["rank"] == 1
        assert len(leaderboard.json()["items"]) == 5
        # The demo's scores are the ones its journeys give, read by the statistics parser
        leader = leaderboard.json()["items"][0]
        assert leader["score"] > 0
        assert leader["journeyStatus"] == "ok"
        journey = requests.get(f"http://127.0.0.1:{port}/users/{leader['id']}/journey", timeout=30).json()
        assert journey["status"] == "ok"
        assert journey["report"]["totals"]["score"] == leader["score"]
        assert sum(rule["points"] for rule in journey["report"]["breakdown"]) == leader["score"]
        assert "Demo journeys read by the statistics parser: succeeded" in "".join(banner)
        # The website, with the API under /api on its own origin
        assert f"The website: http://localhost:{site_port}" in "".join(banner)
        home = requests.get(f"http://localhost:{site_port}/leaderboard", timeout=30)
        assert home.status_code == 200
        assert '<script type="module" src="/js/app.js">' in home.text
        assert "default-src 'self'" in home.headers["Content-Security-Policy"]
        proxied = requests.get(f"http://localhost:{site_port}/api/leaderboard?limit=5", timeout=30)
        assert proxied.json()["items"] == leaderboard.json()["items"]
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=60)  # it stops in about 4 s on a loaded machine
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
            raise AssertionError(
                f"hdoc serve did not stop within 60 s of Ctrl-C; it said:\n{output[-4000:]}"
            ) from None
    assert server.returncode == 0
    assert "GET /leaderboard?limit=5 -> 200" in output
    assert "Traceback" not in output


def test_hdoc_token_prints_an_id_token_the_api_accepts(empty_api, capsys):
    assert main(["token", "--email", "Person@Example.com", "--server", empty_api.url]) == 0
    bearer = capsys.readouterr().out.strip()

    answer = requests.get(f"{empty_api.url}/me", headers={"Authorization": f"Bearer {bearer}"}, timeout=10)

    assert answer.status_code == 404  # signed in, with no participant yet
    assert "POST /signup" in answer.json()["detail"]


def test_hdoc_token_refuses_what_is_not_an_email(empty_api, capsys):
    assert main(["token", "--email", "not-an-email", "--server", empty_api.url]) == 2
    assert "email" in capsys.readouterr().err


def test_hdoc_token_github_links_the_account_so_it_can_claim_that_name(empty_api, capsys):
    assert (
        main(["token", "--email", "linker@example.com", "--github", "Cli-Linked", "--server", empty_api.url])
        == 0
    )
    bearer = {"Authorization": f"Bearer {capsys.readouterr().out.strip()}"}

    linked = requests.get(f"{empty_api.url}/me/github", headers=bearer, timeout=10)
    claimed = requests.post(
        f"{empty_api.url}/signup",
        headers=bearer,
        json={"githubUsername": "cli-linked", "name": "Cli"},
        timeout=10,
    )

    assert linked.json()["login"] == "Cli-Linked"
    assert (claimed.status_code, claimed.json()["verified"]) == (201, True)
    assert main(["token", "--email", "x@example.com", "--github=-bad-", "--server", empty_api.url]) == 2
    assert "'github' must be a GitHub username" in capsys.readouterr().err
