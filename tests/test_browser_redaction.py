"""A curator redacts a photograph in a real browser: a box drawn with the mouse, moved and
resized with the keyboard, a second one added and removed, then the copy made; the
public record then shows the copy, with the box black."""

import pytest

from tests.browser_server import archive_instance, collect_errors

pytestmark = pytest.mark.browser

PASSWORD = "redact-check-Passw0rd"
# A curator as the archive makes them, and a real photograph of a face (scikit-image's
# astronaut) on the first demo record, marked as showing personal data.
SEED = f"""
import io, json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from skimage import data
from artifacts import services
from artifacts.models import Artifact
user = get_user_model().objects.create_user("redact-curator", "redact@example.org", {PASSWORD!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Curator"))
buffer = io.BytesIO()
Image.fromarray(data.astronaut()).resize((1200, 1200)).save(buffer, format="JPEG", quality=90)
artifact = Artifact.objects.filter(status="published").order_by("pk").first()
photo = services.add_photo(
    artifact=artifact, uploaded=SimpleUploadedFile("portrait.jpg", buffer.getvalue(), "image/jpeg"),
    caption="Soldier's portrait, face visible", shows_personal_data=True, uploaded_by=user,
)
print(json.dumps({{"photo": photo.pk, "record": artifact.get_absolute_url()}}))
"""
RESULT = """
import json
from artifacts.models import Photo
copy = Photo.objects.get(redacted_from_id={pk})
print(json.dumps({{"copy": copy.pk, "boxes": copy.redaction_boxes, "caption": copy.caption}}))
"""


@pytest.fixture(scope="module")
def site():
    with archive_instance() as instance:
        yield instance, instance.shell_json(SEED)


def signed_in(browser, url, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(url + "/admin/login/")
    page.fill("#id_username", "redact-curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(url + "/admin/")
    return context, page, errors


def numbers(page, index: int) -> list[float]:
    return [float(page.input_value(f"[name='region-{index}-{name}']")) for name in ("left", "top", "width", "height")]


def test_a_curator_draws_adjusts_and_makes_a_redacted_copy(browser, site, tmp_path):
    instance, seeded = site
    context, page, errors = signed_in(browser, instance.url, viewport={"width": 1280, "height": 900})
    page.goto(f"{instance.url}/admin/artifacts/photo/{seeded['photo']}/")
    page.get_by_role("link", name="Redact…").click()
    page.wait_for_selector(".region-editor.is-enhanced")

    # Drawn with the mouse, from 30 % / 10 % to 55 % / 40 % of the picture.
    stage = page.locator(".region-editor-shapes").bounding_box()
    page.mouse.move(stage["x"] + 0.30 * stage["width"], stage["y"] + 0.10 * stage["height"])
    page.mouse.down()
    page.mouse.move(stage["x"] + 0.45 * stage["width"], stage["y"] + 0.25 * stage["height"], steps=5)
    page.mouse.move(stage["x"] + 0.55 * stage["width"], stage["y"] + 0.40 * stage["height"], steps=5)
    page.mouse.up()
    drawn = numbers(page, 0)
    assert [round(v) for v in drawn] == [30, 10, 25, 30], drawn

    # Then adjusted from the keyboard: the box has focus after drawing.
    shape = page.locator("rect.region-shape").first
    assert shape.evaluate("node => node === document.activeElement")
    for key in ("ArrowRight", "ArrowRight", "ArrowUp", "Shift+ArrowDown", "Shift+ArrowLeft", "Alt+ArrowRight"):
        page.keyboard.press(key)
    adjusted = numbers(page, 0)
    expected = [drawn[0] + 2.1, drawn[1] - 1, drawn[2] - 1, drawn[3] + 1]
    assert adjusted == pytest.approx(expected, abs=0.011), adjusted
    assert float(shape.get_attribute("x")) == pytest.approx(adjusted[0], abs=0.011)  # the box follows

    # A second box added with the button and removed with the Delete key.
    page.get_by_role("button", name="Add a box").click()
    assert page.locator("rect.region-shape").count() == 2
    page.keyboard.press("Delete")
    assert page.locator("rect.region-shape").count() == 1
    assert page.locator("[data-region-form]:visible").count() == 1  # the removed one is gone from the form too
    page.screenshot(path=str(tmp_path / "redact-desktop.png"), full_page=True)

    page.get_by_role("button", name="Make redacted copy").click()
    page.wait_for_selector(".messagelist .success")
    assert "Redacted copy made" in page.locator(".messagelist").inner_text()
    context.close()
    assert not errors, errors

    saved = instance.shell_json(RESULT.format(pk=seeded["photo"]))
    assert [round(v * 100, 2) for v in saved["boxes"][0]] == pytest.approx(adjusted, abs=0.011)
    assert len(saved["boxes"]) == 1 and saved["caption"] == "Soldier's portrait, face visible (redacted copy)"

    # The public record shows the copy, not the original.
    public = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    public.goto(instance.url + seeded["record"])
    html = public.content()
    assert f"/media/photos/{saved['copy']}/" in html and f"/media/photos/{seeded['photo']}/" not in html
    public.context.close()


def test_the_redaction_page_works_on_a_phone_and_by_touch(browser, site):
    instance, seeded = site
    # A photo of its own: the first test's photo has a copy by now, and only one is allowed.
    photo = instance.shell_json(SEED.replace("redact-curator", "phone-curator"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(instance.url + "/admin/login/")
    page.fill("#id_username", "phone-curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{instance.url}/admin/artifacts/photo/{photo['photo']}/redact/")
    page.wait_for_selector(".region-editor.is-enhanced")
    image = page.locator(".region-editor-stage img").bounding_box()
    assert image["width"] <= 390  # the picture fits the screen
    page.get_by_role("button", name="Suggest faces").click()
    page.wait_for_selector(".region-editor.is-enhanced")
    assert "found and added" in page.locator(".messagelist").inner_text()
    # The astronaut's face (between the eyes at 43 % / 22 %) is among the suggestions; the
    # detector may suggest more, which the curator removes.
    boxes = [numbers(page, i) for i in range(page.locator("rect.region-shape").count())]
    assert any(left < 43 < left + width and top < 22 < top + height for left, top, width, height in boxes), boxes
    context.close()
