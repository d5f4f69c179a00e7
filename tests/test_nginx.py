"""The production front: the repository's nginx configuration (docker/nginx.conf.template,
what the proxy image runs) in front of gunicorn (gunicorn.conf.py, what the app image
runs) serving the archive with production settings, on a freshly migrated database.

One nginx and one gunicorn for the module. Debian's nginx runs them; without it the tests
are skipped, unless REQUIRE_NGINX=1 (CI), which makes its absence a failure.
"""

import datetime
import gzip
import http.client
import json
import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_server import run_manage, temporary_database

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "docker" / "nginx.conf.template"
EXAMPLES = ROOT / "artifacts" / "importing" / "examples"

if not NGINX.exists():
    if os.environ.get("REQUIRE_NGINX") == "1":
        raise RuntimeError(f"REQUIRE_NGINX=1 but {NGINX} is missing: apt-get install nginx")
    pytest.skip(f"{NGINX} is missing (apt-get install nginx); REQUIRE_NGINX=1 fails instead", allow_module_level=True)

# The importer, a staff account and its session, and the photos' addresses, in the
# archive's own process (the test process runs the development settings).
SETUP = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from artifacts.models import Photo
staff = get_user_model().objects.create_superuser("nginx-staff", "staff@example.org", "not-used-here")
client = Client()
client.force_login(staff)
photo = Photo.objects.filter(artifact__title__startswith="Example: phrase list").order_by("pk").first()
print(json.dumps({
    "session": client.cookies["sessionid"].value,
    "display": reverse("photo-file", args=[photo.pk, "display"]),
    "file": photo.display.name,
}))
"""


@dataclass
class Stack:
    https_port: int
    http_port: int
    session: str
    display_url: str
    display_name: str
    display_file: Path
    static_root: Path

    def get(self, path: str, *, tls: bool = True, headers: dict | None = None) -> tuple[int, dict, bytes]:
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
            connection = http.client.HTTPSConnection("localhost", self.https_port, context=context, timeout=30)
        else:
            connection = http.client.HTTPConnection("localhost", self.http_port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            headers = {}
            for name, value in response.getheaders():  # nginx adds its Vary beside the app's
                headers[name.lower()] = ", ".join(filter(None, [headers.get(name.lower()), value]))
            return response.status, headers, response.read()
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"did not listen on {port}:\n{log.read_text()}")


def _manage(env: dict, *args: str) -> str:
    result = run_manage(env, *args)
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert, key_file = folder / "tls.crt", folder / "tls.key"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert, key_file


def render(template: str, values: dict) -> str:
    """What the nginx image does at start (envsubst of the variables it is given): every
    ${NAME} in `values` is replaced, nginx's own $variables are left as they are."""
    rendered = re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
    missing = set(re.findall(r"\$\{(\w+)\}", rendered))
    assert not missing, f"the template needs {missing}"
    return rendered


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    with ExitStack() as cleanup:
        database_url = cleanup.enter_context(temporary_database(work))
        app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
        static_parent, media = work / "web", work / "media"
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        env = {k: v for k, v in os.environ.items() if k in keep} | {
            "DJANGO_SETTINGS_MODULE": "artifacts.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media),
            "DJANGO_STATIC_ROOT": str(static_parent / "static"),
            "MEDIA_ACCEL_REDIRECT_PREFIX": "/protected-media/",
            "GUNICORN_BIND": f"127.0.0.1:{app_port}",
            "GUNICORN_WORKERS": "2",
        }
        # What the compose file runs: migrate, then (at build) collectstatic; then a
        # curator's first import, which needs the languages the migrations wrote.
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        example, photos = str(EXAMPLES / "example.csv"), str(EXAMPLES / "photos")
        imported = _manage(env, "import_artifacts", example, "--photos", photos, "--no-progress")
        assert "created" in imported, imported
        made = json.loads(_manage(env, "shell", "-c", SETUP).splitlines()[-1])  # after the shell's notices

        gunicorn_log = work / "gunicorn.log"
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn")],  # reads ./gunicorn.conf.py, as the image does
            cwd=ROOT,
            env=env,
            stdout=gunicorn_log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        cleanup.callback(_stop, gunicorn)
        _wait_for(app_port, gunicorn, gunicorn_log)

        cert, key = _self_signed(work)
        site = render(
            TEMPLATE.read_text(),
            {
                "ARCHIVE_UPSTREAM": f"127.0.0.1:{app_port}",
                "ARCHIVE_HTTP_PORT": str(http_port),
                "ARCHIVE_HTTPS_PORT": str(https_port),
                "ARCHIVE_SERVER_NAME": "localhost",
                "ARCHIVE_TLS_CERTIFICATE": str(cert),
                "ARCHIVE_TLS_KEY": str(key),
                "ARCHIVE_MAX_BODY_SIZE": "200m",
                "ARCHIVE_STATIC_PARENT": str(static_parent),
                "ARCHIVE_MEDIA_ROOT": str(media),
            },
        )
        (work / "archive.conf").write_text(site)
        # The rest of what the nginx image's own nginx.conf holds, with every path in `work`.
        temp = {name: work / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        main = f"""
            {"user root;" if os.geteuid() == 0 else ""}
            worker_processes 1;
            pid {work / "nginx.pid"};
            error_log {work / "nginx-error.log"} warn;
            events {{ worker_connections 64; }}
            http {{
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log {work / "nginx-access.log"};
                {"".join(f"{name}_temp_path {path};" for name, path in temp.items())}
                include {work / "archive.conf"};
            }}
        """
        (work / "nginx.conf").write_text(main)
        checked = subprocess.run(
            [str(NGINX), "-t", "-q", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        nginx_log = work / "nginx-error.log"
        nginx = subprocess.Popen(
            [str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        cleanup.callback(_stop, nginx)
        _wait_for(https_port, nginx, nginx_log)
        yield Stack(
            https_port=https_port,
            http_port=http_port,
            session=made["session"],
            display_url=made["display"],
            display_name=made["file"],
            display_file=media / made["file"],
            static_root=static_parent / "static",
        )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_plain_http_is_sent_to_https(stack):
    status, headers, _ = stack.get("/", tls=False)
    assert status == 301 and headers["location"].startswith("https://localhost")


def test_pages_come_through_tls_compressed_with_the_apps_own_headers(stack):
    status, headers, body = stack.get("/", headers={"Accept-Encoding": "gzip"})
    assert status == 200, body[:500]
    assert headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()
    assert b"<html" in gzip.decompress(body)
    # The app saw HTTPS (X-Forwarded-Proto): no redirect loop, and it sends HSTS and its CSP.
    assert "max-age=" in headers["strict-transport-security"]
    assert "script-src" in headers["content-security-policy"]


def test_hashed_static_files_are_cached_for_a_year_and_sent_precompressed(stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    status, headers, body = stack.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert "max-age=31536000" in headers["cache-control"] and "immutable" in headers["cache-control"]
    assert headers["content-type"].startswith("text/css") and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == (stack.static_root / hashed).read_bytes()
    # A name without its hash may change with the next release: an hour only.
    status, headers, _ = stack.get("/static/admin/css/base.css")
    assert status == 200 and headers["cache-control"] == "public, max-age=3600"


def test_staff_get_a_protected_photo_from_nginx_after_the_app_says_yes(stack):
    status, headers, body = stack.get(stack.display_url, headers={"Cookie": f"sessionid={stack.session}"})
    assert status == 200
    assert body == stack.display_file.read_bytes()  # the bytes come from the media folder
    assert "x-accel-redirect" not in headers  # nginx consumed it
    assert headers["content-type"] == "image/jpeg" and "private" in headers["cache-control"]
    assert headers["content-disposition"].startswith("inline; filename=")


def test_anonymous_visitors_get_no_protected_photo_by_either_door(stack):
    # The example record is a draft for researchers: the app says no…
    status, _, body = stack.get(stack.display_url)
    assert status == 404 and body != stack.display_file.read_bytes()
    # …and nginx's internal location cannot be asked for directly.
    for path in ("/protected-media/" + stack.display_name, f"/protected-media/{stack.display_url}"):
        status, _, body = stack.get(path)
        assert status == 404 and body != stack.display_file.read_bytes()


def test_the_health_check_the_image_runs_answers_through_gunicorn(stack):
    status, _, body = stack.get("/health/live")
    assert status == 200, body
