"""The storage class for MEDIA_STORAGE=s3 (configured in artifacts/object_storage.py).

Kept apart from the configuration so that settings, which read that module, import boto3
only when a bucket is used.
"""

from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PrivateS3Storage(S3Storage):
    """S3Storage that gives out no links: url() answers as FileSystemStorage does (a path
    under MEDIA_URL that nothing serves), never a signed or public URL into the bucket.
    Bytes reach viewers only through the media view, after its access check."""

    def __init__(self, *, timeout: float = 10, **options):
        super().__init__(**options)
        # botocore waits 60 s for a store that does not answer, and retries: a page or a
        # readiness probe would hang past any load balancer's patience.
        self.client_config = self.client_config.merge(
            Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2})
        )

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")

    def stream(self, name: str) -> "ObjectStream":
        """The object's bytes as they arrive from the store, for a response (storage.open
        would first copy the whole object). A missing object raises FileNotFoundError,
        as a missing local file does."""
        try:
            answer = self.bucket.Object(self._normalize_name(clean_name(name))).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(name) from None
            raise
        return ObjectStream(answer["Body"], answer["ContentLength"])


class ObjectStream:
    """A stored object's body, read in blocks by FileResponse; `size` for Content-Length."""

    def __init__(self, body, size: int):
        self.body, self.size = body, size

    def read(self, amount: int = -1) -> bytes:
        return self.body.read(None if amount is None or amount < 0 else amount)

    def close(self) -> None:
        self.body.close()
