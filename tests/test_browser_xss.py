"""Hostile record text in a real browser: nothing runs, nothing is blocked.

The archive runs in a subprocess on its own database (see tests/browser_server.py),
seeded with tests.test_xss.seed_hostile_records(): every text field of every model holds
a script-injection payload. Debian's Chromium then reads the pages as a visitor and as a
curator. Three independent signs of an injection are watched for:

- a dialog (every payload calls alert()),
- a Content-Security-Policy complaint in the console: the policy would block an injected
  inline script or handler, so the attack would fail silently — but the escaping would
  still be broken, and that is what this test is about,
- the DOM itself, as the browser built it: no element carries an event-handler attribute,
  and no link, form or frame leads to a `javascript:` or `data:` URL, judged by the
  browser's own URL parser.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from tests import browser_server
from tests.test_xss import PAYLOADS, STAFF_PASSWORD

pytestmark = pytest.mark.browser

SEED = "from tests.test_xss import seed_hostile_records; seed_hostile_records()"

# Everything the browser built that could run script: event-handler attributes anywhere,
# and the URLs of links, forms, frames, images and scripts as the browser resolved them.
DOM_PROBE = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("on")) found.push(`${element.tagName} ${attribute.name}`);
    }
    if (element.tagName.startsWith("X-")) found.push(`injected element ${element.tagName}`);
  }
  const urls = [
    ...[...document.querySelectorAll("a[href], area[href]")].map((e) => e.href),
    ...[...document.querySelectorAll("form[action]")].map((e) => e.action),
    ...[...document.querySelectorAll("iframe[src], img[src], script[src], embed[src]")].map((e) => e.src),
  ];
  for (const url of urls) {
    const scheme = new URL(url, document.baseURI).protocol;
    if (scheme === "javascript:" || scheme === "data:" || scheme === "vbscript:") found.push(url);
  }
  for (const script of document.querySelectorAll("script:not([src])")) {
    const type = (script.type || "").toLowerCase();
    if (!type.endsWith("json")) found.push(`inline script: ${script.textContent.slice(0, 60)}`);
  }
  return found;
}"""


@contextmanager
def running_hostile_archive():
    """Like browser_server.running_archive, with the hostile records instead of the demo."""
    workdir = Path(tempfile.mkdtemp(prefix="archive-xss-"))
    try:
        with browser_server.temporary_database(workdir) as database_url:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
            env.update(
                DJANGO_SETTINGS_MODULE="artifacts.settings",
                DJANGO_DEBUG="1",
                DATABASE_URL=database_url,
                MEDIA_ROOT=str(workdir / "media"),
                DJANGO_STATIC_ROOT=str(workdir / "static"),
            )
            browser_server._manage(["migrate", "--noinput"], env, workdir / "migrate.log")
            browser_server._manage(["shell", "-c", SEED], env, workdir / "seed.log")
            port = browser_server._free_port()
            log = workdir / "server.log"
            with log.open("w") as log_file:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                    cwd=browser_server.ROOT,
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
                try:
                    base_url = f"http://127.0.0.1:{port}"
                    browser_server._wait_until_answering(base_url + "/", process, log)
                    yield base_url
                finally:
                    browser_server._stop(process)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def archive_url():
    with running_hostile_archive() as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.console_errors = []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def on_console(message):
        where = message.location.get("url", "")
        # The admin's pages do not declare an icon, so the browser asks for /favicon.ico.
        if message.type == "error" and not where.endswith("/favicon.ico"):
            page.console_errors.append(f"{message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.failed = []  # names what a "Failed to load resource" console error is about
    page.on("response", lambda response: response.status >= 400 and page.failed.append(response.url))
    yield page
    context.close()


def visit(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    # Hover over everything once: an injected onmouseover would fire now.
    page.mouse.move(0, 0)
    for box in page.locator("main h1, main h3 a, main p, main td").all()[:40]:
        if box.is_visible():
            box.hover(force=True, timeout=2000)  # overlapping cards: no actionability wait
    return page.evaluate(DOM_PROBE)


def record_urls(page, archive_url) -> list[str]:
    page.goto(archive_url + "/artifacts/?per_page=100")
    links = page.eval_on_selector_all("main .card-title a", "links => links.map((a) => [a.href, a.textContent])")
    records = [href for href, title in links if not title.startswith("Plain neighbour")]
    assert len(records) == len(PAYLOADS)
    return records


def test_hostile_records_run_nothing_for_a_visitor(page, archive_url):
    urls = [archive_url + "/", archive_url + "/artifacts/"]
    urls += [archive_url + "/artifacts/?q=" + quote(payload.format(n=1)) for payload in PAYLOADS]
    urls += [archive_url + "/artifacts/?place=" + quote(PAYLOADS[1].format(n=2))]
    urls += record_urls(page, archive_url)
    for url in urls:
        found = visit(page, url)
        assert found == [], (url, found)
    assert page.dialogs == []
    assert page.console_errors == [], page.failed


def test_hostile_records_run_nothing_for_a_curator(page, archive_url):
    page.goto(archive_url + "/accounts/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    urls = record_urls(page, archive_url)[:3]  # staff view: internal notes, personal data
    urls += [archive_url + "/admin/artifacts/artifact/", archive_url + "/admin/artifacts/source/"]
    page.goto(archive_url + "/admin/artifacts/artifact/")
    change = page.eval_on_selector_all("#result_list tbody th a", "links => links.map((a) => a.href)")
    urls += change[:2]
    for url in urls:
        found = visit(page, url)
        assert found == [], (url, found)
    assert page.dialogs == []
    assert page.console_errors == [], page.failed
