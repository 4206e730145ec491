"""`make screenshots`: the home page, the leaderboard, a profile and an article, on a desktop and a
phone, as PNGs in docs/screenshots/ (the README shows them). Runs the demo like the browser tests."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, open_context, running_website, shown, system_chromium

SIZES = {"desktop": 1280, "mobile": 390}


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    with running_website() as website, sync_playwright() as playwright:
        executable = system_chromium()
        browser = playwright.chromium.launch(
            args=CHROMIUM_ARGS, **({"executable_path": executable} if executable else {})
        )
        people = website.everything("/users", limit=100)
        journeys = {p["id"]: website.api(f"/users/{p['id']}/journey") for p in people[:60]}
        # A profile with every kind of day: counted, not counted, not written yet
        profile = max(
            (name for name, journey in journeys.items() if journey["report"]),
            key=lambda name: (
                any(not e["counts"] for e in journeys[name]["report"]["entries"]),
                0 < len(journeys[name]["report"]["entries"]) < 100,
                len(journeys[name]["report"]["entries"]),
            ),
        )
        article = website.api("/articles", limit=1)["items"][0]
        pages = {
            "home": "/",
            "leaderboard": "/leaderboard",
            "profile": f"/u/{profile}",
            "article": f"/articles/{article['id']}/{article['slug']}",
        }
        for size, width in SIZES.items():
            context = open_context(browser, width=width)
            page = context.new_page()
            for name, path in pages.items():
                shown(page, path, website)
                target = folder / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=name != "home" or size == "desktop")
                print(target)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
