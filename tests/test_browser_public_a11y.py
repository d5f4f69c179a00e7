"""The reading room against WCAG 2.1 AA and axe's landmark rules, at desktop and phone widths.

Anonymous visitors, the demo collection (tests/browser_server.py): the home page, the
catalog, a search, the record with the most phrases and the one with the most photos,
the transparency page and a page that is not found, in English, Ukrainian and Korean.
Besides WCAG 2.1 AA, axe's
best-practice rules on landmarks run too: every landmark has a unique name, and all
content sits in one.
"""

import json

import pytest

from tests.browser_server import archive_instance
from tests.test_browser_admin_a11y import AXE, RUN_AXE, WCAG_21_AA, _format

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
LANDMARK_RULES = [
    "landmark-unique",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "region",
    "page-has-heading-one",
]
RECORDS = """
import json
from django.db.models import Count
from artifacts.models import Artifact
published = Artifact.objects.filter(status="published", access_level=0)
phrases = published.annotate(n=Count("phrases")).order_by("-n", "pk").first()
photos = published.annotate(n=Count("photos")).order_by("-n", "pk").first()
place = f"/places/{phrases.place_id}/"
print(json.dumps({"phrases": phrases.get_absolute_url(), "photos": photos.get_absolute_url(), "place": place}))
"""
PAGES = {
    "home": "/",
    "catalog": "/artifacts/",
    "search": "/artifacts/?q=surrender&view=grid",  # the catalog is checked as a list, a search as a grid
    "record-phrases": "{phrases}",
    "record-photos": "{photos}",
    "place": "{place}",  # an authority's page: names, custody events, its records
    "transparency": "/transparency/",
    "not-found": "/artifacts/BFA-1999-0001/",
}


@pytest.fixture(scope="module")
def site():
    with archive_instance() as instance:
        result = instance.manage("shell", "-c", RECORDS)
        assert result.returncode == 0, result.stderr
        yield instance.url, json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per width, shared by the pages. axe is injected as the test's
    own script, which the archive's CSP rightly refuses: CSP is bypassed here only."""
    opened = {width: browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True) for width in WIDTHS}
    yield opened
    for context in opened.values():
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["", "/uk", "/ko"])
@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_has_no_violations(contexts, site, tmp_path, name, language, width):
    base, records = site
    url = base + language + PAGES[name].format(**records)
    page = contexts[width].new_page()
    try:
        response = page.goto(url)
        assert response is not None and response.status == (404 if name == "not-found" else 200)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE, {"type": "tag", "values": WCAG_21_AA})
        violations += page.evaluate(RUN_AXE, {"type": "rule", "values": LANDMARK_RULES})
        if violations:  # a picture of the page to go with the report
            page.screenshot(path=str(tmp_path / f"{name}{language.replace('/', '-')}-{width}.png"), full_page=True)
    finally:
        page.close()
    assert violations == [], f"axe-core found violations on {name} at {width} px ({url}):\n{_format(violations)}"
