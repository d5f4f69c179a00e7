"""The chain of custody in the admin: events are added, never changed or deleted.

New events go through CustodyEventForm.record → custody.services.record_custody_event, which
numbers, chains and hashes them. Existing events are shown read-only, and neither the
inline nor the event pages offer change or delete, for anyone, superusers included.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from artifacts.admin.common import EMPTY, RemovesWrittenFiles, note_written
from artifacts.choices import CustodyEventType
from artifacts.forms import CustodyEventForm
from artifacts.models import CustodyEvent

EVENT_FIELDSETS = [
    (None, {"fields": [("event_type", "occurred", "occurred_as_reported"), ("place", "destination")]}),
    (
        _("People"),
        {
            "fields": [
                ("released_by", "released_by_role"),
                ("received_by", "received_by_role"),
                ("authorised_by", "witnesses"),
            ]
        },
    ),
    (
        _("Purpose, condition and seals"),
        {
            "classes": ["collapse"],
            "fields": [
                "purpose",
                ("condition_before", "condition_after"),
                ("seal_numbers_out", "seal_numbers_in", "seal_intact"),
            ],
        },
    ),
    (None, {"fields": ["note", "corrects", ("attachment", "attachment_description")]}),
]
RECORD_FIELDS = ["sequence", "recorded_by", "recorded_at", "short_hash"]


class CustodyDisplay:
    """Read-only renderings shared by the inline and the event pages. The two form-only
    fields (attachment, attachment_description) show the stored documents on saved events."""

    @admin.display(description=_("document"))
    def attachment(self, event):
        documents = list(event.attachments.all()) if event.pk else []
        if not documents:
            return EMPTY
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308  (a constant)
            "{} ({}, SHA-256 <code>{}</code>)",
            ((doc.original_name, filesizeformat(doc.byte_size), doc.sha256) for doc in documents),
        )

    @admin.display(description=_("document description"))
    def attachment_description(self, event):
        descriptions = [doc.description for doc in event.attachments.all() if doc.description] if event.pk else []
        return "; ".join(descriptions) or EMPTY

    @admin.display(description=_("record"))
    def record(self, event):
        if event.pk is None:
            return gettext("Numbered, chained to the previous event and hashed when you save; unchangeable after that.")
        if event.recorded_by is None:
            text = gettext(
                "#{sequence}, recorded by no account (an automated check) on {when} UTC; hash <code>{hash}…</code>"
            )
        else:
            text = gettext("#{sequence}, recorded by {user} on {when} UTC; hash <code>{hash}…</code>")
        return format_html(
            text,
            sequence=event.sequence,
            user=event.recorded_by or "",
            when=f"{event.recorded_at:%Y-%m-%d %H:%M}",
            hash=event.entry_hash[:16],
        )

    @admin.display(description=_("hash"))
    def short_hash(self, event):
        if not event.entry_hash:
            return EMPTY
        return format_html('<code title="{}">{}…</code>', event.entry_hash, event.entry_hash[:16])


class CustodyEventInline(CustodyDisplay, admin.StackedInline):
    """The artifact's chain: saved events read-only, new ones appended by the service."""

    model = CustodyEvent
    form = CustodyEventForm
    fk_name = "artifact"
    fieldsets = [(None, {"fields": ["record"]}), *EVENT_FIELDSETS]
    readonly_fields = ["record"]
    ordering = ["sequence"]
    extra = 0
    show_change_link = True
    verbose_name = _("custody event")
    verbose_name_plural = _("chain of custody (events are appended, never changed: record a correction instead)")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A correction can only point at an earlier event of this artifact.
        corrects = formset.form.base_fields.get("corrects")
        if corrects is not None:
            corrects.queryset = CustodyEvent.objects.filter(artifact=obj) if obj else CustodyEvent.objects.none()
            # The event corrected already exists: no "add", "change" or "delete" beside the list.
            widget = corrects.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return formset


def save_custody_formset(request, artifact, formset) -> None:
    """Append each new event through the service, in the order the curator entered them."""
    created = []
    for form in formset.extra_forms:
        if not form.has_changed() or formset._should_delete_form(form):
            continue
        event = form.record(artifact=artifact, recorded_by=request.user)
        note_written(request, [doc.file.name for doc in event.attachments.all()])
        created.append(event)
    # What the admin's change message reads.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []


@admin.register(CustodyEvent)
class CustodyEventAdmin(RemovesWrittenFiles, CustodyDisplay, admin.ModelAdmin):
    form = CustodyEventForm
    list_display = [
        "accession_number",
        "sequence",
        "event_type",
        "occurred_in_words",
        "place",
        "received_by",
        "recorded_by",
        "recorded_at",
        "short_hash",
    ]
    list_display_links = ["accession_number", "sequence"]
    list_filter = [
        "event_type",
        "outcome",
        ("recorded_by", admin.RelatedOnlyFieldListFilter),
        "recorded_at",
        "artifact__artifact_type",
    ]
    list_select_related = ["artifact", "recorded_by"]
    search_fields = ["artifact__accession_number", "artifact__title", "place", "note", "released_by", "received_by"]
    search_help_text = _("Accession number, title, place, note, or who released or received the object.")
    autocomplete_fields = ["artifact", "corrects"]
    date_hierarchy = "recorded_at"
    ordering = ["-recorded_at", "-pk"]
    view_readonly_fields = [
        *RECORD_FIELDS,
        "entry_hash",
        "previous_hash",
        "standard_terms",
        "corrected_by",
        "record_correction",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["artifact"]}), *EVENT_FIELDSETS]
        return [
            (None, {"fields": ["artifact", tuple(RECORD_FIELDS)]}),
            *EVENT_FIELDSETS,
            (
                _("Chain"),
                {"fields": ["previous_hash", "entry_hash", "standard_terms", "corrected_by", "record_correction"]},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.view_readonly_fields if obj is not None else []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "corrects" and formfield is not None:
            # The event corrected already exists: no "add another" beside it.
            formfield.widget.can_add_related = formfield.widget.can_change_related = False
            formfield.widget.can_delete_related = False
        return formfield

    @admin.display(description=_("artifact"), ordering="artifact__accession_number")
    def accession_number(self, event):
        return format_html('<span title="{}">{}</span>', event.artifact.title, event.artifact.accession_number)

    @admin.display(description=_("when"))
    def occurred_in_words(self, event):
        return event.occurred_in_words or EMPTY

    @admin.display(description=_("PREMIS / Spectrum term"))
    def standard_terms(self, event):
        return f"{event.premis_term} / {event.spectrum_term}"

    @admin.display(description=_("corrected by"))
    def corrected_by(self, event):
        corrections = event.corrections.all()
        if not corrections:
            return EMPTY
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:artifacts_custodyevent_change", args=[c.pk]), c) for c in corrections),
        )

    @admin.display(description=_("correction"))
    def record_correction(self, event):
        query = urlencode(
            {"artifact": event.artifact_id, "corrects": event.pk, "event_type": CustodyEventType.CORRECTION}
        )
        return format_html(
            gettext('<a href="{url}">Record a correction of this event</a> (the event itself stays as it is)'),
            url=f"{reverse('admin:artifacts_custodyevent_add')}?{query}",
        )

    def save_form(self, request, form, change):
        # The event is appended here, by the service, rather than by form.save(): the
        # admin then logs and redirects to the event the service created.
        if change:
            raise PermissionDenied
        event = form.record(artifact=form.cleaned_data["artifact"], recorded_by=request.user)
        note_written(request, [doc.file.name for doc in event.attachments.all()])
        return event

    def save_model(self, request, obj, form, change):
        """Nothing to do: save_form has already appended the event."""

    def save_related(self, request, form, formsets, change):
        """Events have no many-to-many fields or inlines to save."""
