"""Transcribed regions in a real browser: a curator marks one on a photo's admin page with
the keyboard's numbers, or draws it on the photo with the mouse (on a desktop and a phone),
and a reader sees it listed under the images and outlined on the deep-zoom viewer, which a
click on the listed region opens zoomed to it.

Drives Debian's Chromium against the archive in a subprocess with the demo collection
(tests/browser_server.py). The demo has no regions of its own (its images are labelled
illustrations, and the source does not say where on a page a quoted line is written), so
the region here is the test's: the booklet's published line, on its illustration.
"""

import json
import re

import pytest

from tests.browser_server import archive_instance, collect_errors

pytestmark = pytest.mark.browser

PASSWORD = "regions-check-Passw0rd"
SEED = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("regions-curator", "regions@example.org", {PASSWORD!r})
"""
BOOKLET = """
import json
from artifacts.models import Artifact
a = Artifact.objects.get(artifact_type="booklet")
p = a.photos.order_by("position", "pk").first()
print(json.dumps({"accession": a.accession_number, "photo": p.pk,
                  "regions": [[r.x, r.y, r.width, r.height, r.translation, r.created_by.username]
                              for r in p.annotations.all()]}))
"""
LINE = "My fate is always shared with the motherland."


@pytest.fixture(scope="module")
def site():
    with archive_instance() as instance:
        result = instance.manage("shell", "-c", SEED)
        assert result.returncode == 0, result.stderr
        yield instance


def booklet(site) -> dict:
    result = site.manage("shell", "-c", BOOKLET)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def new_page(browser, **options):
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    page = context.new_page()
    page.errors = collect_errors(page)
    return context, page


def test_a_curator_marks_a_region_and_a_reader_finds_it_listed_and_outlined_on_the_viewer(browser, site):
    from playwright.sync_api import expect

    found = booklet(site)
    context, page = new_page(browser)
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "regions-curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site.url + "/admin/")

    # The blank region on the photo's page, filled in with the keyboard's numbers.
    page.goto(f"{site.url}/admin/artifacts/photo/{found['photo']}/change/")
    expect(page.get_by_role("heading", name=re.compile("Transcribed regions", re.I))).to_be_visible()
    page.fill("#id_annotations-0-label", "Published line")
    for name, value in (("x", "10"), ("y", "40"), ("width", "80"), ("height", "12")):
        page.fill(f"#id_annotations-0-{name}", value)
    page.fill("#id_annotations-0-translation", LINE)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".region-editor-inline rect.region-shape")).to_have_count(1)  # drawn on the image, once
    assert booklet(site)["regions"] == [[0.1, 0.4, 0.8, 0.12, LINE, "regions-curator"]]
    assert page.errors == []
    context.close()

    # A reader, without an account: the region is listed under the images, as text.
    context, page = new_page(browser)
    page.goto(f"{site.url}/artifacts/{found['accession']}/")
    regions = page.get_by_role("region", name=re.compile("Transcribed regions", re.I))
    expect(regions.get_by_text(LINE)).to_be_visible()
    expect(regions.locator(f'dd[lang="en"]:has-text("{LINE}")')).to_have_count(1)
    link = regions.get_by_role("link", name=re.compile("Region 1 on the image", re.I))
    assert re.search(r"#xywh=\d+,\d+,\d+,\d+$", link.get_attribute("href"))

    # With the viewer: the click opens it on the region, outlined, highlighted and focused.
    link.click()
    dialog = page.locator("dialog.deepzoom")
    expect(dialog).to_be_visible()
    overlay = dialog.locator(".deepzoom-region")
    expect(overlay).to_have_count(1)
    expect(overlay).to_have_class(re.compile("is-current"))
    expect(overlay).to_have_attribute("aria-pressed", "true")
    expect(overlay).to_be_focused()
    expect(overlay.locator(".deepzoom-region-text")).to_contain_text(LINE)
    box = overlay.bounding_box()
    stage = dialog.locator(".deepzoom-stage").bounding_box()
    # Zoomed to the region: it spans much of the stage's width, inside the stage.
    assert box["width"] > stage["width"] * 0.5 and box["x"] >= stage["x"] - 1
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.errors == []
    context.close()


UNMARKED = """
import json
from artifacts.models import Photo
p = Photo.objects.filter(annotations__isnull=True, redacted_from__isnull=True, graphic_content=False,
                         artifact__graphic_content=False).order_by("pk").first()
print(json.dumps(p.pk))
"""
REGIONS = """
import json
from artifacts.annotations.models import PhotoAnnotation
print(json.dumps([[r.x, r.y, r.width, r.height, r.translation or r.transcription, r.created_by.username]
                  for r in PhotoAnnotation.objects.filter(photo_id={pk})]))
"""


def unmarked_photo(site) -> dict:
    """A photo with no regions yet (each test marks one, so the next test gets another)."""
    return {"photo": site.shell_json(UNMARKED)}


def regions_of(site, pk: int) -> list:
    return site.shell_json(REGIONS.format(pk=pk))


def signed_in(browser, site, **options):
    context, page = new_page(browser, **options)
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "regions-curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site.url + "/admin/")
    return context, page


def drag(page, stage, start, end):
    """Press at `start` and let go at `end`, both in fractions of the image."""
    page.mouse.move(stage["x"] + start[0] * stage["width"], stage["y"] + start[1] * stage["height"])
    page.mouse.down()
    middle = [(a + b) / 2 for a, b in zip(start, end, strict=True)]
    page.mouse.move(stage["x"] + middle[0] * stage["width"], stage["y"] + middle[1] * stage["height"], steps=5)
    page.mouse.move(stage["x"] + end[0] * stage["width"], stage["y"] + end[1] * stage["height"], steps=5)
    page.mouse.up()


def box_numbers(page, index: int) -> list[float]:
    return [float(page.input_value(f"#id_annotations-{index}-{name}")) for name in ("x", "y", "width", "height")]


def test_a_curator_draws_a_region_on_the_photo_adjusts_it_and_saves_it(browser, site, tmp_path):
    from playwright.sync_api import expect

    found = unmarked_photo(site)
    context, page = signed_in(browser, site)
    page.goto(f"{site.url}/admin/artifacts/photo/{found['photo']}/change/")
    editor = page.locator(".region-editor-inline.is-enhanced")
    expect(editor).to_be_visible()
    expect(page.get_by_text("Drag across the image to draw a box")).to_be_visible()
    shapes = editor.locator(".region-editor-shapes")
    shapes.scroll_into_view_if_needed()

    # Drawn with the mouse from 20 % / 30 % to 70 % / 45 % of the photo: the blank region's numbers follow.
    drag(page, shapes.bounding_box(), (0.20, 0.30), (0.70, 0.45))
    drawn = box_numbers(page, 0)
    assert [round(v) for v in drawn] == [20, 30, 50, 15], drawn
    shape = editor.locator("rect.region-shape")
    expect(shape).to_have_count(1)
    expect(shape).to_be_focused()
    expect(shape).to_have_attribute("aria-label", re.compile(r"^Region 1: left 20\.\d\d %"))
    expect(page.locator("#annotations-0")).to_have_class(re.compile("is-current"))  # its row is outlined

    # Adjusted with the keyboard: one step right, then a small step wider.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Alt+Shift+ArrowRight")
    adjusted = box_numbers(page, 0)
    assert adjusted == pytest.approx([drawn[0] + 1, drawn[1], drawn[2] + 0.1, drawn[3]], abs=0.011), adjusted

    # A second region added with the button is a new row of the inline; Delete takes it away again.
    page.get_by_role("button", name="Add a region on the image").click()
    expect(shape).to_have_count(2)
    expect(page.locator("#annotations-1")).to_be_visible()
    assert box_numbers(page, 1) == [40, 40, 20, 20]
    page.keyboard.press("Delete")
    expect(shape).to_have_count(1)
    expect(page.locator("#annotations-1")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "annotate-desktop.png"), full_page=False)

    # The text is typed in the region's row, and the photo saved.
    page.fill("#id_annotations-0-label", "Drawn line")
    page.fill("#id_annotations-0-translation", LINE)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    saved = regions_of(site, found["photo"])
    assert len(saved) == 1, saved
    assert saved[0][:4] == pytest.approx([v / 100 for v in adjusted], abs=1e-9)
    assert saved[0][4:] == [LINE, "regions-curator"]
    # Drawn again on the saved page, from the stored fractions.
    expect(editor.locator("rect.region-shape")).to_have_count(1)
    assert float(editor.locator("rect.region-shape").get_attribute("x")) == pytest.approx(adjusted[0], abs=0.011)
    assert page.errors == []
    context.close()


def test_drawing_a_region_on_a_phone(browser, site, tmp_path):
    from playwright.sync_api import expect

    found = unmarked_photo(site)
    context, page = signed_in(browser, site, viewport={"width": 390, "height": 844})
    page.goto(f"{site.url}/admin/artifacts/photo/{found['photo']}/change/")
    editor = page.locator(".region-editor-inline.is-enhanced")
    shapes = editor.locator(".region-editor-shapes")
    shapes.scroll_into_view_if_needed()
    stage = shapes.bounding_box()
    assert stage["width"] <= 390  # the photo fits the screen
    drag(page, stage, (0.10, 0.60), (0.85, 0.75))
    assert [round(v) for v in box_numbers(page, 0)] == [10, 60, 75, 15]
    page.screenshot(path=str(tmp_path / "annotate-phone.png"), full_page=False)
    page.fill("#id_annotations-0-transcription", "Phone-drawn")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert [[round(v * 100) for v in region[:4]] for region in regions_of(site, found["photo"])] == [[10, 60, 75, 15]]
    assert page.errors == []
    context.close()
