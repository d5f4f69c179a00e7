"""Media on S3-compatible object storage (README, "Media on object storage").

MEDIA_STORAGE=s3 keeps originals, derivatives, custody documents and held uploads in a
bucket through django-storages instead of under MEDIA_ROOT. Everything else reads and
writes through the storage API, so uploads, derivatives, redaction, fingerprints and
fixity checks work unchanged.

The bucket is private and the archive hands out no links into it: every object is
written with a private ACL, and a photo's bytes reach a viewer only through
artifacts/views/media.py, which checks access first and then streams the object. Signed
URLs were not chosen because the pages' Content-Security-Policy allows images from the
archive's own origin only, because a public derivative's one-hour cache lifetime would
outlive any signature worth the name, and because a signed URL is a bearer credential
that ends up in browser histories and proxies' logs.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "artifacts.s3_storage.PrivateS3Storage"
KINDS = ("local", "s3")
ADDRESSING_STYLES = ("auto", "path", "virtual")
# Objects read through storage.open (fingerprints, redaction, fixity) are spooled to a
# temporary file past this size, not held whole in memory.
SPOOL_BYTES = 8 * 1024 * 1024


def media_storage(environ: Mapping[str, str]) -> dict:
    """STORAGES["default"] for the environment: the local MEDIA_ROOT unless
    MEDIA_STORAGE=s3. Raises ImproperlyConfigured for an incomplete configuration."""
    kind = environ.get("MEDIA_STORAGE", "").strip().lower() or "local"
    if kind not in KINDS:
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {kind!r}.")
    if kind == "local":
        return {"BACKEND": LOCAL_BACKEND}

    def value(name: str) -> str:
        return environ.get(name, "").strip()

    bucket = value("ARCHIVE_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs ARCHIVE_S3_BUCKET, the name of the bucket.")
    if value("MEDIA_ACCEL_REDIRECT_PREFIX"):
        # nginx could only serve files from its own disk; with a bucket, Django streams them.
        raise ImproperlyConfigured(
            "MEDIA_ACCEL_REDIRECT_PREFIX serves local files: leave it empty with MEDIA_STORAGE=s3."
        )
    access_key, secret_key = value("ARCHIVE_S3_ACCESS_KEY_ID"), value("ARCHIVE_S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("Set both ARCHIVE_S3_ACCESS_KEY_ID and ARCHIVE_S3_SECRET_ACCESS_KEY, or neither.")
    style = value("ARCHIVE_S3_ADDRESSING_STYLE").lower() or "auto"
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"ARCHIVE_S3_ADDRESSING_STYLE must be auto, path or virtual, not {style!r}.")
    try:
        timeout = float(value("ARCHIVE_S3_TIMEOUT") or 10)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout < 600:
        raise ImproperlyConfigured(
            f"ARCHIVE_S3_TIMEOUT must be a number of seconds, not {value('ARCHIVE_S3_TIMEOUT')!r}."
        )
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: Amazon S3 itself. MinIO, Ceph, Garage and the like: their address.
            "endpoint_url": value("ARCHIVE_S3_ENDPOINT_URL") or None,
            "region_name": value("ARCHIVE_S3_REGION") or None,
            # Without them boto3 looks for credentials as usual: AWS_ACCESS_KEY_ID and
            # AWS_SECRET_ACCESS_KEY, a profile, or the machine's role.
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": value("ARCHIVE_S3_PREFIX").strip("/"),
            "addressing_style": None if style == "auto" else style,
            # Private whatever the bucket's default; empty for stores that refuse ACLs
            # (an AWS bucket with "bucket owner enforced"), which are private anyway.
            "default_acl": environ.get("ARCHIVE_S3_DEFAULT_ACL", "private").strip() or None,
            # Names are random, but evidence is never written over, even by a collision.
            "file_overwrite": False,
            "custom_domain": None,
            "max_memory_size": SPOOL_BYTES,
            # Seconds to wait for the store to connect or answer (artifacts/s3_storage.py).
            "timeout": timeout,
        },
    }


def open_stream(storage, name: str):
    """A file-like object with the stored file's bytes, for FileResponse: streamed from a
    bucket, opened from MEDIA_ROOT. Raises FileNotFoundError for a missing file."""
    stream = getattr(storage, "stream", None)
    return stream(name) if stream is not None else storage.open(name, "rb")
