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

from artifacts.access import sees_drafts
from artifacts.api.authorities import AuthoritySerializer
from artifacts.api.fields import AbsoluteURLField, AccessNameField, EDTFWordsField
from artifacts.api.parts import (
    CitationSerializer,
    LanguageSerializer,
    MilitaryIDSerializer,
    ObjectDetailsSerializer,
    PersonalDatumSerializer,
    PhotoSerializer,
    PhraseSerializer,
    RelationSerializer,
    SerialNumberSerializer,
    SourceSerializer,
    TextSerializer,
)
from artifacts.models import (
    Artifact,
)


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
