"""Journey repositories made with git itself, with fixed author dates, for the tests."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from hdoc.cli.journey import through_github
from hdoc.journeys.snapshot import Snapshot
from hdoc.sources.git import read_checkout

# The challenge's template repository: its README here, its day templates in the package.
TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "journey_template"
LONG_TEMPLATE = (Path(__file__).resolve().parents[2] / "src/hdoc/journeys/day_templates").joinpath(
    "002-DAY-ARTICLE-LONG-TEMPLATE.md"
)


class JourneyRepo:
    """A git working copy whose commits carry the author dates a test gives them."""

    def __init__(self, path: Path, *, from_template: bool = False) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")
        if from_template:
            self.write("README.md", _template_readme())
            self.write("Journey/001/Readme.md", LONG_TEMPLATE.read_text(encoding="utf-8"))
            for template in LONG_TEMPLATE.parent.glob("*.md"):
                self.write(f"Templates/{template.name}", template.read_text(encoding="utf-8"))

    def git(self, *args: str, when: str | None = None) -> str:
        dated = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
        env = {
            **dated,
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Participant",
            "GIT_AUTHOR_EMAIL": "participant@example.com",
            "GIT_COMMITTER_NAME": "Participant",
            "GIT_COMMITTER_EMAIL": "participant@example.com",
        }
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def write(self, relative: str, text: str) -> JourneyRepo:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return self

    def remove(self, relative: str) -> JourneyRepo:
        (self.path / relative).unlink()
        return self

    def move(self, source: str, target: str) -> JourneyRepo:
        (self.path / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(self.path / source, self.path / target)
        return self

    def commit(self, when: str, message: str = "journey") -> JourneyRepo:
        """Commit everything, authored at `when` (ISO 8601 with its offset)."""
        self.git("add", "--all")
        self.git(
            "-c",
            "commit.gpgsign=false",
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            message,
            f"--date={when}",
        )
        return self

    def branch(self, name: str) -> JourneyRepo:
        """Start a branch `name` here and switch to it."""
        self.git("checkout", "--quiet", "-b", name)
        return self

    def switch(self, name: str) -> JourneyRepo:
        self.git("checkout", "--quiet", name)
        return self

    def merge(self, name: str, when: str) -> JourneyRepo:
        """Merge branch `name` into the current one with a merge commit made at `when`."""
        self.git(
            "-c",
            "commit.gpgsign=false",
            "merge",
            "--quiet",
            "--no-ff",
            "-m",
            f"Merge {name}",
            name,
            when=when,
        )
        return self

    def snapshot(self, created_at: str | None = None) -> Snapshot:
        """The journey as `hdoc journey` reads the clone."""
        snapshot = read_checkout(self.path)
        if created_at is not None:
            snapshot = dataclasses.replace(snapshot, created_at=datetime.fromisoformat(created_at))
        return snapshot

    def through_github(self, created_at: str | None = None) -> Snapshot:
        """The journey as the statistics pipeline reads it from GitHub (the clone served by the fake)."""
        return through_github(self.path, datetime.fromisoformat(created_at) if created_at else None)


def _template_readme() -> str:
    return (TEMPLATE / "README.md").read_text(encoding="utf-8")


def filled(sentence: str) -> str:
    """The Long day template with one prompt replaced by the participant's own sentence."""
    template = LONG_TEMPLATE.read_text(encoding="utf-8")
    prompt = "✍️ (Result) Describe your personal outcome, and lessons learned."
    assert prompt in template
    return template.replace(prompt, sentence)
