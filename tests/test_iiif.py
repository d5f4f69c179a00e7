"""IIIF manifests list exactly the images the requester may see, and validate as IIIF."""

import json

import pytest
from iiif_prezi3 import Manifest

from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models.photos import ILLUSTRATION_NOTICE
from tests.factories import ArtifactFactory, make_photo

pytestmark = pytest.mark.django_db


def manifest_url(artifact):
    return f"/iiif/{artifact.accession_number}/manifest.json"


def fetch(client, artifact) -> dict:
    response = client.get(manifest_url(artifact))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(response.content)
    # Loading it back into the library's pydantic model validates it against IIIF Presentation 3.
    Manifest(**data)
    return data


def image_bodies(data) -> list[dict]:
    return [canvas["items"][0]["items"][0]["body"] for canvas in data["items"]]


def label(resource) -> str:
    return resource["label"]["en"][0]


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_manifest_lists_the_public_images_with_sizes_captions_and_credits(client):
    artifact = ArtifactFactory(title="Phrase list", description="A list of Russian phrases.")
    front = make_photo(artifact, caption="Front", credit="Example News")
    drawing = make_photo(artifact, caption="Layout of the list", is_illustration=True)
    make_photo(artifact, caption="Staff-only close-up", access_level=AccessLevel.STAFF)
    make_photo(artifact, caption="Researchers' view", access_level=AccessLevel.RESEARCHERS)
    face = make_photo(artifact, caption="Owner's face", shows_personal_data=True)
    redacted = make_photo(artifact, caption="Owner's face, blurred", redacted_from=face)

    response = client.get(manifest_url(artifact))
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    data = fetch(client, artifact)

    assert data["id"] == f"http://testserver/iiif/{artifact.accession_number}/manifest.json"
    assert label(data) == "Phrase list"
    assert data["summary"]["en"][0].startswith("A list of Russian phrases.")
    assert data["homepage"][0]["id"] == f"http://testserver/artifacts/{artifact.accession_number}/"
    assert "Example News" in data["requiredStatement"]["value"]["en"][0]
    # The redacted copy stands in for the photo showing a face; staff and researcher images are absent.
    assert [label(canvas) for canvas in data["items"]] == [
        "Front",
        f"Layout of the list ({ILLUSTRATION_NOTICE})",
        "Owner's face, blurred",
    ]
    assert "Staff-only" not in response.content.decode() and "Researchers' view" not in response.content.decode()

    for canvas, photo in zip(data["items"], [front, drawing, redacted], strict=True):
        body = canvas["items"][0]["items"][0]["body"]
        assert body["id"] == f"http://testserver/media/photos/{photo.pk}/display/"
        assert (body["width"], body["height"]) == (photo.display_width, photo.display_height)
        assert (canvas["width"], canvas["height"]) == (photo.display_width, photo.display_height)
        assert canvas["thumbnail"][0]["width"] == photo.thumbnail_width
        # Every image the manifest lists is one this requester can actually fetch.
        assert client.get(path_of(body["id"])).status_code == 200
    assert ILLUSTRATION_NOTICE in label(data["items"][1])
    assert ILLUSTRATION_NOTICE in data["items"][1]["summary"]["en"][0]
    assert ILLUSTRATION_NOTICE not in label(data["items"][0])
    assert "Redacted copy" in data["items"][2]["summary"]["en"][0]
    assert data["items"][0]["requiredStatement"]["value"]["en"][0] == "Example News"
    assert data["items"][1]["requiredStatement"]["value"]["en"][0] == "Credit not recorded"
    assert data["thumbnail"][0]["id"].endswith(f"/media/photos/{front.pk}/thumbnail/")


def test_researchers_get_their_images_in_a_private_manifest(client, researcher, staff_user):
    artifact = ArtifactFactory()
    make_photo(artifact, caption="Public")
    make_photo(artifact, caption="For researchers", access_level=AccessLevel.RESEARCHERS)
    make_photo(artifact, caption="Staff only", access_level=AccessLevel.STAFF)
    client.force_login(researcher)
    response = client.get(manifest_url(artifact))
    # Restricted content is never offered to other sites nor kept by shared caches.
    assert "Access-Control-Allow-Origin" not in response
    assert response["Cache-Control"] == "private, no-store"
    assert [c["summary"]["en"][0] for c in fetch(client, artifact)["items"]] == ["Public", "For researchers"]
    client.force_login(staff_user)
    assert len(fetch(client, artifact)["items"]) == 3


def test_public_manifest_stays_public_for_a_signed_in_viewer(client, researcher):
    artifact = ArtifactFactory()
    make_photo(artifact)
    client.force_login(researcher)
    assert client.get(manifest_url(artifact))["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("hidden", [{"access_level": AccessLevel.RESEARCHERS}, {"status": PublicationStatus.DRAFT}])
def test_manifest_of_an_artifact_the_viewer_may_not_see_is_404(client, hidden):
    artifact = ArtifactFactory(**hidden)
    make_photo(artifact)
    response = client.get(manifest_url(artifact))
    assert response.status_code == 404
    assert "Access-Control-Allow-Origin" not in response


def test_no_manifest_without_an_image_to_show(client):
    artifact = ArtifactFactory()
    make_photo(artifact, access_level=AccessLevel.STAFF)
    assert client.get(manifest_url(artifact)).status_code == 404
    assert client.get("/iiif/NO-SUCH-1/manifest.json").status_code == 404


def test_graphic_images_are_listed_with_a_warning_and_never_as_a_thumbnail(client):
    artifact = ArtifactFactory()
    wound = make_photo(artifact, caption="Bloodstained page", graphic_content=True)
    cover = make_photo(artifact, caption="Cover")
    data = fetch(client, artifact)
    graphic, plain = data["items"]
    assert label(graphic).startswith("Graphic content")
    assert graphic["summary"]["en"][0].startswith("Graphic content")
    assert "thumbnail" not in graphic
    assert "thumbnail" in plain
    assert data["thumbnail"][0]["id"].endswith(f"/media/photos/{cover.pk}/thumbnail/")
    assert "graphic content" in data["summary"]["en"][0]
    assert image_bodies(data)[0]["id"].endswith(f"/media/photos/{wound.pk}/display/")


def test_a_graphic_record_offers_no_thumbnail_at_all(client):
    artifact = ArtifactFactory(graphic_content=True)
    make_photo(artifact)
    data = fetch(client, artifact)
    assert "thumbnail" not in data
    assert all(label(canvas).startswith("Graphic content") for canvas in data["items"])


def test_detail_page_links_the_manifest_and_marks_zoomable_images(client):
    artifact = ArtifactFactory()
    shown = make_photo(artifact, caption="Front")
    hidden = make_photo(artifact, caption="Bloodstained page", graphic_content=True)
    page = client.get(artifact.get_absolute_url()).content.decode()
    assert f'href="/iiif/{artifact.accession_number}/manifest.json"' in page
    assert f'data-zoom-src="/media/photos/{shown.pk}/display/"' in page
    # A graphic image the viewer has not chosen to see can be neither seen nor zoomed.
    assert f"/media/photos/{hidden.pk}/display/" not in page
    assert "vendor/openseadragon/openseadragon.min.js" in page
    client.post("/preferences/graphic-content/", {"show": "1", "next": artifact.get_absolute_url()})
    page = client.get(artifact.get_absolute_url()).content.decode()
    assert f'data-zoom-src="/media/photos/{hidden.pk}/display/"' in page


def test_detail_page_without_images_has_no_viewer(client):
    artifact = ArtifactFactory()
    page = client.get(artifact.get_absolute_url()).content.decode()
    assert "manifest.json" not in page
    assert "deepzoom.js" not in page


@pytest.mark.browser
def test_deep_zoom_opens_in_openseadragon_without_breaking_the_content_security_policy(tmp_path):
    """In Chromium: clicking an image opens OpenSeadragon over it, no CSP violation is
    reported, Escape closes it and gives focus back; without JavaScript the link is plain."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_server import running_archive
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.is_file():
        pytest.fail(f"Browser tests need Debian's Chromium at {CHROMIUM}.", pytrace=False)
    with running_archive() as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems = []
            page.on("console", lambda message: message.type == "error" and problems.append(message.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(base_url + "/artifacts/?photos=yes")
            page.locator("a[href^='/artifacts/BFA-']").first.click()
            page.evaluate(
                "() => { window.violations = []; document.addEventListener('securitypolicyviolation',"
                " e => window.violations.push(e.violatedDirective)); }"
            )
            link = page.locator("a[data-zoom-src]").first
            src = link.get_attribute("data-zoom-src")
            link.click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            expect(dialog.locator(".openseadragon-canvas canvas").first).to_be_visible(timeout=15_000)
            # The viewer shows the same display image the plain link opens.
            assert dialog.get_by_role("link", name="Open the image on its own").get_attribute("href") == src
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()
            assert page.evaluate("document.activeElement.getAttribute('data-zoom-src')") == src
            # The thumbnail beside it opens the same viewer, and gets the focus back.
            page.locator(f"figure a[href='{src}']:not([data-zoom-src])").first.click()
            expect(dialog).to_be_visible()
            expect(dialog.locator(".openseadragon-canvas canvas").first).to_be_visible(timeout=15_000)
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()
            assert page.evaluate("document.activeElement.querySelector('img') !== null")
            assert page.evaluate("window.violations") == []
            assert problems == []

            no_script = browser.new_context(java_script_enabled=False).new_page()
            no_script.goto(page.url)
            no_script.locator("a[data-zoom-src]").first.click()
            assert no_script.url.endswith(src)
        finally:
            browser.close()
