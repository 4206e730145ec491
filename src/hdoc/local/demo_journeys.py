"""Journey repositories for demo participants, served by the fake GitHub, so the demo leaderboard's
scores come from the statistics pipeline reading real journeys rather than from made-up numbers."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources

from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_repository import FakeRepository
from hdoc.models.participant import Participant

LEARNED = (
    "set up a VPC with public and private subnets",
    "wrote my first Lambda function and watched it scale",
    "learned how IAM policies are evaluated",
    "deployed a static site to S3 behind CloudFront",
    "modelled a DynamoDB table around its access patterns",
    "automated a deployment with GitHub Actions",
    "broke my Terraform state, then fixed it",
    "ran a container on Cloud Run",
    "read the Well-Architected Framework's reliability pillar",
    "built an Azure Function triggered by a queue",
)
FEELINGS = (
    "It took longer than I expected, but it finally clicked.",
    "The documentation was clearer than I feared.",
    "Tomorrow I want to automate all of it.",
    "I wrote down every mistake so I do not repeat them.",
)


def _sentence(text: str) -> str:
    """`text` with a capital first letter, the rest as written (VPC stays VPC)."""
    return text[:1].upper() + text[1:]


def _entry(rng: random.Random, day: int, handle: str | None) -> str:
    lines = [
        f"# Day {day}: {_sentence(rng.choice(LEARNED))}",
        "",
        "## Introduction",
        "",
        f"Today I {rng.choice(LEARNED)}. {rng.choice(FEELINGS)}",
        "",
        "## Cloud Research",
        "",
        f"- {_sentence(rng.choice(LEARNED))}, step by step.",
    ]
    if handle and rng.random() < 0.8:
        lines += [
            "",
            "## Social Proof",
            "",
            f"[Tweet](https://twitter.com/{handle}/status/{rng.randrange(10**17, 10**18)})",
        ]
    return "\n".join(lines) + "\n"


def _unfinished_day() -> str:
    """A day's file copied from the micro template and never filled in: it does not count."""
    template = resources.files("hdoc.journeys") / "day_templates" / "000-DAY-ARTICLE-MICRO-TEMPLATE.md"
    return template.read_text(encoding="utf-8")


# Where a demo participant keeps each day (docs/journey-rules.md, 1): mostly the template's folders,
# sometimes a folder per day or plain-text day files, as real participants do.
LAYOUTS = {
    "template": "Journey/{day:03d}/Readme.md",
    "day folders": "Day{day:03d}/README.md",
    "text files": "Days/day{day:03d}.txt",
}


def _layout(participant: Participant) -> str:
    """The participant's layout, from its own generator (the rest of the demo stays as it was)."""
    return random.Random(f"{participant.id} layout").choices(list(LAYOUTS.values()), weights=(6, 1, 1))[0]


def journey_repository(participant: Participant, rng: random.Random, now: datetime) -> FakeRepository:
    """A journey for `participant`: days since they joined, with gaps, some shared on social media."""
    zone = timezone(timedelta(hours=rng.choice((-5, 0, 1, 2, 5, 8))))
    repository = FakeRepository(
        f"{participant.id}/100DaysOfCloud", participant.date_joined - timedelta(days=1)
    )
    readme = ["# 100 Days Of Cloud", ""]
    repository.commit(participant.date_joined.astimezone(zone), {"README.md": "\n".join(readme) + "\n"})
    days_available = max(0, (now - participant.date_joined).days)
    days = min(100, days_available, round(rng.betavariate(1.2, 2.5) * 110))
    when = participant.date_joined.astimezone(zone) + timedelta(hours=rng.uniform(1, 12))
    # Its own generator, so the rest of the demo stays as it was: now and then a day is left as the
    # template, which the profile shows as a day that does not count, with the reason.
    unfinished = random.Random(participant.id)
    layout = _layout(participant)
    for day in range(1, days + 1):
        path = layout.format(day=day)
        readme.append(f"- [x] ☁️ {day} > [Day {day}]({path})")
        text = _entry(rng, day, participant.twitter_profile)
        if unfinished.random() < 0.04:
            text = _unfinished_day()
        files = {path: text}
        files["README.md"] = "\n".join(readme) + "\n"
        if when > now:
            break
        repository.commit(when, files)
        # Mostly a day at a time; now and then a day or a week off.
        when += timedelta(days=rng.choices((1, 2, 7), weights=(85, 12, 3))[0], minutes=rng.randrange(-90, 90))
    return repository


def serve_demo_journeys(github: FakeGitHub, participants: Iterable[Participant], *, seed: int) -> int:
    """Add a journey for most participants (a few have none yet); how many were added."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    added = 0
    for participant in participants:
        if rng.random() < 0.05:
            continue  # no repository yet: the demo shows a "not-found" journey status too
        github.add(journey_repository(participant, rng, now))
        added += 1
    return added
