from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Every property test runs the same examples on every run (a fixed seed per test), so a
# failure in CI reproduces on any machine; no example database is kept between runs.
# Function-scoped fixtures are fine: the examples that share one only read it.
settings.register_profile(
    "archive",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("archive")

# Debian's Chromium, driven by Playwright; never a downloaded browser. No sandbox (tests
# may run as root) and no background connections, which a closed network would refuse.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def researcher(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="researcher")
    user.groups.add(Group.objects.get(name="Researcher"))
    return user


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="curator", is_staff=True, is_superuser=True)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module; a clear failure when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `sudo apt-get install chromium`, or deselect these tests with -m 'not browser'.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# A real RFC 3161 time-stamping authority (OpenSSL's `ts`) on this machine, for the session.
from tests.tsa_server import tsa_fixture as tsa  # noqa: E402, F401


@pytest.fixture
def signing_key(settings, tmp_path):
    """An Ed25519 signing key in a file, configured as the archive's."""
    from artifacts.custody import signing

    path = tmp_path / "keys" / "archive-signing.pem"
    signing.make_key_file(path)
    settings.ARCHIVE_SIGNING_KEY_FILE = str(path)
    return path


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to /uk/… activates Ukrainian for
    the thread, which would otherwise leak into the next test's reverse() and rendering."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


def _committed(item) -> bool:
    """Whether the test ran on a database it commits to (and that is flushed after it)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in names or "transactional_db" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits leaves the database flushed empty, without the rows the
    migrations wrote (groups, languages). pytest-django runs such tests last, so nothing
    notices in one process; spread over two (`make test` runs pytest-xdist), a worker
    goes on to other files afterwards. So put those rows back, from the copy taken when
    the test database was made, and empty the cache, whose entries were made for data
    that is gone. Not after the process's last test: its teardown has dropped the test
    database by then."""
    yield
    if nextitem is None or not _committed(item):
        return
    from django.core.cache import cache
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    cache.clear()
