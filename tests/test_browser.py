"""A researcher's first visit, in a real browser: search, open a result, read it.

Drives Debian's Chromium (never a downloaded browser) through Playwright against the
archive running in a subprocess on its own database with the demo collection loaded
(see tests/browser_server.py). `make test` runs these tests when /usr/bin/chromium is
installed and says so when it is not; CI installs Chromium and always runs them.
"""

import re

import pytest

from tests.browser_server import running_archive

pytestmark = pytest.mark.browser

PUBLISHED_PHRASES = ["Resistance is futile.", "Surrender.", "You’re all surrounded."]


def quote_pattern(text: str) -> re.Pattern:
    """The whole text of an element is the phrase, perhaps in quotation marks, with either
    a straight or a typographic apostrophe."""
    body = re.escape(text).replace("’", "['’]")
    return re.compile(rf"^\s*[“\"‘']?{body}[”\"’']?\s*$")


@pytest.fixture(scope="module")
def archive_url():
    with running_archive() as url:
        yield url


@pytest.fixture
def page(browser):
    """A fresh browser tab that records what the browser complains about (a refused
    script or style under the Content-Security-Policy, a missing file)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def test_a_researcher_finds_the_phrase_list_and_reads_its_published_phrases(page, archive_url, tmp_path):
    from playwright.sync_api import expect

    page.goto(archive_url + "/")
    search_box = page.get_by_role("searchbox").first
    expect(search_box).to_be_visible()
    search_box.fill("surrender")
    search_box.press("Enter")

    # All state is in the URL: the query shows up there.
    page.wait_for_url(re.compile(r"[?&]q=surrender\b"))
    results = page.get_by_role("region", name="Results")
    result = results.get_by_role("link", name=re.compile(r"phrase list", re.IGNORECASE)).first
    expect(result).to_be_visible()
    result.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"phrase list", re.IGNORECASE))
    for phrase in PUBLISHED_PHRASES:
        expect(page.get_by_text(quote_pattern(phrase)).first).to_be_visible()
    custody = page.get_by_role("region", name=re.compile(r"chain of custody", re.IGNORECASE))
    expect(custody.get_by_role("heading", name=re.compile(r"chain of custody", re.IGNORECASE))).to_be_visible()
    # At least one recorded event, each a heading in the timeline.
    expect(custody.get_by_role("heading", level=3).first).to_be_visible()

    assert page.console_errors == []

    screenshot = tmp_path / "phrase-list.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0


def test_the_deep_zoom_viewer_fills_a_phone_and_speaks_the_readers_language(browser, archive_url):
    """On a phone, in Ukrainian: the viewer covers the screen, its controls are the site's
    own named buttons at the bottom, a button zooms, and Escape returns to the image link."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(archive_url + "/uk/artifacts/BFA-2026-0001/")
    opener = page.locator("a[data-zoom-src]").first
    opener.click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    tools = dialog.get_by_role("toolbar", name="Керування зображенням")
    zoom_in = tools.get_by_role("button", name="Збільшити")
    for name in ("Зменшити", "Усе зображення", "Повернути"):
        expect(tools.get_by_role("button", name=name)).to_be_visible()
    expect(dialog.get_by_role("button", name="Закрити")).to_be_visible()
    assert zoom_in.bounding_box()["y"] > 844 * 0.85  # within a thumb's reach
    stage = dialog.locator(".deepzoom-stage")
    expect(stage.locator("canvas").first).to_be_visible()
    expect(dialog.locator(".deepzoom-status")).to_have_text("")  # loaded
    assert stage.locator(".navigator").count() == 0  # no overview covering the image on a phone
    page.wait_for_timeout(1500)  # the opening animation
    before = stage.screenshot()
    zoom_in.click()
    page.wait_for_timeout(1500)
    assert stage.screenshot() != before

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert opener.evaluate("link => link === document.activeElement")
    assert errors == []
    context.close()
