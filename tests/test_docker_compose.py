"""docker-compose.yml, the Dockerfile and the nginx template agree with each other: what
compose gives the proxy is what the template asks for, and the paths match. (Docker is
not run here; tests/test_nginx.py runs the template and gunicorn.conf.py themselves.)"""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
TEMPLATE = (ROOT / "docker" / "nginx.conf.template").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_the_proxy_is_given_every_value_its_template_needs():
    needed = set(re.findall(r"\$\{(\w+)\}", TEMPLATE))
    assert needed <= set(SERVICES["proxy"]["environment"])


def test_protected_photos_and_static_files_are_where_nginx_looks():
    proxy = SERVICES["proxy"]["environment"]
    assert SERVICES["web"]["environment"]["MEDIA_ACCEL_REDIRECT_PREFIX"] == "/protected-media/"
    assert "location /protected-media/ {\n        internal;" in TEMPLATE
    assert f"media:{proxy['ARCHIVE_MEDIA_ROOT']}:ro" in SERVICES["proxy"]["volumes"]
    assert "media:/app/var/media" in SERVICES["web"]["volumes"]
    assert f"COPY --from=app /app/var/staticfiles {proxy['ARCHIVE_STATIC_PARENT']}/static" in DOCKERFILE


def test_gunicorn_is_configured_once_and_nothing_is_collected_at_start():
    for name in ("migrate", "web", "backup", "signer"):
        command = SERVICES[name].get("command") or ""
        command = command if isinstance(command, str) else " ".join(command)
        assert "gunicorn" not in command and "collectstatic" not in command, name
    assert 'CMD ["gunicorn"]' in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE and "USER archive" in DOCKERFILE
    assert "RUN pip install -r requirements.txt\n" in DOCKERFILE and "-r requirements-dev" not in DOCKERFILE


def test_code_runs_only_after_the_migrations_succeeded():
    for name in ("web", "backup", "signer"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert SERVICES["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    # Only the proxy is published; the app speaks plain HTTP on the compose network alone.
    assert [name for name, service in SERVICES.items() if service.get("ports")] == ["proxy"]


def test_scheduled_jobs_sign_tree_heads_and_write_dated_backups():
    assert "manage.py publish_tree_head" in SERVICES["signer"]["command"]
    assert "manage.py backup $$only /backups/$$(date -u" in SERVICES["backup"]["command"]
    assert "backups:/backups" in SERVICES["backup"]["volumes"]


@pytest.mark.parametrize(
    ("media_storage", "arguments"),
    [("", "backup /backups/"), ("local", "backup /backups/"), (" S3 ", "backup --database-only /backups/")],
)
def test_the_scheduled_backup_is_of_the_database_alone_when_media_are_in_a_bucket(tmp_path, media_storage, arguments):
    """The backup service's command, run by sh as compose would (`$$` is compose's `$`), with
    stand-ins for python (records its arguments) and sleep (ends the loop)."""
    (tmp_path / "python").write_text(f'#!/bin/sh\necho "$*" >> {tmp_path}/ran\n')
    (tmp_path / "sleep").write_text("#!/bin/sh\nkill -TERM $PPID\n")
    for name in ("python", "sleep"):
        (tmp_path / name).chmod(0o755)
    command = shlex.split(SERVICES["backup"]["command"].replace("$$", "$"))
    environ = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "MEDIA_STORAGE": media_storage}
    subprocess.run(command, env=environ, timeout=30, check=False)
    ran = (tmp_path / "ran").read_text().splitlines()
    assert len(ran) == 1 and ran[0].startswith(f"manage.py {arguments}"), ran
