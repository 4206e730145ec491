"""Demo participants: plausible names, GitHub-style usernames, join dates over the past year, and
progress and scores consistent with the scoring rules."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hdoc.journeys import scoring
from hdoc.models.participant import Participant

FIRST_NAMES = (
    "Amara",
    "Aiko",
    "Alejandro",
    "Ana",
    "Arjun",
    "Beatriz",
    "Björn",
    "Chen",
    "Chioma",
    "Daniel",
    "Dmitri",
    "Elif",
    "Emma",
    "Fatima",
    "Felipe",
    "Giulia",
    "Hana",
    "Hamza",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "João",
    "Kai",
    "Kemi",
    "Lars",
    "Leila",
    "Lucas",
    "Mai",
    "Marta",
    "Mateo",
    "Mei",
    "Mohammed",
    "Nadia",
    "Nikhil",
    "Noah",
    "Olga",
    "Omar",
    "Priya",
    "Rafael",
    "Rania",
    "Sakura",
    "Samuel",
    "Sara",
    "Sven",
    "Tariq",
    "Thandiwe",
    "Tomás",
    "Valentina",
    "Wei",
    "Yara",
    "Yusuf",
    "Zanele",
    "Zoe",
)
LAST_NAMES = (
    "Abebe",
    "Adeyemi",
    "Almeida",
    "Andersson",
    "Bauer",
    "Chen",
    "Costa",
    "Dubois",
    "Fernández",
    "García",
    "Gupta",
    "Haddad",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kim",
    "Kowalski",
    "Kumar",
    "Laurent",
    "Li",
    "Mbeki",
    "Mendes",
    "Müller",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Park",
    "Patel",
    "Petrov",
    "Popescu",
    "Reyes",
    "Rossi",
    "Santos",
    "Schmidt",
    "Singh",
    "Sato",
    "Silva",
    "Tanaka",
    "Virtanen",
    "Wang",
    "Wiśniewski",
    "Yamamoto",
    "Yilmaz",
    "Zhang",
)
USERNAME_SUFFIXES = ("", "", "", "-dev", "-cloud", "codes", "-ops", "io", "-aws", "tech")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _username(rng: random.Random, first: str, last: str) -> str:
    style = rng.randrange(5)
    first_ascii, last_ascii = _ascii(first), _ascii(last)
    base = [
        f"{first_ascii}{last_ascii}",
        f"{first_ascii}-{last_ascii}",
        f"{first_ascii[0]}{last_ascii}",
        f"{first_ascii}{rng.randrange(1, 100)}",
        f"{last_ascii}-{first_ascii}",
    ][style]
    username = f"{base}{rng.choice(USERNAME_SUFFIXES)}"
    # GitHub usernames are often mixed case; lookups ignore it.
    return username.capitalize() if rng.random() < 0.2 else username


def demo_participants(
    count: int, *, seed: int | None = None, now: datetime | None = None
) -> Iterator[tuple[Participant, datetime]]:
    """`count` participants with distinct usernames, and when each reached their current score."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    taken: set[str] = set()
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = _username(rng, first, last)
        while username.lower() in taken:
            username = f"{username[:34]}{rng.randrange(10, 10_000)}"
        taken.add(username.lower())

        joined = now - timedelta(days=rng.uniform(0, 365), seconds=rng.randrange(86_400))
        days_since_joining = max(1, (now - joined).days)
        # Most participants start strong and slow down; a few finish all 100 days.
        effort = rng.betavariate(1.2, 2.5)
        days_completed = min(100, days_since_joining, round(effort * 110))
        longest_streak = min(
            days_completed, max(1 if days_completed else 0, round(days_completed * rng.uniform(0.2, 1)))
        )
        current_streak = rng.choice([0, 0, min(longest_streak, rng.randrange(0, 15))])
        shares_socially = rng.random() < 0.7
        social_days = round(days_completed * rng.uniform(0.3, 1)) if shares_socially else 0
        longest_social = min(social_days, round(social_days * rng.uniform(0.1, 0.8)))
        points = scoring.score(days_completed, longest_streak, social_days, longest_social)
        handle = f"{_ascii(first)}_{_ascii(last)}"[:15]
        participant = Participant(
            id=username,
            name=f"{first} {last}",
            days_completed=days_completed,
            github_profile=f"https://github.com/{username}",
            github_score=points.github,
            github_streak=current_streak,
            twitter_profile=handle if shares_socially else None,
            twitter_score=points.twitter,
            twitter_streak=min(current_streak, longest_social),
            linkedin_profile=f"{_ascii(first)}-{_ascii(last)}-{rng.randrange(100, 999)}"
            if rng.random() < 0.6
            else None,
            status="active",
            avatar_image=f"https://github.com/{username}.png",
            date_joined=joined,
            verified=True,  # demo participants claimed their names through GitHub
            score=points.total,
            longest_streak=longest_streak,
        )
        reached_at = joined + (now - joined) * rng.uniform(0.5, 1)
        yield participant, reached_at


def unscored(participant: Participant) -> Participant:
    """The participant before any journey was read: scores and streaks come from the pipeline."""
    return participant.model_copy(
        update={
            "score": 0,
            "days_completed": 0,
            "longest_streak": 0,
            "github_score": 0,
            "github_streak": 0,
            "twitter_score": 0,
            "twitter_streak": 0,
        }
    )


DEMO_TOPICS = (
    ("VPC", "networking"),
    ("IAM", "security"),
    ("Lambda", "serverless"),
    ("S3", "storage"),
    ("DynamoDB", "databases"),
    ("CloudFront", "networking"),
    ("Terraform", "iac"),
    ("Kubernetes", "containers"),
    ("Azure Functions", "azure"),
    ("Cloud Run", "gcp"),
    ("Step Functions", "serverless"),
    ("ECS", "containers"),
    ("CloudWatch", "observability"),
    ("Route 53", "networking"),
    ("GitHub Actions", "devops"),
    ("SAM", "iac"),
)
DEMO_TITLES = (
    "Day {day}: my first steps with {topic}",
    "What {topic} taught me on day {day}",
    "{topic} in practice: notes from day {day}",
    "Day {day}: I broke {topic}, then fixed it",
)


def demo_articles(
    authors: list[Participant], count: int, *, seed: int | None = None, tags: Sequence[str] = ()
) -> Iterator[Any]:
    """`count` articles by `authors`, on cloud topics, as StoredArticles ready to write.

    Each is tagged from its topic, or, given `tags`, with 1 to 4 of them, the first ones most used
    (tag use is Zipf-like on real sites).
    """
    from ulid import ULID

    from hdoc.dal.articles import StoredArticle, feed_key
    from hdoc.logic.article_writes import reading_time_minutes, slug_for
    from hdoc.models.article import Article

    rng = random.Random(seed)
    now = datetime.now(UTC)
    weights = [1 / rank for rank in range(1, len(tags) + 1)]
    for _ in range(count):
        author = rng.choice(authors)
        topic, area = rng.choice(DEMO_TOPICS)
        title = rng.choice(DEMO_TITLES).format(day=rng.randrange(1, 101), topic=topic)
        body = "\n\n".join(
            f"Today I worked with {topic}. "
            + " ".join(
                rng.choice(("It", "This", "The console", "The docs"))
                + " "
                + rng.choice(
                    ("surprised me.", "was easier than I thought.", "took a while.", "clicked at last.")
                )
                for _ in range(rng.randrange(5, 40))
            )
            for _ in range(rng.randrange(2, 6))
        )
        cloud = rng.choice(("aws", "azure", "gcp", "100daysofcloud"))
        chosen = (
            set(rng.choices(tags, weights=weights, k=rng.randint(1, 4)))
            if tags
            else {area, topic.lower().replace(" ", "-"), cloud}
        )
        written = now - timedelta(days=rng.uniform(0, 200))
        article = Article(
            id=str(ULID.from_datetime(written)),
            slug=slug_for(title),
            title=title,
            description=f"Notes on {topic} from my #100DaysOfCloud journey.",
            body=body,
            tags=sorted(chosen),
            author=author.id,
            created_at=written,
            updated_at=written,
            reading_time_minutes=reading_time_minutes(body),
        )
        yield StoredArticle(article, author.id.lower(), feed_key(article))
