"""Production settings, as an operator meets them.

Each test starts Django in a fresh process with a controlled environment: the settings
module reads the environment once at import, and the test process itself runs the
development profile.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "archive.example.org"}
SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def run_django(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    """Run `python <args>` in the project with only the given archive settings set."""
    ours = ("DJANGO_", "ARCHIVE_", "DATABASE_URL", "REDIS_URL", "CACHE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(env_vars, DJANGO_SETTINGS_MODULE="artifacts.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def settings_under(**env_vars: str) -> dict:
    result = run_django(["-c", "import django; django.setup()\n" + SHOW_SETTINGS], **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deployment_checklist():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checklist_catches_a_weak_secret_key():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY="short",
        DJANGO_ALLOWED_HOSTS="archive.example.org",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_refuses_to_serve_without_a_secret_key():
    hosts = {"DJANGO_ALLOWED_HOSTS": "archive.example.org"}
    served = run_django(["-c", "import artifacts.wsgi"], **hosts)
    assert served.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in served.stderr
    checked = run_django(["manage.py", "check", "--deploy"], **hosts)
    assert checked.returncode != 0
    assert "artifacts.E001" in checked.stderr and "DJANGO_DEBUG=1 for development" in checked.stderr


def test_schema_commands_need_no_secret_key():
    result = run_django(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("value", [None, "", "0", "false", "no", "off"])
def test_debug_is_off_unless_switched_on(value):
    env = dict(PRODUCTION) if value is None else {**PRODUCTION, "DJANGO_DEBUG": value}
    assert settings_under(**env)["DEBUG"] is False


def test_debug_can_be_switched_on_for_development_without_a_secret_key():
    shown = settings_under(DJANGO_DEBUG="1")
    assert shown["DEBUG"] is True
    assert shown["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_production_serves_no_host_until_one_is_configured():
    assert settings_under(DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])["ALLOWED_HOSTS"] == []


def test_production_defaults_to_https_only_with_hashed_static_files():
    shown = settings_under(**PRODUCTION)
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"]
    assert shown["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_redirect_can_be_left_to_the_proxy_without_dropping_other_protections():
    # docker-compose.yml sets this: the TLS proxy in front does the http -> https redirect.
    shown = settings_under(**PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0")
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] > 0
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"]


def test_collectstatic_works_with_production_settings(tmp_path):
    # The Docker build runs exactly this; a stylesheet pointing at a missing file fails here.
    result = run_django(
        ["manage.py", "collectstatic", "--noinput"], **PRODUCTION, DJANGO_STATIC_ROOT=str(tmp_path / "static")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    assert (tmp_path / "static" / (hashed + ".gz")).is_file()


SHOW_PG_OPTIONS = "import django; django.setup(); from django.conf import settings; " + (
    "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
)


def test_postgresql_connections_plan_for_solid_state_storage_unless_told_otherwise():
    url = "postgres://archive@db.example.org/archive"
    default = run_django(["-c", SHOW_PG_OPTIONS], DATABASE_URL=url)
    assert default.stdout.strip() == "-c random_page_cost=1.1 -c work_mem=8MB -c hash_mem_multiplier=1 -c jit=off"
    tuned = run_django(["-c", SHOW_PG_OPTIONS], DATABASE_URL=url, DJANGO_PG_RANDOM_PAGE_COST="4")
    assert tuned.stdout.strip() == "-c random_page_cost=4.0 -c work_mem=8MB -c hash_mem_multiplier=1 -c jit=off"
    # SQLite has no such setting, and gets none.
    assert run_django(["-c", SHOW_PG_OPTIONS], DJANGO_DEBUG="1").stdout.strip() == "None"


@pytest.mark.parametrize("value", ["fast", "0", "-1", "inf", "nan"])
def test_a_bad_page_cost_stops_start_up_with_a_clear_message(value):
    result = run_django(
        ["-c", SHOW_PG_OPTIONS], DATABASE_URL="postgres://archive@db/archive", DJANGO_PG_RANDOM_PAGE_COST=value
    )
    assert result.returncode != 0
    assert f"DJANGO_PG_RANDOM_PAGE_COST must be a positive number, not '{value}'." in result.stderr


def cache_settings(**env_vars: str) -> dict:
    script = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"
    result = run_django(["-c", script], DJANGO_DEBUG="1", **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["default"]


def test_each_process_caches_in_memory_unless_redis_url_names_a_shared_redis():
    assert cache_settings()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    shared = cache_settings(REDIS_URL="redis://cache.internal:6379/2")
    assert shared["BACKEND"] == "django_redis.cache.RedisCache"
    assert shared["LOCATION"] == "redis://cache.internal:6379/2"
    # A Redis that stops answering is skipped quickly, never an error (tests/test_caching.py).
    assert shared["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert shared["OPTIONS"]["SOCKET_TIMEOUT"] <= 1


def test_reading_the_settings_creates_no_folder():
    # The production image's user may not write beside the code: any folder made at import
    # would stop every command there. Making one is an error in this run.
    forbid = "import pathlib\ndef refuse(*a, **k): raise AssertionError('mkdir')\npathlib.Path.mkdir = refuse\n"
    for env in ({}, PRODUCTION):
        result = run_django(["-c", forbid + "import django; django.setup()\n" + SHOW_SETTINGS], **env)
        assert result.returncode == 0, result.stderr
