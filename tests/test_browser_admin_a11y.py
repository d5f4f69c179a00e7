"""The curators' admin pages against WCAG 2.1 AA, checked by axe-core in a real browser.

Each page is opened signed in as a superuser on the demo collection (see
tests/browser_server.py), with every collapsed section and inline opened and one empty
row added to each inline, and axe-core (vendored in tests/vendor/axe-core) must report no
violation. A failure lists each violation's rule, impact and elements; the violations and a
screenshot of every page are written to the test's tmp_path.
"""

import json
from pathlib import Path

import pytest

from tests.browser_server import archive_instance

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "a11y-check-Passw0rd"

# A superuser, and the records the pages show: the artifact with the most phrases (so the
# phrases inline has rows), one of its photos and one of its custody events. Another
# artifact is put in the review queue, so that the queue has a row, and the queue and the
# withdrawal form of the first artifact are checked too.
SEED = f"""
import json
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from artifacts.models import Artifact

admin = get_user_model().objects.create_superuser("a11y-admin", "a11y@example.org", {PASSWORD!r})
artifact = (
    Artifact.objects.annotate(n_phrases=Count("phrases", distinct=True))
    .filter(n_phrases__gt=0, photos__isnull=False, custody_events__isnull=False)
    .order_by("-n_phrases", "pk")
    .first()
)
from artifacts import publication

other = Artifact.objects.exclude(pk=artifact.pk).order_by("pk").first()
Artifact.objects.filter(pk=other.pk).update(status=publication.DRAFT)
publication.mark_ready(artifact=Artifact.objects.get(pk=other.pk), user=admin)
review = {{
    "review-queue": reverse("admin:artifacts_artifact_review"),
    "publication-withdraw": reverse("admin:artifacts_artifact_publication", args=[artifact.pk, "withdraw"]),
}}
print(json.dumps({{
    "ids": {{
        "artifact": artifact.pk,
        "photo": artifact.photos.order_by("position", "pk").first().pk,
        "custody_event": artifact.custody_events.order_by("sequence").first().pk,
        "place": artifact.place_id,
    }},
    "review": review,
}}))
"""

# Paths under /admin/, by page; {artifact}, {photo}, {custody_event} and {place} are filled in.
PAGES = {
    "index": "",
    "artifact-changelist": "artifacts/artifact/",
    "artifact-add": "artifacts/artifact/add/",
    "artifact-change": "artifacts/artifact/{artifact}/change/",
    "photo-change": "artifacts/photo/{photo}/change/",
    "custody-event-change": "artifacts/custodyevent/{custody_event}/change/",
    "artifact-import": "artifacts/artifact/import/",
    "place-change": "artifacts/place/{place}/change/",  # names and custody events inline
}

# Opens every <details> (the admin's collapsed fieldsets) and adds one empty row to every
# inline, so that the markup of each kind of row is checked.
EXPAND = """() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
    for (const link of document.querySelectorAll('.inline-group .add-row a')) link.click();
    for (const details of document.querySelectorAll('details')) details.open = true;
}"""

# Runs the vendored axe on the page, limited to `only`: {type: 'tag' or 'rule', values: [...]}.
RUN_AXE = """async (only) => {
    const results = await axe.run(document, {runOnly: only, resultTypes: ['violations']});
    return results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
    }));
}"""


@pytest.fixture(scope="module")
def admin_site():
    with archive_instance() as instance:
        result = instance.manage("shell", "-c", SEED)
        assert result.returncode == 0, result.stderr
        print(result.stdout)
        seeded = json.loads(result.stdout.strip().splitlines()[-1])
        yield {"url": instance.url, **seeded}


@pytest.fixture(scope="module")
def signed_in(browser, admin_site):
    """A browser context signed in to the admin. axe is injected as a script of the test's
    own, which the archive's Content-Security-Policy would rightly refuse: CSP is bypassed
    for this context only."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(admin_site["url"] + "/admin/login/")
    page.fill("#id_username", "a11y-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(admin_site["url"] + "/admin/")
    page.close()
    yield context
    context.close()


def _format(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


def check_page(context, url: str, name: str, tmp_path: Path) -> list[dict]:
    page = context.new_page()
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        page.evaluate(EXPAND)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE, {"type": "tag", "values": WCAG_21_AA})
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        (tmp_path / f"{name}-violations.json").write_text(json.dumps(violations, indent=2))
        if violations:
            print(f"axe violations on {name} ({url}):\n{_format(violations)}")
        return violations
    finally:
        page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_admin_page_has_no_wcag_21_aa_violations(signed_in, admin_site, name, tmp_path):
    url = admin_site["url"] + "/admin/" + PAGES[name].format(**admin_site["ids"])
    violations = check_page(signed_in, url, name, tmp_path)
    assert violations == [], f"axe-core found WCAG 2.1 AA violations on {name} ({url}):\n{_format(violations)}"


def test_review_pages_have_no_wcag_21_aa_violations(signed_in, admin_site, tmp_path):
    found = {}
    for name, path in admin_site["review"].items():
        violations = check_page(signed_in, admin_site["url"] + path, name, tmp_path)
        if violations:
            found[name] = _format(violations)
    assert found == {}, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(
        f"on {name}:\n{text}" for name, text in found.items()
    )
