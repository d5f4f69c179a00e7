"""The artifact record and everything entered with it, on one page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from artifacts.admin.bag_action import export_as_bagit
from artifacts.admin.common import EMPTY, HistoryAdmin, RemovesWrittenFiles, photo_preview
from artifacts.admin.custody import CustodyEventInline, save_custody_formset
from artifacts.admin.imports import ImportMixin
from artifacts.admin.photos import PhotoInline, save_photo_formset
from artifacts.custody import fixity
from artifacts.forms import RelationForm
from artifacts.models import (
    Artifact,
    CustodyEvent,
    MilitaryIDDetails,
    ObjectDetails,
    PersonalDatum,
    Photo,
    Phrase,
    Relation,
    SerialNumber,
    SourceCitation,
    Text,
)

# Table rows of phrases and relations must fit the page width.
COMPACT_TEXT = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})},
    models.CharField: {"widget": forms.TextInput(attrs={"size": 18})},
}


class TextInline(admin.StackedInline):
    model = Text
    ordering = ["position", "pk"]
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "label")]}),
        (
            "Original",
            {"fields": [("original_text", "original_language"), ("transliteration", "transliteration_script")]},
        ),
        ("Translation", {"fields": [("translation", "translation_language"), ("translator", "translation_source")]}),
        ("Attribution", {"fields": [("date_written", "attributed_author", "attribution_confidence"), "note"]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}


class PhraseInline(admin.TabularInline):
    model = Phrase
    ordering = ["position"]
    extra = 0
    fields = [
        "position",
        "original_text",
        "transliteration",
        "transliteration_script",
        "translation",
        "translation_source",
    ]
    formfield_overrides = COMPACT_TEXT


class SerialNumberInline(admin.TabularInline):
    model = SerialNumber
    extra = 0
    fields = ["value", "location"]


class ObjectDetailsInline(admin.StackedInline):
    model = ObjectDetails
    max_num = 1
    extra = 0
    fields = [("category", "manufacturer", "model"), ("calibre", "country_of_manufacture"), "markings"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


class MilitaryIDDetailsInline(admin.StackedInline):
    model = MilitaryIDDetails
    max_num = 1
    extra = 0
    fields = [("document_type", "issuing_authority", "issued_on")]


class PersonalDatumInline(admin.TabularInline):
    model = PersonalDatum
    extra = 0
    fields = ["field", "value", "text", "access_level"]
    verbose_name_plural = "personal data (withheld from anyone below each item's access level)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The text a name occurs in must be one of this artifact's texts.
        formset.form.base_fields["text"].queryset = Text.objects.filter(artifact=obj) if obj else Text.objects.none()
        return formset


class SourceCitationInline(admin.TabularInline):
    model = SourceCitation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "locator"]
    verbose_name_plural = "sources reporting this artifact"


class RelationInline(admin.TabularInline):
    model = Relation
    form = RelationForm
    fk_name = "from_artifact"
    extra = 0
    autocomplete_fields = ["to_artifact"]
    fields = ["relation_type", "to_artifact", "note"]
    formfield_overrides = COMPACT_TEXT
    verbose_name_plural = "relations to other artifacts"


@admin.register(Artifact)
class ArtifactAdmin(ImportMixin, RemovesWrittenFiles, HistoryAdmin):
    list_display = [
        "thumbnail",
        "accession_number",
        "title",
        "artifact_type",
        "status",
        "access_level",
        "verification_status",
    ]
    list_display_links = ["thumbnail", "accession_number", "title"]
    list_filter = ["artifact_type", "status", "access_level", "verification_status", "graphic_content"]
    search_fields = ["accession_number", "title", "description"]
    search_help_text = "Accession number, title or description."
    autocomplete_fields = ["languages"]
    list_per_page = 50
    save_on_top = True
    actions = [export_as_bagit]
    readonly_fields = [
        "accession_number",
        "recovery_date_in_words",
        "custody_summary",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        ("Identification", {"fields": ["accession_number", "title", ("artifact_type", "item_count"), "languages"]}),
        ("Physical description", {"fields": ["description", "materials", "dimensions", "condition"]}),
        (
            "Recovery",
            {
                "fields": [
                    ("recovery_date", "recovery_date_as_reported"),
                    "recovery_date_in_words",
                    ("recovery_place", "recovery_place_precision"),
                    "recovery_circumstances",
                    "recovering_unit",
                ]
            },
        ),
        ("Custody & provenance", {"fields": ["current_custodian", "provenance", "custody_summary"]}),
        ("Verification", {"fields": ["verification_status", "verification_assessed_by", "verification_statement"]}),
        ("Publication & access", {"fields": ["status", "access_level", "graphic_content"]}),
        ("Internal", {"fields": ["internal_notes", ("created_at", "updated_at")]}),
    ]
    inlines = [
        PhotoInline,
        TextInline,
        PhraseInline,
        SerialNumberInline,
        ObjectDetailsInline,
        MilitaryIDDetailsInline,
        PersonalDatumInline,
        SourceCitationInline,
        RelationInline,
        CustodyEventInline,
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})}}

    def get_queryset(self, request):
        first_photos = Photo.objects.order_by("position", "pk").only(
            "pk",
            "artifact_id",
            "position",
            "caption",
            "thumbnail",
            "thumbnail_width",
            "thumbnail_height",
            "is_illustration",
            "graphic_content",
        )
        return super().get_queryset(request).prefetch_related(Prefetch("photos", first_photos, to_attr="admin_photos"))

    @admin.display(description="photo")
    def thumbnail(self, artifact):
        photos = getattr(artifact, "admin_photos", None)
        return photo_preview(photos[0], box=72, compact=True) if photos else EMPTY

    @admin.display(description="recovery date in words")
    def recovery_date_in_words(self, artifact):
        # Shown again with the form's errors, the instance holds what was typed, which may
        # not be a date yet: say so here, where the field's own error says why.
        try:
            return artifact.recovery_date_in_words or EMPTY
        except ValidationError:
            return "— (not a valid EDTF date yet)"

    @admin.display(description="chain of custody")
    def custody_summary(self, artifact):
        last = CustodyEvent.objects.filter(artifact=artifact).order_by("-sequence").first() if artifact.pk else None
        if last is None:
            return "No events recorded yet. Add them at the foot of this page, starting with the recovery."
        check = fixity.latest_check(artifact)
        url = reverse("admin:artifacts_custodyevent_changelist") + "?" + urlencode({"artifact__id__exact": artifact.pk})
        return format_html(
            '{} event(s); latest #{} ({}); chain head <code>{}…</code>. {} <a href="{}">List the events</a>',
            last.sequence,
            last.sequence,
            last.get_event_type_display(),
            last.entry_hash[:16],
            f"Last fixity check: {check.get_outcome_display() or 'no outcome'} on {check.recorded_at:%Y-%m-%d}."
            if check
            else "No fixity check yet.",
            url,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            save_photo_formset(request, formset)
        elif formset.model is CustodyEvent:
            save_custody_formset(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)
