"""The parts of a record as the API gives them: languages, sources, photos and their files,
texts, phrases, details, serial numbers, personal data, relations and the citation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from artifacts.access import takes_originals
from artifacts.annotations.models import PhotoAnnotation
from artifacts.api.authorities import AuthoritySerializer
from artifacts.api.fields import AbsoluteURLField, EDTFWordsField
from artifacts.models import (
    Language,
    MilitaryIDDetails,
    ObjectDetails,
    Photo,
    Phrase,
    SerialNumber,
    SourceCitation,
    Text,
)


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


@extend_schema_serializer(description=_("A publication that reports the artifact, with where in it (the locator)."))
class SourceSerializer(serializers.ModelSerializer):
    """A publication that reports the artifact, with where in it (the locator)."""

    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    author = serializers.CharField(source="source.author")
    published_on = serializers.DateField(source="source.published_on", allow_null=True)
    dateline = serializers.CharField(source="source.dateline")
    publisher_organisation = AuthoritySerializer(
        source="source.publisher_organisation", read_only=True, allow_null=True, help_text=_("The publisher named.")
    )
    url = serializers.CharField(source="source.url")
    archived_url = serializers.CharField(source="source.archived_url")

    class Meta:
        model = SourceCitation
        fields = [
            "title",
            "publisher",
            "publisher_organisation",
            "author",
            "published_on",
            "dateline",
            "url",
            "archived_url",
            "locator",
        ]


class ImageFileSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class OriginalFileSerializer(serializers.Serializer):
    url = serializers.URLField(
        allow_null=True,
        help_text=_("Staff with the “view original files” permission only: originals keep the camera's metadata."),
    )
    sha256 = serializers.CharField()
    byte_size = serializers.IntegerField()
    format = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class RegionSerializer(serializers.Serializer):
    x = serializers.FloatField(help_text=_("Left edge, as a fraction of the image's width."))
    y = serializers.FloatField(help_text=_("Top edge, as a fraction of the image's height."))
    width = serializers.FloatField(help_text=_("As a fraction of the image's width."))
    height = serializers.FloatField(help_text=_("As a fraction of the image's height."))


class PixelRegionSerializer(serializers.Serializer):
    x = serializers.IntegerField()
    y = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    media_fragment = serializers.CharField(help_text=_("The W3C media fragment of the region, e.g. xywh=10,20,300,40."))


@extend_schema_serializer(
    description=_(
        "A transcribed region of the photo: what is written in one part of the image, with its transliteration "
        "and translation. The region is given as fractions of the image and in pixels of the display image."
    )
)
class AnnotationSerializer(serializers.ModelSerializer):
    """A transcribed region of the photo: what is written in one part of the image."""

    region = serializers.SerializerMethodField()
    display_region = serializers.SerializerMethodField()
    transliteration_lang = serializers.CharField(
        read_only=True, help_text=_("The transliteration's language tag, naming its script (e.g. ko-Latn).")
    )

    class Meta:
        model = PhotoAnnotation
        fields = [
            "id",
            "position",
            "label",
            "region",
            "display_region",
            "transcription",
            "original_language",
            "transliteration",
            "transliteration_script",
            "transliteration_lang",
            "translation",
            "translation_language",
            "note",
        ]

    @extend_schema_field(RegionSerializer)
    def get_region(self, annotation):
        return {"x": annotation.x, "y": annotation.y, "width": annotation.width, "height": annotation.height}

    @extend_schema_field(PixelRegionSerializer)
    def get_display_region(self, annotation):
        x, y, width, height = annotation.display_xywh
        return {"x": x, "y": y, "width": width, "height": height, "media_fragment": annotation.media_fragment}


@extend_schema_serializer(
    description=_(
        "A photo or illustration you may see. Images with graphic content are flagged (graphic_content), not "
        "withheld: decide for your own readers whether to show them. An illustration must always be shown with "
        "its notice."
    )
)
class PhotoSerializer(serializers.ModelSerializer):
    """A photo or illustration you may see. Images with graphic content are flagged
    (graphic_content), not withheld: decide for your own readers whether to show them.
    An illustration must always be shown with its notice."""

    notice = serializers.CharField(
        read_only=True, help_text=_("For illustrations: the notice that must accompany the image.")
    )
    graphic_content = serializers.SerializerMethodField()
    redacted_copy = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()
    original = serializers.SerializerMethodField()
    annotations = AnnotationSerializer(
        source="visible_annotations",
        many=True,
        read_only=True,
        help_text=_("Transcribed regions of the image, in reading order."),
    )

    class Meta:
        model = Photo
        fields = [
            "id",
            "position",
            "caption",
            "credit",
            "date_taken",
            "is_illustration",
            "notice",
            "graphic_content",
            "redacted_copy",
            "display",
            "thumbnail",
            "original",
            "annotations",
        ]

    def _url(self, photo, kind):
        return self.context["request"].build_absolute_uri(photo.get_media_url(kind))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_graphic_content(self, photo):
        return photo.graphic_content or photo.artifact.graphic_content

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_redacted_copy(self, photo):
        return photo.redacted_from_id is not None

    @extend_schema_field(ImageFileSerializer)
    def get_display(self, photo):
        return {"url": self._url(photo, "display"), "width": photo.display_width, "height": photo.display_height}

    @extend_schema_field(ImageFileSerializer)
    def get_thumbnail(self, photo):
        return {"url": self._url(photo, "thumbnail"), "width": photo.thumbnail_width, "height": photo.thumbnail_height}

    @extend_schema_field(OriginalFileSerializer)
    def get_original(self, photo):
        allowed = takes_originals(self.context["request"].user)
        return {
            "url": self._url(photo, "original") if allowed else None,
            "sha256": photo.sha256,
            "byte_size": photo.byte_size,
            "format": photo.image_format,
            "width": photo.width,
            "height": photo.height,
        }


class TextSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    date_written_in_words = EDTFWordsField(source="date_written")
    attribution_confidence_label = serializers.CharField(source="get_attribution_confidence_display")

    class Meta:
        model = Text
        fields = [
            "position",
            "label",
            "kind",
            "kind_label",
            "original_text",
            "original_language",
            "transliteration",
            "transliteration_script",
            "translation",
            "translation_language",
            "translator",
            "translation_source",
            "date_written",
            "date_written_in_words",
            "attributed_author",
            "attribution_confidence",
            "attribution_confidence_label",
            "note",
        ]


class PhraseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phrase
        fields = [
            "position",
            "order_known",
            "original_text",
            "original_language",
            "transliteration",
            "transliteration_script",
            "translation",
            "translation_language",
            "translation_source",
        ]


class MilitaryIDSerializer(serializers.ModelSerializer):
    issued_on_in_words = EDTFWordsField(source="issued_on")
    issuer = AuthoritySerializer(read_only=True, allow_null=True)

    class Meta:
        model = MilitaryIDDetails
        fields = ["document_type", "issuing_authority", "issuer", "issued_on", "issued_on_in_words"]


class ObjectDetailsSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display")

    class Meta:
        model = ObjectDetails
        fields = [
            "category",
            "category_label",
            "manufacturer",
            "model",
            "calibre",
            "country_of_manufacture",
            "markings",
            "markings_language",
        ]


class SerialNumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = SerialNumber
        fields = ["value", "location"]


@extend_schema_serializer(
    description=_("Every item of personal data on the object is listed; its value only where you may see it.")
)
class PersonalDatumSerializer(serializers.Serializer):
    """Every item of personal data on the object is listed; its value only where you may see it."""

    field = serializers.CharField(help_text=_("Kind of data, e.g. name or service_number."))
    label = serializers.CharField()
    text_position = serializers.IntegerField(
        allow_null=True, help_text=_("When it is written in one of the texts: that text's position.")
    )
    withheld = serializers.BooleanField()
    value = serializers.CharField(allow_null=True, help_text=_("null when withheld."))
    note = serializers.CharField(allow_null=True, help_text=_("“withheld: personal data” when withheld."))


class RelatedArtifactSerializer(serializers.Serializer):
    accession_number = serializers.CharField()
    title = serializers.CharField()
    url = AbsoluteURLField()
    api_url = serializers.HyperlinkedIdentityField(view_name="api:artifact-detail", lookup_field="accession_number")


class RelationSerializer(serializers.Serializer):
    relation_type = serializers.CharField()
    label = serializers.CharField(help_text=_("The relation read from this artifact, e.g. “Part of”."))
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"], help_text=_("outgoing: stated on this record; incoming: on the other.")
    )
    artifact = RelatedArtifactSerializer()
    note = serializers.CharField()


class CitationSerializer(serializers.Serializer):
    chicago_note = serializers.CharField()
    chicago_bibliography = serializers.CharField()
    bibtex = serializers.CharField()
    csl_json_url = serializers.URLField()
