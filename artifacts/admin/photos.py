"""Photos: uploaded through PhotoForm, stored by services.fill_photo_from_upload."""

import json

from django.contrib import admin, messages
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from artifacts import exif_privacy
from artifacts.access import takes_originals
from artifacts.admin.annotations import PhotoAnnotationInline, save_annotation_formset
from artifacts.admin.common import (
    HistoryAdmin,
    RemovesWrittenFiles,
    note_written,
    photo_preview,
)
from artifacts.admin.redaction import RedactionMixin
from artifacts.custody.services import withdraw_photo
from artifacts.forms import PhotoForm
from artifacts.models import Photo
from artifacts.services import place_in_gallery


class PhotoInline(admin.StackedInline):
    """Photos of one artifact, in gallery order. The date taken and redacted copies are
    set on the photo's own page."""

    model = Photo
    form = PhotoForm
    fk_name = "artifact"
    fields = [
        ("preview", "original"),
        ("caption", "credit"),
        ("position", "access_level"),
        ("is_illustration", "shows_personal_data", "graphic_content"),
    ]
    readonly_fields = ["preview"]
    ordering = ["position", "pk"]
    extra = 0
    can_delete = False  # removing evidence is a deliberate act, done on the photo's own page
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position" and formfield is not None:
            # The words of the "Move up" / "Move down" buttons that static/js/admin-entry.js
            # adds beside each position, in the curator's language ({photo}: the caption).
            formfield.widget.attrs.update(
                {
                    "data-move-up": gettext("Move up"),
                    "data-move-down": gettext("Move down"),
                    "data-move-up-label": gettext("Move up: {photo}"),
                    "data-move-down-label": gettext("Move down: {photo}"),
                    "data-new-photo": gettext("new photo"),
                }
            )
        return formfield

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return photo_preview(photo, box=120)


def _warn_of_metadata(request, photo) -> None:
    text = exif_privacy.notice(photo.caption, photo.exif)
    if text:
        messages.warning(request, text)


def save_photo_formset(request, formset) -> None:
    """Save an inline photo formset: each new photo's file is stored through the service."""
    forms_by_instance = {id(form.instance): form for form in formset.forms}
    for photo in formset.save(commit=False):
        note_written(request, forms_by_instance[id(photo)].store_upload(uploaded_by=request.user))
        place_in_gallery(photo)
        photo.save()
        _warn_of_metadata(request, photo)
    for photo in formset.deleted_objects:  # none while can_delete is off; a withdrawal if it is turned on
        withdraw_photo(photo=photo, reason=PhotoAdmin.WITHDRAWAL_REASON, withdrawn_by=request.user)
    formset.save_m2m()


@admin.register(Photo)
class PhotoAdmin(RedactionMixin, RemovesWrittenFiles, HistoryAdmin):
    form = PhotoForm
    list_display = [
        "thumbnail_preview",
        "caption",
        "artifact",
        "access_level",
        "is_illustration",
        "shows_personal_data",
        "graphic_content",
        "image_format",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail_preview", "caption"]
    list_filter = ["access_level", "is_illustration", "shows_personal_data", "graphic_content", "image_format"]
    list_select_related = ["artifact"]
    search_fields = ["caption", "credit", "artifact__accession_number", "artifact__title", "=sha256"]
    search_help_text = _("Caption, credit, accession number or title of the artifact, or a file's full SHA-256.")
    autocomplete_fields = ["artifact", "redacted_from"]
    ordering = ["artifact__accession_number", "position", "pk"]
    add_fieldsets = [
        (None, {"fields": ["artifact", "original"]}),
        (_("Description"), {"fields": ["caption", "credit", "date_taken", "position"]}),
        (
            _("Access"),
            {"fields": ["access_level", "is_illustration", "shows_personal_data", "graphic_content", "redacted_from"]},
        ),
    ]
    change_fieldsets = [
        (None, {"fields": ["image", "artifact", "original"]}),
        (_("Description"), {"fields": ["caption", "credit", "date_taken", "position"]}),
        (
            _("Access"),
            {"fields": ["access_level", "is_illustration", "shows_personal_data", "graphic_content", "redacted_from"]},
        ),
        (
            _("Stored file"),
            {
                "fields": [
                    "sha256",
                    "file_summary",
                    "files",
                    "uploaded_by",
                    "uploaded_at",
                    "exif_pretty",
                ]
            },
        ),
    ]
    # The artifact, file and digest are fixed at ingest (the log's leaf names them).
    change_readonly_fields = [
        "copies",
        "exif_withheld",
        "image",
        "artifact",
        "sha256",
        "file_summary",
        "files",
        "uploaded_by",
        "uploaded_at",
        "exif_pretty",
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if takes_originals(request.user):
            return self.change_fieldsets
        # Without the permission: the copies, and no word of what the original's metadata holds.
        swap = {"files": "copies", "exif_pretty": "exif_withheld"}
        return [(name, {"fields": [swap.get(f, f) for f in opts["fields"]]}) for name, opts in self.change_fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return self.change_readonly_fields if obj is not None else []

    def get_inlines(self, request, obj):
        # Regions are marked on a stored image: there is none to mark until the photo is saved.
        return [PhotoAnnotationInline] if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is PhotoAnnotationInline.model:
            save_annotation_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def revert_disabled(self, request, obj=None):
        # A photo's stored file and its technical fields never change; there is nothing to revert to.
        return True

    @admin.display(description=_("preview"))
    def thumbnail_preview(self, photo):
        return photo_preview(photo, box=80, compact=True)

    @admin.display(description=_("image"))
    def image(self, photo):
        graphic = photo.graphic_content or photo.artifact.graphic_content
        warning = format_html("{} ", gettext("Graphic content.")) if graphic else ""
        return format_html(
            '{}<a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a>{}',
            warning,
            photo.get_media_url("display"),
            photo.get_media_url("thumbnail"),
            photo.alt_text,
            photo.thumbnail_width,
            photo.thumbnail_height,
            format_html("<br><small>{}</small>", photo.notice) if photo.is_illustration else "",
        )

    @admin.display(description=_("original"))
    def file_summary(self, photo):
        return format_html(
            ngettext(
                "{format} · {width} × {height} px · {size} ({bytes} byte)",
                "{format} · {width} × {height} px · {size} ({bytes} bytes)",
                photo.byte_size or 0,
            ),
            format=photo.image_format,
            width=photo.width,
            height=photo.height,
            size=filesizeformat(photo.byte_size),
            bytes=f"{photo.byte_size:,}",
        )

    def _copy_links(self, photo):
        return format_html(
            gettext(
                '<a href="{display_url}">display copy</a> {display_width} × {display_height} · '
                '<a href="{thumbnail_url}">thumbnail</a> {thumbnail_width} × {thumbnail_height} '
                "(copies carry no metadata)"
            ),
            display_url=photo.get_media_url("display"),
            display_width=photo.display_width,
            display_height=photo.display_height,
            thumbnail_url=photo.get_media_url("thumbnail"),
            thumbnail_width=photo.thumbnail_width,
            thumbnail_height=photo.thumbnail_height,
        )

    @admin.display(description=_("files"))
    def files(self, photo):
        return format_html(
            gettext('<a href="{url}">original</a> (with its metadata) · {copies}'),
            url=photo.get_media_url("original"),
            copies=self._copy_links(photo),
        )

    @admin.display(description=_("files"))
    def copies(self, photo):
        note = gettext("the original is for staff with the “view original files” permission")
        return format_html("{}; {}", self._copy_links(photo), note)

    @admin.display(description=_("EXIF of the original"))
    def exif_withheld(self, photo):
        return gettext("Withheld: shown only to staff with the “view original files” permission.")

    @admin.display(description=_("EXIF of the original"))
    def exif_pretty(self, photo):
        found = exif_privacy.findings(photo.exif)
        if found:
            return format_html(
                '<p class="errornote">{}</p><pre>{}</pre>',
                gettext("Locates or identifies: %(found)s. Only staff allowed to take originals see it.")
                % {"found": "; ".join(found)},
                json.dumps(photo.exif, indent=2, ensure_ascii=False, sort_keys=True),
            )
        if not photo.exif:
            return gettext("None recorded.")
        return format_html("<pre>{}</pre>", json.dumps(photo.exif, indent=2, ensure_ascii=False, sort_keys=True))

    def save_model(self, request, obj, form, change):
        note_written(request, form.store_upload(uploaded_by=request.user))
        place_in_gallery(obj)
        super().save_model(request, obj, form, change)
        if not change:
            _warn_of_metadata(request, obj)

    # Deleting evidence is a withdrawal on the record: the log keeps a leaf saying which
    # file went, who removed it and when (the database refuses a deletion without one).
    WITHDRAWAL_REASON = "Deleted through the admin."

    def delete_model(self, request, obj):
        withdraw_photo(photo=obj, reason=self.WITHDRAWAL_REASON, withdrawn_by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for photo in queryset:
                withdraw_photo(photo=photo, reason=self.WITHDRAWAL_REASON, withdrawn_by=request.user)
