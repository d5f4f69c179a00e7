"""The transparency log page in a real browser, on a desktop screen and on a phone.

The archive runs in a subprocess (tests/browser_server.py) with a signing key, and a head
is published with `manage.py publish_tree_head` before the page is opened. Screenshots go
to the test's tmp_path, and also to SCREENSHOT_DIR when that variable is set.
"""

import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pytest

from artifacts.custody import signing
from tests.browser_server import archive_instance

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    key = tmp_path_factory.mktemp("keys") / "signing.pem"
    signing.make_key_file(key)
    with archive_instance({"ARCHIVE_SIGNING_KEY_FILE": str(key)}) as instance:
        result = instance.manage("publish_tree_head", "--no-stamp")
        assert result.returncode == 0, result.stdout + result.stderr
        with urllib.request.urlopen(instance.url + "/transparency/heads/latest.json", timeout=30) as response:  # noqa: S310
            instance.head = json.loads(response.read())
        yield instance


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"transparency-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(target) / path.name)
    return path


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_transparency_page_shows_the_signed_head(browser, archive, tmp_path, screen):
    from playwright.sync_api import expect

    head = archive.head
    context = browser.new_context(viewport=VIEWPORTS[screen])
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(archive.url + "/transparency/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Transparency log")
        state = page.get_by_role("region", name="The log now")
        expect(state).to_be_visible()
        expect(state.get_by_text(re.compile(rf"^Number {head['number']},"))).to_be_visible()
        expect(state.get_by_text(f"{head['tree_size']} of the {head['tree_size']} in the log")).to_be_visible()
        expect(state.get_by_text(head["root_hash"], exact=True)).to_be_visible()
        signature = state.locator("dd", has_text="Ed25519, key")
        expect(signature).to_be_visible()
        expect(signature.get_by_text(head["key_id"], exact=True)).to_be_visible()
        expect(state.get_by_text("Unsigned")).to_have_count(0)
        warning = state.get_by_text(re.compile("Not timestamped yet"))
        expect(warning).to_be_visible()
        # A warning that wraps keeps its lines apart: no line's box covers the one above.
        lines = warning.evaluate("e => [...e.getClientRects()].map(r => [r.top, r.bottom])")
        for (_, above_bottom), (below_top, _) in zip(lines, lines[1:], strict=False):
            assert below_top >= above_bottom - 1, f"the warning's lines overlap at {screen} width: {lines}"

        # The whole hash fits in the column: nothing is cut off or runs past the page.
        box = state.get_by_text(head["root_hash"], exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[screen]["width"]
        scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"the page scrolls sideways at {screen} width"

        # The checker download and the endpoints are reachable from the page.
        expect(page.get_by_role("link", name="bfa-verify.pyz")).to_be_visible()
        expect(page.get_by_role("link", name="heads/latest.json")).to_be_visible()
        assert errors == []
        save_screenshot(page, tmp_path, screen)
    finally:
        context.close()


def test_an_unsigned_archive_warns_on_a_phone(browser, tmp_path):
    with archive_instance() as instance:
        result = instance.manage("publish_tree_head", "--no-stamp")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "UNSIGNED" in result.stdout
        context = browser.new_context(viewport=VIEWPORTS["phone"])
        page = context.new_page()
        try:
            from playwright.sync_api import expect

            page.goto(instance.url + "/transparency/")
            state = page.get_by_role("region", name="The log now")
            warning = state.get_by_text(re.compile(r"^Unsigned: this archive has no signing key configured"))
            expect(warning).to_be_visible()
            expect(state.locator("dd", has_text="Ed25519, key")).to_have_count(0)
            lines = warning.evaluate("e => [...e.getClientRects()].map(r => [r.top, r.bottom])")
            for (_, above_bottom), (below_top, _) in zip(lines, lines[1:], strict=False):
                assert below_top >= above_bottom - 1, f"the warning's lines overlap: {lines}"
            scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            assert scroll_width <= inner_width
            save_screenshot(page, tmp_path, "unsigned-phone")
        finally:
            context.close()
