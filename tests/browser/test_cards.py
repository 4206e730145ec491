"""The progress card and badge as a browser draws them, and the profile's lines to paste."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Website, shown


def pixels(png: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and pixels of an 8-bit, non-interlaced RGB(A) PNG (as Chromium's screenshots are)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, width, height, channels = 8, b"", 0, 0, 0
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind, body = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            assert colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    raw, stride, rows, previous = zlib.decompress(data), width * channels, [], bytearray(width * channels)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for index in range(stride):
            left = line[index - channels] if index >= channels else 0
            up, corner = previous[index], previous[index - channels] if index >= channels else 0
            if kind == 1:
                line[index] = (line[index] + left) & 0xFF
            elif kind == 2:
                line[index] = (line[index] + up) & 0xFF
            elif kind == 3:
                line[index] = (line[index] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                nearest = min(
                    (abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner)
                )
                line[index] = (line[index] + nearest[2]) & 0xFF
        rows.append(bytes(line))
        previous = line
    flat = b"".join(rows)
    return width, height, [tuple(flat[i : i + 3]) for i in range(0, len(flat), channels)]


def _brightness(colours: list[tuple[int, ...]]) -> float:
    return sum(sum(colour) for colour in colours) / (3 * len(colours))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_card_is_drawn_at_its_size_in_both_themes(page: Page, website: Website, theme: str):
    name = website.api("/leaderboard", limit=1)["items"][0]["id"]
    page.set_content(f'<img id="card" src="{website.api_url}/users/{name}/card.svg?theme={theme}">')
    card = page.locator("#card")
    expect(card).to_have_js_property("complete", True)
    assert card.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [495, 195]

    width, height, colours = pixels(card.screenshot())

    assert (width, height) == (495, 195)
    assert len(set(colours)) > 20  # text, a bar and a frame: not a blank rectangle
    inside = colours[width * 20 + 5 : width * 20 + 60]  # a strip of the background inside the frame
    assert (_brightness(inside) > 200) == (theme == "light")


def test_the_badge_and_an_error_card_are_images_too(page: Page, website: Website):
    name = website.api("/leaderboard", limit=1)["items"][0]["id"]
    page.set_content(
        f'<img id="badge" src="{website.api_url}/users/{name}/badge.svg">'
        f'<img id="missing" src="{website.api_url}/users/nobody-at-all/card.svg">'
    )
    for image in ("#badge", "#missing"):
        expect(page.locator(image)).to_have_js_property("complete", True)
    assert page.locator("#badge").evaluate("image => image.naturalHeight") == 20
    assert page.locator("#missing").evaluate("image => [image.naturalWidth, image.naturalHeight]") == [
        495,
        195,
    ]
    _, _, colours = pixels(page.locator("#missing").screenshot())
    assert len(set(colours)) > 20  # the 404 card says so, rather than a broken image


def test_a_profile_shows_its_card_and_the_markdown_to_paste(page: Page, website: Website):
    name = website.api("/leaderboard", limit=1)["items"][0]["id"]
    shown(page, f"/u/{name}", website)
    section = page.get_by_role("region", name="Progress card for a README")
    card = section.get_by_role("img", name="#100DaysOfCloud progress card")
    expect(card).to_have_js_property("complete", True)
    assert card.evaluate("image => image.naturalWidth") == 495
    markdown = section.get_by_label("Card (Markdown)").input_value()
    assert (
        markdown
        == f"[![My #100DaysOfCloud]({website.url}/api/users/{name}/card.svg)]({website.url}/u/{name})"
    )
