"""How artifacts look in the JSON API.

Serializers only format. What a viewer may see is decided before they run: the views
attach to each artifact the photos, relations and personal data that the access policy
lets through (see artifacts.api.views), so a serializer can never reach past it.

An empty string means the source did not publish that detail, as on the pages.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from artifacts.access import sees_drafts, takes_originals
from artifacts.api.authorities import AuthoritySerializer
from artifacts.choices import AccessLevel
from artifacts.models import (
    Artifact,
    Language,
    MilitaryIDDetails,
    ObjectDetails,
    Photo,
    Phrase,
    SerialNumber,
    SourceCitation,
    Text,
)
from artifacts.templatetags.archive import edtf_in_words

ACCESS_NAMES = {level.value: level.name.lower() for level in AccessLevel}


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURLField(serializers.ReadOnlyField):
    """The absolute address of an object's page."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.STR)
class EDTFWordsField(serializers.ReadOnlyField):
    """An EDTF date in words (“December 2024 – January 2025”); empty when there is none."""

    def to_representation(self, value):
        return edtf_in_words(value or "")


@extend_schema_field({"type": "string", "enum": list(ACCESS_NAMES.values())})
class AccessNameField(serializers.ReadOnlyField):
    def to_representation(self, value):
        return ACCESS_NAMES[value]


# A component's description on the API page is given to the schema in words that can be
# translated (a docstring cannot be); the docstring says the same for readers of the code.
@extend_schema_serializer(
    description=_(
        "One result of a catalog search, with the same field names as the CSV and JSON downloads. "
        "An empty string means the source did not publish that detail."
    )
)
class ArtifactSummarySerializer(serializers.ModelSerializer):
    """One result of a catalog search, with the same field names as the CSV and JSON
    downloads. An empty string means the source did not publish that detail."""

    url = AbsoluteURLField(help_text=_("The record's page."))
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:artifact-detail", lookup_field="accession_number", help_text=_("This record in the API.")
    )
    type = serializers.CharField(source="artifact_type", help_text=_("Type code, e.g. phrase_list."))
    type_label = serializers.CharField(source="get_artifact_type_display", help_text=_("Type in words."))
    verification_status_label = serializers.CharField(source="get_verification_status_display")
    recovery_date_in_words = EDTFWordsField(source="recovery_date")
    place = AuthoritySerializer(read_only=True, allow_null=True, help_text=_("The place the recovery place names."))
    recovered_by = AuthoritySerializer(
        read_only=True, allow_null=True, help_text=_("The organisation the recovering unit names.")
    )
    has_photos = serializers.BooleanField(help_text=_("Whether there is at least one image you may see."))
    access_level = AccessNameField(help_text=_("Who may see the record: public, researchers or staff."))
    publication_status = serializers.CharField(
        source="status", help_text=_("published; or, seen by staff only: draft, ready for review, withdrawn.")
    )

    class Meta:
        model = Artifact
        fields = [
            "accession_number",
            "url",
            "api_url",
            "title",
            "type",
            "type_label",
            "verification_status",
            "verification_status_label",
            "recovery_date",
            "recovery_date_in_words",
            "recovered_earliest",
            "recovered_latest",
            "recovery_place",
            "place",
            "recovering_unit",
            "recovered_by",
            "has_photos",
            "graphic_content",
            "access_level",
            "publication_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


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


@extend_schema_serializer(description=_("A whole record, with everything on its page that you may see."))
class ArtifactDetailSerializer(ArtifactSummarySerializer):
    """A whole record, with everything on its page that you may see."""

    # photos, relations, personal_data and custody are read from attributes the view sets
    # after applying the access policy (artifacts.api.views.ArtifactViewSet.get_object).

    languages = LanguageSerializer(many=True, read_only=True)
    sources = SourceSerializer(source="source_citations", many=True, read_only=True)
    photos = PhotoSerializer(source="visible_photos", many=True, read_only=True)
    texts = TextSerializer(many=True, read_only=True)
    phrases = PhraseSerializer(many=True, read_only=True)
    military_id = MilitaryIDSerializer(read_only=True, allow_null=True, source="military_id_or_none")
    object_details = ObjectDetailsSerializer(read_only=True, allow_null=True, source="object_details_or_none")
    serial_numbers = SerialNumberSerializer(many=True, read_only=True)
    personal_data = PersonalDatumSerializer(source="personal_data_items", many=True, read_only=True)
    relations = RelationSerializer(source="visible_relations", many=True, read_only=True)
    custody = serializers.SerializerMethodField()
    custody_url = serializers.SerializerMethodField(help_text=_("The custody record as a download."))
    citation = CitationSerializer(source="citations", read_only=True)
    recovery_place_precision_label = serializers.CharField(source="get_recovery_place_precision_display")
    custodian = AuthoritySerializer(read_only=True, allow_null=True, help_text=_("The organisation holding it."))
    internal_notes = serializers.CharField(read_only=True, required=False, help_text=_("Present for staff only."))

    class Meta(ArtifactSummarySerializer.Meta):
        fields = [
            *ArtifactSummarySerializer.Meta.fields,
            "description",
            "materials",
            "dimensions",
            "condition",
            "item_count",
            "languages",
            "recovery_date_as_reported",
            "recovery_place_precision",
            "recovery_place_precision_label",
            "recovery_circumstances",
            "current_custodian",
            "custodian",
            "provenance",
            "verification_assessed_by",
            "verification_statement",
            "sources",
            "photos",
            "texts",
            "phrases",
            "military_id",
            "object_details",
            "serial_numbers",
            "personal_data",
            "relations",
            "citation",
            "custody_url",
            "custody",
            "internal_notes",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "description": _(
                "The chain of custody with every event's SHA-256 hash, as the custody record "
                "download gives it (format bfa-custody-record/2), with each entry's proof from the transparency "
                "log; verify it with the checker served at /transparency/bfa-verify.pyz."
            ),
        }
    )
    def get_custody(self, artifact):
        return artifact.custody_record

    @extend_schema_field(OpenApiTypes.URI)
    def get_custody_url(self, artifact):
        path = reverse("custody-record", args=[artifact.accession_number])
        return self.context["request"].build_absolute_uri(path)

    def to_representation(self, artifact):
        data = super().to_representation(artifact)
        if not sees_drafts(self.context["request"].user):
            # Internal notes are for staff, as on the record page.
            data.pop("internal_notes", None)
        return data
