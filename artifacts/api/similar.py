"""Search by picture in the API: POST /api/photos/similar/ with a multipart `image`.

The same checks, limits and search as the page (artifacts.similarity): the picture is
held in memory and never stored, validated as a curator's upload, rate-limited per client
address, and matched against the photos the caller may see, nearest first.
"""

from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from artifacts.api.parts import ImageFileSerializer
from artifacts.similarity import picture
from artifacts.similarity.forms import PictureSearchForm
from artifacts.similarity.search import find_similar
from artifacts.similarity.views import PICTURE_RESULTS


class RecordLinkSerializer(serializers.Serializer):
    accession_number = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField(help_text=_("The record's page."))
    api_url = serializers.URLField(help_text=_("The record in this API."))


@extend_schema_serializer(
    description=_(
        "A photo you may see whose perceptual fingerprint is close to the picture's. Graphic content is "
        "flagged, not withheld; an illustration must be shown with its notice."
    )
)
class SimilarPhotoSerializer(serializers.Serializer):
    photo_id = serializers.IntegerField(help_text=_("The photo's number in the archive."))
    caption = serializers.CharField()
    is_illustration = serializers.BooleanField()
    notice = serializers.CharField(help_text=_("For illustrations: the notice that must accompany the image."))
    graphic_content = serializers.BooleanField()
    thumbnail = ImageFileSerializer()
    record = RecordLinkSerializer()
    distance = serializers.IntegerField(help_text=_("Differing bits of the 64, to the nearest turn or mirror image."))
    words = serializers.CharField(help_text=_("near-identical, likely the same image, or possibly related."))


class PictureUpload(serializers.Serializer):
    image = serializers.FileField(help_text=_("A JPEG, PNG, WebP or TIFF image; never stored."))


class TooLarge(ValidationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def _match_document(match, request) -> dict:
    photo, artifact = match.photo, match.photo.artifact
    absolute = request.build_absolute_uri
    return {
        "photo_id": photo.pk,
        "caption": photo.caption,
        "is_illustration": photo.is_illustration,
        "notice": photo.notice,
        "graphic_content": photo.graphic_content or artifact.graphic_content,
        "thumbnail": {
            "url": absolute(photo.get_media_url("thumbnail")),
            "width": photo.thumbnail_width,
            "height": photo.thumbnail_height,
        },
        "record": {
            "accession_number": artifact.accession_number,
            "title": artifact.title,
            "url": absolute(artifact.get_absolute_url()),
            "api_url": absolute(reverse("api:artifact-detail", args=[artifact.accession_number])),
        },
        "distance": match.distance,
        "words": match.words,
    }


class SimilarPhotosView(APIView):
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before anything reads the body (the session's CSRF check does): files go to
        # memory only, and a declared length over the limit is refused unread.
        if not picture.allow_search(request):
            raise Throttled(wait=picture.WINDOW_SECONDS, detail=picture.rate_message())
        declared = picture.declared_too_large(request)
        if declared:
            raise TooLarge({"image": [picture.too_large_message(declared)]})
        self.held = picture.hold_in_memory(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="photos_similar",
        summary=_("Search by picture"),
        description=_(
            "Upload a picture (multipart/form-data, field `image`) and get the photos you may see that match it, "
            "nearest first (at most 50): the same picture resized, recompressed, cropped a little, brightened, "
            "turned, mirrored or screenshotted. The picture is never stored. Refused with 400 if it is not a "
            "usable image (the message says why), 413 if it is too large, 429 after too many searches a minute "
            "from one address."
        ),
        request={"multipart/form-data": PictureUpload},
        responses={
            200: SimilarPhotoSerializer(many=True),
            400: OpenApiResponse(description=_("Not a usable image; the message says why.")),
            413: OpenApiResponse(description=_("The image is larger than the limit.")),
            429: OpenApiResponse(description=_("Too many searches from this address; wait a minute.")),
        },
    )
    def post(self, request):
        # Reading the files here is what fills `held`: a file past the limit was dropped.
        files = request.FILES
        if self.held.too_large:
            raise TooLarge({"image": [picture.too_large_message(self.held.received)]})
        form = PictureSearchForm(data={}, files=files)
        if not form.is_valid():
            raise ValidationError({"image": [str(error) for error in form.errors.get("image", [])]})
        matches = find_similar(fingerprints=form.fingerprints, user=request.user, limit=PICTURE_RESULTS)
        return Response([_match_document(match, request) for match in matches])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # The answer depends on who asks and on a picture nobody else sent: never cached.
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
