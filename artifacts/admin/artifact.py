"""The artifact record and everything entered with it, on one page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from artifacts.admin import entry, shape
from artifacts.admin.bag_action import export_as_bagit
from artifacts.admin.common import EMPTY, HistoryAdmin, RemovesWrittenFiles, SafeAutocomplete, photo_preview
from artifacts.admin.custody import CustodyEventInline, save_custody_formset
from artifacts.admin.imports import ImportMixin
from artifacts.admin.photos import PhotoInline, save_photo_formset
from artifacts.admin.review import PublicationAdminMixin
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
            _("Original"),
            {"fields": [("original_text", "original_language"), ("transliteration", "transliteration_script")]},
        ),
        (_("Translation"), {"fields": [("translation", "translation_language"), ("translator", "translation_source")]}),
        (_("Attribution"), {"fields": [("date_written", "attributed_author", "attribution_confidence"), "note"]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}


class PhraseInline(admin.TabularInline):
    model = Phrase
    ordering = ["position"]
    extra = 0
    fields = [
        "position",
        "original_text",
        "original_language",
        "transliteration",
        "transliteration_script",
        "translation",
        "translation_language",
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
    fields = [
        ("category", "manufacturer", "model"),
        ("calibre", "country_of_manufacture"),
        ("markings", "markings_language"),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


class MilitaryIDDetailsInline(SafeAutocomplete, admin.StackedInline):
    model = MilitaryIDDetails
    max_num = 1
    extra = 0
    fields = [("document_type", "issuing_authority", "issued_on"), "issuer"]
    autocomplete_fields = ["issuer"]


class PersonalDatumInline(admin.TabularInline):
    model = PersonalDatum
    extra = 0
    fields = ["field", "value", "text", "access_level"]
    verbose_name_plural = _("personal data (withheld from anyone below each item's access level)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The text a name occurs in must be one of this artifact's texts.
        formset.form.base_fields["text"].queryset = Text.objects.filter(artifact=obj) if obj else Text.objects.none()
        return formset


class SourceCitationInline(SafeAutocomplete, admin.TabularInline):
    model = SourceCitation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "locator"]
    verbose_name_plural = _("sources reporting this artifact")


class RelationInline(SafeAutocomplete, admin.TabularInline):
    model = Relation
    form = RelationForm
    fk_name = "from_artifact"
    extra = 0
    autocomplete_fields = ["to_artifact"]
    fields = ["relation_type", "to_artifact", "note"]
    formfield_overrides = COMPACT_TEXT
    verbose_name_plural = _("relations to other artifacts")


@admin.register(Artifact)
class ArtifactAdmin(PublicationAdminMixin, ImportMixin, RemovesWrittenFiles, HistoryAdmin):
    list_display = [
        "thumbnail",
        "accession_number",
        "title",
        "artifact_type",
        "status_badge",
        "access_level",
        "verification_status",
    ]
    list_display_links = ["thumbnail", "accession_number", "title"]
    list_filter = ["artifact_type", "status", "access_level", "verification_status", "graphic_content"]
    search_fields = ["accession_number", "title", "description"]
    search_help_text = _("Accession number, title or description.")
    autocomplete_fields = ["languages", "place", "recovered_by", "custodian"]
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
    form = entry.ArtifactEntryForm
    fieldsets = [
        (
            _("Identification"),
            {"fields": ["accession_number", "title", ("artifact_type", "item_count"), "languages", "entry_type"]},
        ),
        (_("Photos"), {"fields": ["add_photos"]}),
        (_("Physical description"), {"fields": ["description", "materials", "dimensions", "condition"]}),
        (
            _("Recovery"),
            {
                "fields": [
                    ("recovery_date", "recovery_date_as_reported"),
                    "recovery_date_in_words",
                    ("recovery_place", "recovery_place_precision"),
                    "place",
                    "recovery_circumstances",
                    ("recovering_unit", "recovered_by"),
                ]
            },
        ),
        (
            _("Custody & provenance"),
            {"fields": [("current_custodian", "custodian"), "provenance", "custody_summary"]},
        ),
        (_("Verification"), {"fields": ["verification_status", "verification_assessed_by", "verification_statement"]}),
        (_("What the source did not publish"), {"fields": ["not_published"]}),
        (_("Publication & access"), {"fields": ["status", "access_level", "graphic_content"]}),
        (_("Internal"), {"fields": ["internal_notes", ("created_at", "updated_at")]}),
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

    class Media:
        # The form works without them: they reload for a new type, preview and check photos
        # before the upload and move photos with buttons as well as by their position numbers.
        js = ["js/admin-entry.js"]
        css = {"all": ["css/admin-entry.css"]}

    # --- the form shaped by the type (see shape.py) ---

    def entry_type(self, request, obj=None) -> str | None:
        """The type whose inlines the form shows: on a POST, the one the form was rendered
        for (its formsets are the ones posted); otherwise the saved type, or the one chosen."""
        saved = None
        if obj is not None and obj.pk is not None:
            # From the database: the instance may already carry a newly posted type.
            saved = Artifact.objects.filter(pk=obj.pk).values_list("artifact_type", flat=True).first()
        if request.method == "POST":
            return (
                shape.valid_type(request.POST.get("entry_type"))
                or saved
                or shape.valid_type(request.POST.get("artifact_type"))
            )
        return saved or shape.valid_type(request.GET.get("artifact_type"))

    def get_inline_instances(self, request, obj=None):
        artifact_type = self.entry_type(request, obj)
        adding = obj is None or obj.pk is None
        instances = []
        for inline in super().get_inline_instances(request, obj):
            if not shape.shown(inline, artifact_type, obj):
                continue
            if adding and shape.starts_with_a_row(inline.model, artifact_type):
                inline.extra = 1  # this instance serves this request only
            instances.append(inline)
        return instances

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # Posted too: a blank row is left out by comparing it with the initial it was shown with.
        if obj is None or obj.pk is None:
            initial = shape.starter_initial(inline.model, self.entry_type(request, obj))
            if initial:
                kwargs["initial"] = [initial]
        return kwargs

    def add_view(self, request, form_url="", extra_context=None):
        if request.method != "POST" and not shape.valid_type(request.GET.get("artifact_type")):
            return entry.choose_type_response(self, request)
        return super().add_view(request, form_url, extra_context)

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

    @admin.display(description=_("photo"))
    def thumbnail(self, artifact):
        photos = getattr(artifact, "admin_photos", None)
        return photo_preview(photos[0], box=72, compact=True) if photos else EMPTY

    @admin.display(description=_("recovery date in words"))
    def recovery_date_in_words(self, artifact):
        # Shown again with the form's errors, the instance holds what was typed, which may
        # not be a date yet: say so here, where the field's own error says why.
        try:
            return artifact.recovery_date_in_words or EMPTY
        except ValidationError:
            return gettext("— (not a valid EDTF date yet)")

    @admin.display(description=_("chain of custody"))
    def custody_summary(self, artifact):
        last = CustodyEvent.objects.filter(artifact=artifact).order_by("-sequence").first() if artifact.pk else None
        if last is None:
            return gettext("No events recorded yet. Add them at the foot of this page, starting with the recovery.")
        check = fixity.latest_check(artifact)
        url = reverse("admin:artifacts_custodyevent_changelist") + "?" + urlencode({"artifact__id__exact": artifact.pk})
        chain = format_html(
            ngettext(
                "{count} event(s); latest #{sequence} ({event_type}); chain head <code>{hash}…</code>.",
                "{count} event(s); latest #{sequence} ({event_type}); chain head <code>{hash}…</code>.",
                last.sequence,
            ),
            count=last.sequence,
            sequence=last.sequence,
            event_type=last.get_event_type_display(),
            hash=last.entry_hash[:16],
        )
        if check is None:
            checked = gettext("No fixity check yet.")
        elif check.get_outcome_display():
            checked = gettext("Last fixity check: %(outcome)s on %(date)s.") % {
                "outcome": check.get_outcome_display(),
                "date": f"{check.recorded_at:%Y-%m-%d}",
            }
        else:
            checked = gettext("Last fixity check: no outcome on %(date)s.") % {"date": f"{check.recorded_at:%Y-%m-%d}"}
        return format_html('{} {} <a href="{}">{}</a>', chain, checked, url, gettext("List the events"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        entry.store_added_photos(request, form)

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            save_photo_formset(request, formset)
        elif formset.model is CustodyEvent:
            save_custody_formset(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)
