"""Korean is drawn on a machine without a Korean font, from the archive's own web font.

This machine has no CJK system font (the test checks that too), so Hangul on a page can
only be drawn by Noto Sans KR served from static/vendor/fonts/. Chromium's DevTools
protocol names the font each glyph was drawn with; a page without Korean must fetch no
font file at all.
"""

import re

import pytest

from tests.browser_server import archive_instance

pytestmark = pytest.mark.browser

HANGUL = "항복하라"
# A phrase with Hangul added to the demo's phrase list, in this test's own database only.
SEED = f"""
from artifacts.models import Artifact, Phrase
artifact = Artifact.objects.get(artifact_type="phrase_list")
Phrase.objects.create(
    artifact=artifact, position=99, order_known=False, original_text={HANGUL!r}, original_language="ko",
    transliteration="hangbokhara", transliteration_script="Latn", translation="Surrender!",
)
print(artifact.get_absolute_url())
"""


@pytest.fixture(scope="module")
def site():
    with archive_instance() as instance:
        result = instance.manage("shell", "-c", SEED)
        assert result.returncode == 0, result.stderr
        yield instance, result.stdout.strip().splitlines()[-1]


def fonts_fetched(page) -> list[str]:
    fetched = []
    page.on("request", lambda request: request.url.endswith(".woff2") and fetched.append(request.url))
    return fetched


def drawn_with(page, selector: str) -> list[dict]:
    """The fonts Chromium drew the text of `selector` with: family, web font or not, glyphs."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"nothing matches {selector}"
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@pytest.mark.parametrize("width", [1280, 390])
def test_hangul_is_drawn_with_the_archives_web_font(browser, site, tmp_path, width):
    instance, record_url = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    fetched = fonts_fetched(page)
    page.goto(instance.url + record_url)
    page.evaluate("document.fonts.ready")

    original = page.locator(f"table.phrases span[lang=ko]:text-is('{HANGUL}')")
    original.scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.fonts.check('16px \"Noto Sans KR\"', {HANGUL!r})")
    original.screenshot(path=str(tmp_path / f"hangul-{width}.png"))
    fonts = drawn_with(page, "table.phrases span[lang=ko]")
    context.close()

    # The name is the one inside the font file ("Noto Sans KR Thin": its variable master).
    assert [(f["familyName"].startswith("Noto Sans KR"), f["isCustomFont"], f["glyphCount"]) for f in fonts] == [
        (True, True, len(HANGUL))
    ]
    assert fetched and all(re.search(r"/static/vendor/fonts/noto-sans-kr/files/[^/]+\.woff2$", u) for u in fetched)
    assert all(u.startswith(instance.url) for u in fetched)  # served by the archive, nothing from elsewhere


def test_the_transliteration_and_translation_say_their_language(browser, site):
    instance, record_url = site
    page = browser.new_page()
    page.goto(instance.url + record_url)
    row = page.locator("table.phrases tr").filter(has_text=HANGUL)
    assert row.locator("span[lang='ko-Latn']").inner_text() == "hangbokhara"
    assert row.locator("span[lang=en]").inner_text() == "Surrender!"
    page.close()


def test_a_page_without_korean_fetches_only_the_slices_of_the_switchers_korean(browser, site):
    """The language switcher on every page names Korean in Korean (한국어): those three
    syllables cost two slices of about 8 KB each; nothing else is fetched. (The catalog
    is not such a page: its search help shows North and South Korean spellings.)"""
    instance, _ = site
    page = browser.new_page()
    fetched = fonts_fetched(page)
    for path in ("/", "/transparency/"):
        page.goto(instance.url + path)
        page.wait_for_load_state("networkidle")
    page.close()
    slices = {re.search(r"noto-sans-kr-(\d+)-\d+-normal\.woff2$", url).group(1) for url in fetched}
    assert slices <= {"117", "118"}, fetched  # 국 is in slice 117, 한 and 어 in 118


def test_this_machine_has_no_korean_system_font(browser):
    """Without this the first test would prove nothing: a system font could draw Hangul."""
    page = browser.new_page()
    page.set_content(f'<p lang="ko" style="font-family: sans-serif">{HANGUL}</p>')
    fonts = drawn_with(page, "p")
    page.close()
    assert all(not f["isCustomFont"] for f in fonts)
    assert all("KR" not in f["familyName"] and "CJK" not in f["familyName"] for f in fonts), fonts


def test_the_korean_interface_is_drawn_with_the_web_font_in_both_stacks(browser, site):
    """Labels, buttons and headings (the sans-serif stack) as well as running text (the
    serif stack): a system font earlier in a stack must not draw Hangul as boxes."""
    instance, _ = site
    page = browser.new_page()
    page.goto(instance.url + "/ko/artifacts/")
    page.wait_for_function("() => document.fonts.check('16px \"Noto Sans KR\"', '목록 검색 로그인 홈 유형')")
    page.wait_for_load_state("networkidle")
    for selector in ("h1", ".site-nav a", ".big-search label", ".big-search button", ".facets h2", ".sentence"):
        text = page.locator(selector).first.text_content()
        hangul = sum(1 for char in text if "\uac00" <= char <= "\ud7a3")
        fonts = drawn_with(page, selector)
        web_font = [f for f in fonts if f["familyName"].startswith("Noto Sans KR") and f["isCustomFont"]]
        # Every Hangul syllable is drawn by the web font (whose faces hold nothing else);
        # digits and Latin letters are left to the system's fonts.
        assert hangul and sum(f["glyphCount"] for f in web_font) == hangul, (selector, text, fonts)
    page.close()
