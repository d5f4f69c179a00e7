"""Photo files. Media is never served as plain static files: every request comes here and
is answered only for a photo that Photo.objects.visible_to(user) lets the viewer see.

Graphic content is not enforced here: the warning protects viewers from an image they did
not ask for, and the pages only link an image once the viewer has chosen to see it. Access
control (restricted photos, personal data) is enforced here, by visible_to.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from artifacts.access import takes_originals
from artifacts.models import Photo
from artifacts.object_storage import open_stream

KINDS = ("original", "display", "thumbnail")
# The type is decided from what the file is, never from its name: an original keeps the
# extension it was uploaded with, which says nothing reliable. Derivatives are always JPEG.
ORIGINAL_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
}
DERIVATIVE_TYPE = "image/jpeg"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/tiff": "tif"}
PUBLIC_CACHE = "public, max-age=3600"
# Restricted images must not linger in shared caches or on a shared computer's disk.
PRIVATE_CACHE = "private, no-store"


def _is_public(photo: Photo, user) -> bool:
    if not user.is_authenticated:
        return True  # an anonymous viewer only ever reaches public photos
    return Photo.objects.visible_to(AnonymousUser()).filter(pk=photo.pk).exists()


@require_safe
def photo_file(request, pk, kind):
    if kind not in KINDS:
        raise Http404("No such image size.")
    photo = get_object_or_404(
        Photo.objects.visible_to(request.user, with_copies=True)
        .select_related("artifact")
        .only("pk", "image_format", "original", "display", "thumbnail", "artifact__accession_number"),
        pk=pk,
    )
    if kind == "original" and not takes_originals(request.user):
        # Originals are kept byte for byte, EXIF included, and EXIF can hold the GPS
        # position and time a photo was taken: enough to locate a unit, a witness or a
        # family. Only staff with the "view original files" permission may fetch them;
        # everyone else gets the display and thumbnail derivatives, which carry no metadata.
        # The message is shown on the 403 page.
        raise PermissionDenied(
            _(
                "Original files are available only to archive staff with the “view original files” permission: "
                "they keep the camera's metadata."
            )
        )

    file = getattr(photo, kind)
    storage = file.storage
    if not file.name:
        raise Http404("The image file is missing.")
    content_type = (
        ORIGINAL_TYPES.get(photo.image_format, "application/octet-stream") if kind == "original" else DERIVATIVE_TYPE
    )
    download_name = f"{photo.artifact.accession_number}-photo-{photo.pk}-{kind}.{EXTENSIONS.get(content_type, 'bin')}"
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT_PREFIX", "")
    if prefix:
        # nginx serves the bytes from an internal location; Django only decides who may.
        if not storage.exists(file.name):
            raise Http404("The image file is missing.")
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + file.name.lstrip("/")
    else:
        # From MEDIA_ROOT, or streamed from the bucket (artifacts/object_storage.py says why
        # not a signed URL): the viewer never learns where the file is kept.
        try:
            handle = open_stream(storage, file.name)
        except FileNotFoundError:
            raise Http404("The image file is missing.") from None
        response = FileResponse(handle, content_type=content_type)
        if getattr(handle, "size", None) is not None:
            response["Content-Length"] = handle.size
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    public = kind != "original" and _is_public(photo, request.user)
    response["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    if not public:
        response["Vary"] = "Cookie"
    return response
