"""Media on S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 API server
over HTTP: moto's server mode, started as a process of its own for the module. Each test
gets a bucket of its own. Without moto installed (requirements-dev.txt) those tests are
skipped; the configuration tests at the top run regardless.
"""

import datetime
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command

from artifacts import held_uploads
from artifacts.choices import AccessLevel
from artifacts.custody.services import record_custody_event, withdraw_photo
from artifacts.models import Photo
from artifacts.object_storage import media_storage
from artifacts.redaction.services import redact_photo
from artifacts.s3_storage import PrivateS3Storage
from artifacts.similarity.models import ImageFingerprint
from tests.factories import ArtifactFactory, make_photo
from tests.images import image_bytes, upload

CREDENTIALS = {"ARCHIVE_S3_ACCESS_KEY_ID": "archive-test", "ARCHIVE_S3_SECRET_ACCESS_KEY": "archive-test-secret"}
# What would betray a link into the bucket: a signature, the store's address.
SIGNATURE_MARKS = ("X-Amz-", "AWSAccessKeyId", "Signature=", "archive-test")


# --- configuration ------------------------------------------------------------------------


def test_local_media_unless_s3_is_asked_for():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage({"MEDIA_STORAGE": " Local "})["BACKEND"].endswith("FileSystemStorage")


def test_s3_configuration_is_private_and_never_overwrites():
    options = media_storage(
        {
            "MEDIA_STORAGE": "s3",
            "ARCHIVE_S3_BUCKET": "evidence",
            "ARCHIVE_S3_ENDPOINT_URL": "https://s3.example.org",
            "ARCHIVE_S3_PREFIX": "/media/",
            **CREDENTIALS,
        }
    )["OPTIONS"]
    assert options["bucket_name"] == "evidence"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["location"] == "media"
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False
    assert options["access_key"] == "archive-test"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be local or s3"),
        ({"MEDIA_STORAGE": "s3"}, "needs ARCHIVE_S3_BUCKET"),
        (
            {"MEDIA_STORAGE": "s3", "ARCHIVE_S3_BUCKET": "b", "MEDIA_ACCEL_REDIRECT_PREFIX": "/protected"},
            "leave it empty with MEDIA_STORAGE=s3",
        ),
        ({"MEDIA_STORAGE": "s3", "ARCHIVE_S3_BUCKET": "b", "ARCHIVE_S3_ACCESS_KEY_ID": "k"}, "or neither"),
        ({"MEDIA_STORAGE": "s3", "ARCHIVE_S3_BUCKET": "b", "ARCHIVE_S3_ADDRESSING_STYLE": "dns"}, "auto, path"),
        ({"MEDIA_STORAGE": "s3", "ARCHIVE_S3_BUCKET": "b", "ARCHIVE_S3_TIMEOUT": "soon"}, "ARCHIVE_S3_TIMEOUT"),
    ],
)
def test_an_incomplete_s3_configuration_is_refused_with_a_reason(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storage(environ)


def test_the_settings_module_reads_media_storage():
    """The settings themselves, in a fresh interpreter, as the app would start."""
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "artifacts.settings", "DJANGO_DEBUG": "1"}
    environ.update(MEDIA_STORAGE="s3", ARCHIVE_S3_BUCKET="evidence", MEDIA_ACCEL_REDIRECT_PREFIX="")
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "artifacts.s3_storage.PrivateS3Storage"


# --- against an S3 API server -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    executable = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(executable).exists():
        pytest.skip("moto[server] is not installed (pip install -r requirements-dev.txt)")
    port = _free_port()
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start on port {port}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_client(endpoint: str):
    """A client of the test S3 server, with the credentials the archive is given."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["ARCHIVE_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["ARCHIVE_S3_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def bucket(s3_endpoint, settings, media_root):
    """A fresh bucket, made the archive's media storage; yields a boto3 client and its name."""
    name = f"archive-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    environ = {"MEDIA_STORAGE": "s3", "ARCHIVE_S3_BUCKET": name, "ARCHIVE_S3_ENDPOINT_URL": s3_endpoint}
    settings.STORAGES = {**settings.STORAGES, "default": media_storage({**environ, **CREDENTIALS})}
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    yield Bucket(client, name)
    # Nothing was written beside the bucket.
    assert not Path(media_root).exists() or not any(Path(media_root).rglob("*"))


class Bucket:
    def __init__(self, client, name):
        self.client, self.name = client, name

    def keys(self) -> set[str]:
        answer = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in answer.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def is_private(self, key: str) -> bool:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)


def files_of(photo) -> set[str]:
    return {photo.original.name, photo.thumbnail.name, photo.display.name}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def shows_no_link_into_the_bucket(response, bucket) -> bool:
    text = response.content.decode() if not response.streaming else ""
    headers = " ".join(f"{key}: {value}" for key, value in response.items())
    return not any(mark in text + headers for mark in (*SIGNATURE_MARKS, bucket.name, "127.0.0.1:"))


@pytest.mark.django_db
def test_an_uploaded_photo_lands_in_the_bucket_privately(bucket):
    data = image_bytes(size=(1200, 900))
    photo = make_photo(uploaded=upload(data=data))
    assert bucket.keys() == files_of(photo)
    assert photo.original.name.startswith("originals/") and photo.display.name.startswith("derivatives/")
    assert bucket.read(photo.original.name) == data  # kept byte for byte
    assert hashlib.sha256(bucket.read(photo.original.name)).hexdigest() == photo.sha256
    assert all(bucket.is_private(key) for key in files_of(photo))
    # The similarity fingerprint was computed from the display image, read back from the bucket.
    assert ImageFingerprint.objects.filter(photo=photo).exists()
    # No link into the bucket from the storage either: a path nothing serves.
    assert photo.original.url == f"/media/{photo.original.name}"


@pytest.mark.django_db
def test_the_public_record_page_shows_the_photo_from_the_bucket(client, bucket):
    photo = make_photo()
    page = client.get(photo.artifact.get_absolute_url())
    assert page.status_code == 200
    assert f"/media/photos/{photo.pk}/".encode() in page.content
    assert shows_no_link_into_the_bucket(page, bucket)
    for kind in ("thumbnail", "display"):
        response = client.get(f"/media/photos/{photo.pk}/{kind}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "public, max-age=3600"
        served = body(response)
        assert served == bucket.read(getattr(photo, kind).name)
        assert int(response["Content-Length"]) == len(served)


@pytest.mark.django_db
def test_staff_get_the_original_streamed_through_the_view(client, bucket, staff_user):
    data = image_bytes(fmt="PNG", size=(640, 480))
    photo = make_photo(uploaded=upload("scan.png", data, "image/png"), access_level=AccessLevel.STAFF)
    client.force_login(staff_user)
    response = client.get(f"/media/photos/{photo.pk}/original/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert "Location" not in response
    assert body(response) == data
    assert shows_no_link_into_the_bucket(response, bucket)


@pytest.mark.django_db
def test_a_restricted_photo_is_404_to_the_public_without_a_link_into_the_bucket(client, bucket, researcher):
    photo = make_photo(access_level=AccessLevel.STAFF)
    for kind in ("original", "display", "thumbnail"):
        response = client.get(f"/media/photos/{photo.pk}/{kind}/")
        assert response.status_code == 404
        assert "Location" not in response
        assert shows_no_link_into_the_bucket(response, bucket)
    # A researcher may see a researchers' photo, but not its original: 403, no link either.
    shared = make_photo(access_level=AccessLevel.RESEARCHERS)
    client.force_login(researcher)
    assert client.get(f"/media/photos/{shared.pk}/display/").status_code == 200
    refused = client.get(f"/media/photos/{shared.pk}/original/")
    assert refused.status_code == 403
    assert shows_no_link_into_the_bucket(refused, bucket)


@pytest.mark.django_db
def test_a_file_missing_from_the_bucket_is_404(client, bucket):
    photo = make_photo()
    bucket.client.delete_object(Bucket=bucket.name, Key=photo.display.name)
    assert client.get(f"/media/photos/{photo.pk}/display/").status_code == 404


@pytest.mark.django_db
def test_withdrawing_a_photo_removes_its_objects(bucket, django_capture_on_commit_callbacks):
    kept, withdrawn = make_photo(), make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_photo(photo=withdrawn, reason="Shows a face that must not be published.")
    assert not Photo.objects.filter(pk=withdrawn.pk).exists()
    assert bucket.keys() == files_of(kept)


@pytest.mark.django_db
def test_redaction_reads_the_original_from_the_bucket_and_stores_the_copy(bucket, staff_user):
    photo = make_photo(uploaded=upload(data=image_bytes(size=(800, 600))))
    copy = redact_photo(photo=photo, boxes=[[0.1, 0.1, 0.3, 0.3]], redacted_by=staff_user)
    assert bucket.keys() == files_of(photo) | files_of(copy)
    assert hashlib.sha256(bucket.read(copy.original.name)).hexdigest() == copy.sha256


@pytest.mark.django_db
def test_custody_documents_are_stored_in_the_bucket(bucket):
    document = upload("receipt.pdf", b"%PDF-1.4 receipt of transfer", "application/pdf")
    event = record_custody_event(artifact=ArtifactFactory(), event_type="recovery", attachments=[(document, "Receipt")])
    attachment = event.attachments.get()
    assert bucket.keys() == {attachment.file.name}
    assert bucket.read(attachment.file.name) == b"%PDF-1.4 receipt of transfer"
    assert bucket.is_private(attachment.file.name)


@pytest.mark.django_db
def test_a_photo_refused_after_its_files_were_written_leaves_no_object(bucket):
    with pytest.raises(ValidationError):
        make_photo(access_level=99)  # refused by full_clean, after the upload reached the bucket
    assert bucket.keys() == set()
    assert not Photo.objects.exists()


class RefusedDerivatives(PrivateS3Storage):
    """The bucket's storage, asking the store to keep derivatives in a storage class that
    does not exist: the store takes the original and refuses the thumbnail."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        if name.startswith("derivatives/"):
            parameters["StorageClass"] = "NO-SUCH-CLASS"
        return parameters


@pytest.mark.django_db
def test_a_store_failing_in_the_middle_of_an_upload_leaves_no_object(bucket, settings):
    default = settings.STORAGES["default"]
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "BACKEND": f"{__name__}.RefusedDerivatives"}}
    with pytest.raises(Exception, match="InvalidStorageClass"):
        make_photo()
    assert bucket.keys() == set()  # the original it took was removed again
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_held_uploads_are_kept_and_cleared_in_the_bucket(bucket):
    held = held_uploads.hold(upload())
    assert bucket.keys() == {held.name}
    assert held_uploads.clear(datetime.timedelta(seconds=-60)) == [held.name]
    assert bucket.keys() == set()


@pytest.mark.django_db
def test_readiness_checks_the_bucket(client, bucket):
    response = client.get("/health/ready")
    assert response.status_code == 200, response.content
    assert bucket.keys() == set()  # the probe removes what it wrote


# --- backups with media in the bucket ---------------------------------------------------

MAKE_RECORDS = """
from artifacts.custody import heads
from tests.factories import ArtifactFactory, make_custody_event, make_photo
from tests.images import upload
for n in range(2):
    artifact = ArtifactFactory(title=f"Kept in the bucket {n}")
    make_photo(artifact)
    receipt = upload("receipt.pdf", b"%PDF-1.4 receipt " + bytes([n]), "application/pdf")
    make_custody_event(artifact, event_type="recovery", attachments=[(receipt, "Receipt")])
heads.publish(stamp_heads=False)
"""


@pytest.mark.django_db
def test_a_full_backup_of_media_in_a_bucket_is_refused_naming_database_only(bucket, tmp_path):
    with pytest.raises(CommandError, match="--database-only") as refused:
        call_command("backup", str(tmp_path / "backup"))
    assert refused.value.returncode == 1
    assert "object store's own tools (versioning, replication)" in str(refused.value)
    assert not (tmp_path / "backup").exists()


@pytest.mark.django_db
def test_a_backup_holding_media_files_is_not_restored_beside_a_bucket(bucket, tmp_path):
    from django.db import connection

    from artifacts.backups import FORMAT

    info = {"format": FORMAT, "database": {"vendor": connection.vendor}, "migrations": [], "media": {"files": 1}}
    (tmp_path / "backup-info.json").write_text(json.dumps(info))
    with pytest.raises(CommandError, match="restore the bucket with the object store's own tools") as refused:
        call_command("restore", str(tmp_path))
    assert refused.value.returncode == 1


@pytest.fixture(scope="module")
def archive_on_s3(s3_endpoint, tmp_path_factory):
    """An archive (its own database, run as subprocesses) whose media are in a bucket, with
    photos, custody attachments and a signed head, and a --database-only backup of it;
    yields (the settings shared by both archives, the bucket, the backup folder)."""
    from artifacts.custody import signing
    from tests.browser_server import _archive_env, _copy_of, _manage, _template

    workdir = tmp_path_factory.mktemp("s3-archive")
    name = f"archive-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    signing.make_key_file(workdir / "signing.pem")
    shared = {
        **CREDENTIALS,
        "MEDIA_STORAGE": "s3",
        "ARCHIVE_S3_BUCKET": name,
        "ARCHIVE_S3_ENDPOINT_URL": s3_endpoint,
        "ARCHIVE_S3_PREFIX": "media",
        "ARCHIVE_SIGNING_KEY_FILE": str(workdir / "signing.pem"),
    }
    with _copy_of(_template("migrated")[0], workdir) as database_url:
        env = _archive_env(database_url, workdir, shared)
        _manage(["shell", "--no-imports", "-c", MAKE_RECORDS], env, workdir / "records.log")
        backup = workdir / "backup"
        _manage(["backup", "--database-only", str(backup)], env, workdir / "backup.log")
        yield shared, Bucket(client, name), backup


@contextmanager
def restore_elsewhere(shared: dict, backup: Path, home: Path):
    """Run `restore` into a new, empty database with the same bucket; yield the result."""
    from tests.browser_server import _archive_env, run_manage, temporary_database

    home.mkdir()
    with temporary_database(home) as database_url:
        env = _archive_env(database_url, home, shared)
        yield run_manage(env, "restore", str(backup))


def test_a_database_only_backup_records_the_bucket_and_every_digest(archive_on_s3):
    shared, bucket, backup = archive_on_s3
    info = json.loads((backup / "backup-info.json").read_text())
    assert info["media"] == "not included"
    assert info["storage"] == {
        "kind": "s3",
        "bucket": bucket.name,
        "prefix": "media",
        "endpoint_url": shared["ARCHIVE_S3_ENDPOINT_URL"],
    }
    assert sorted(path.name for path in backup.iterdir()) == sorted(
        ["backup-info.json", "media-digests.txt", "tagmanifest-sha256.txt", "tree-head.json", info["database"]["file"]]
    )
    listed = dict(line.split("  ", 1)[::-1] for line in (backup / "media-digests.txt").read_text().splitlines())
    assert len(listed) == info["media_digests"]["files"] == 4  # two originals, two receipts
    for name, sha in listed.items():
        assert hashlib.sha256(bucket.read(f"media/{name}")).hexdigest() == sha


def test_a_database_only_backup_restores_and_verifies_against_the_bucket(archive_on_s3, tmp_path):
    shared, bucket, backup = archive_on_s3
    keys = bucket.keys()
    with restore_elsewhere(shared, backup, tmp_path / "restored") as result:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "All files, custody chains and the transparency log verified." in result.stdout
        assert f"its files are those in the bucket {bucket.name} under media/" in result.stdout
    assert bucket.keys() == keys  # the bucket was read, never written


def test_an_object_changed_after_the_backup_fails_the_restore_naming_it(archive_on_s3, tmp_path):
    shared, bucket, backup = archive_on_s3
    name = next(line.split("  ", 1)[1] for line in (backup / "media-digests.txt").read_text().splitlines())
    kept = bucket.read(f"media/{name}")
    bucket.client.put_object(Bucket=bucket.name, Key=f"media/{name}", Body=kept + b"\x00")
    try:
        with restore_elsewhere(shared, backup, tmp_path / "restored") as result:
            assert result.returncode == 2, result.stdout + result.stderr
            assert f"{name}: SHA-256 in the media storage is" in result.stderr
            assert "The restored archive does NOT match the backup" in result.stderr
            assert "Traceback" not in result.stderr
    finally:
        bucket.client.put_object(Bucket=bucket.name, Key=f"media/{name}", Body=kept)
