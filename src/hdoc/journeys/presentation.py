"""A journey report as text for a terminal: what counts, why not, streaks and the score."""

from __future__ import annotations

from hdoc.models.journey import JourneyReport, StreakReport


def _streak(streak: StreakReport | None) -> str:
    if streak is None:
        return "none"
    days = "day" if streak.length == 1 else "days"
    return f"{streak.length} {days} ({streak.start} to {streak.end})"


def as_text(report: JourneyReport) -> str:
    lines = [f"{'day':>4}  {'date':<10}  {'words':>5}  {'social':>6}  entry"]
    for entry in report.entries:
        when = entry.date.isoformat() if entry.date else "-"
        status = entry.title or ", ".join(entry.paths)
        if not entry.counts:
            status = f"does not count: {entry.reason}  [{', '.join(entry.paths)}]"
        lines.append(f"{entry.day:>4}  {when:<10}  {entry.words:>5}  {len(entry.social_links):>6}  {status}")
    checklist = report.checklist
    if checklist.ticked_but_not_counted:
        lines.append(
            f"\nTicked in the README but not counted: days {_days(checklist.ticked_but_not_counted)}"
        )
    if checklist.counted_but_not_ticked:
        lines.append(f"Counted but not ticked in the README: days {_days(checklist.counted_but_not_ticked)}")
    if checklist.titled_only:
        lines.append(f"Titled in the README with no counted entry: days {_days(checklist.titled_only)}")
    streaks = report.streaks
    lines += [
        "",
        f"Streaks (as of {report.today}, {report.timezone}):",
        f"  current: {_streak(streaks.current)}",
        f"  longest: {_streak(streaks.longest)}",
        f"  social current: {_streak(streaks.social_current)}",
        f"  social longest: {_streak(streaks.social_longest)}",
        "",
        "Score:",
    ]
    lines += [
        f"  {rule.rule:<34} {rule.count:>4} x {rule.points_each:>2} = {rule.points:>5}"
        for rule in report.breakdown
    ]
    totals = report.totals
    completed = f"{totals.days_completed} day{'' if totals.days_completed == 1 else 's'} completed"
    lines.append(
        f"  {'total (CloudCoins)':<34} {'':>4}   {'':>2}   {totals.score:>5}"
        f"  (GitHub {totals.github_score}, social {totals.twitter_score}; {completed})"
    )
    return "\n".join(lines)


def _days(days: list[int]) -> str:
    return ", ".join(str(day) for day in days)
