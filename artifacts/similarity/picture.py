"""A researcher's picture, for search by picture: held in memory, checked as a curator's
upload is, hashed, and let go. Nothing of it is written anywhere: not to the media
storage, not to a temporary file, not to the database.

Shared by the page and the API: the size limit (checked on the declared length before the
body is read, and again while it is read), the limit on searches per client address, and
the fingerprints of the picture in its eight turns and mirror images.
"""

import io

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, ngettext
from PIL import Image

from artifacts import imaging
from artifacts.similarity import hashing

WINDOW_SECONDS = 60
# Room for the form's other fields and the multipart boundaries around the file.
ENVELOPE_BYTES = 64 * 1024


def max_bytes() -> int:
    return min(settings.ARCHIVE_PICTURE_SEARCH_MAX_BYTES, settings.ARCHIVE_MAX_UPLOAD_BYTES)


def too_large_message(size: int) -> str:
    # The same words as for a curator's upload that is too large.
    return gettext("The file is %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(max_bytes()),
    }


def declared_too_large(request) -> int:
    """The request's declared length when it is more than a picture may be, else 0."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
    return length if length > max_bytes() + ENVELOPE_BYTES else 0


class HeldInMemory(FileUploadHandler):
    """Keeps uploaded files in memory, never on disk, up to max_bytes() in all; past that
    it stops reading files and sets `too_large` (the view then says so). Django's own
    memory handler would pass a larger file on to a temporary file instead."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_bytes()
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            self.buffer = io.BytesIO()
            # The rest of the body is read and dropped, so that the answer reaches the client.
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def hold_in_memory(request) -> HeldInMemory:
    """Make `request` read its files into memory only; call before anything reads its body."""
    handler = HeldInMemory(request)
    request.upload_handlers = [handler]
    return handler


def client_address(request) -> str:
    # The address the login lockout (django-axes) uses, so one setting decides both
    # behind a proxy.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def allow_search(request) -> bool:
    """Count a search for the client's address; False once it has made
    ARCHIVE_PICTURE_SEARCHES_PER_MINUTE in the current minute."""
    allowed = settings.ARCHIVE_PICTURE_SEARCHES_PER_MINUTE
    if allowed <= 0:
        return True
    key = f"picture-search:{client_address(request)}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window starts
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    # A cache that cannot count (Redis unreachable, its errors ignored) lets searches through.
    return count is None or count <= allowed


def rate_message() -> str:
    allowed = settings.ARCHIVE_PICTURE_SEARCHES_PER_MINUTE
    return ngettext(
        "Too many searches by picture from your address: at most %(count)s a minute. Wait a minute and try again.",
        "Too many searches by picture from your address: at most %(count)s a minute. Wait a minute and try again.",
        allowed,
    ) % {"count": allowed}


def query_fingerprints(uploaded) -> list[int]:
    """Validate the picture exactly as a curator's upload (imaging.prepare_upload) and
    return the fingerprints of its display copy, turned and mirrored: hashed as stored
    photos are, from the same derivative. Raises ValidationError with the imaging
    module's message for a file that is not a usable image."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(too_large_message(size), code="too_large")
    prepared = imaging.prepare_upload(uploaded)
    display, _width, _height = prepared.derivatives["display"]
    with Image.open(io.BytesIO(display)) as image:
        image.load()
        return hashing.query_variants(image)
