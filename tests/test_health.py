"""/health/live and /health/ready, as a load balancer and a container health check use
them: plain JSON, no session, no host check, no HTTPS redirect; 503 when the archive
cannot serve. (Stopping the real database and Redis under them: tests/test_outages.py.)"""

import pytest
from django.test import Client

from tests.browser_server import _free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(HTTP_HOST="10.0.0.7")  # a load balancer asks by address


@pytest.mark.parametrize("path", ["/health/live", "/health/live/"])
def test_live_answers_whatever_the_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_ready_checks_database_media_and_cache(client, media_root):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "media": "ok", "cache": "ok"}}
    assert "Set-Cookie" not in response and not response.cookies
    # The probe file is written, read back and removed.
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_ready_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/ready").status_code == 200
    assert client.get("/health/live").status_code == 200
    assert Client().get("/artifacts/").status_code == 301  # everything else still is


def test_media_storage_that_cannot_be_written_makes_the_archive_unready(client, settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    settings.ARCHIVE_OUTAGE_RETRY_AFTER = 12
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response["Retry-After"] == "12"
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "media": "unavailable", "cache": "ok"},
    }
    # What failed is logged for the operator; the answer names no path or error text.
    assert "media storage is unavailable" in caplog.text
    assert str(blocker) not in response.content.decode()


def test_an_unreachable_cache_degrades_readiness_but_does_not_fail_it(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
        }
    }
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "media": "ok", "cache": "unavailable"},
    }
