"""Pieces shared by the archive's admin pages: edit history, file clean-up, image previews."""

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from artifacts import held_uploads, services

EMPTY = "—"


def _key_or_none(target, value, using):
    """`value` as a key of `target` that a lookup can take, or None: not a key at all, or
    past the column's range (where SQLite's driver raises OverflowError)."""
    try:
        key = target.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return None
    try:
        low, high = connections[using or DEFAULT_DB_ALIAS].ops.integer_field_range(target.get_internal_type())
    except KeyError:
        return key
    if isinstance(key, int) and ((low is not None and key < low) or (high is not None and key > high)):
        return None
    return key


class _ValidChoicesOnly:
    """Django's autocomplete widgets look up whatever was posted to render the chosen
    option again, so a form re-displayed with "abc" or " " in a foreign key answered 500
    (ValueError: Field 'id' expected a number). Values that cannot be a key are left out:
    the field's own error already says the choice is not valid."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        usable = [item for item in value if _key_or_none(target, item, self.db) is not None]
        return super().optgroups(name, usable, attr)


class AutocompleteSelect(_ValidChoicesOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ValidChoicesOnly, widgets.AutocompleteSelectMultiple):
    pass


class KeysInRangeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django checks a posted list of keys with one "in" lookup, which a number past the
    column's range breaks on SQLite (OverflowError, a 500): such a number is refused as
    the invalid choice it is."""

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            target = self.queryset.model._meta.get_field(self.to_field_name or self.queryset.model._meta.pk.name)
            for item in value:
                if _key_or_none(target, item, self.queryset.db) is None and str(item).strip().lstrip("+-").isdigit():
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super()._check_values(value)


class SafeAutocomplete:
    """ModelAdmin or inline mixin: relation fields that answer any posted value with a
    field error, never a 500."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _swap_widget(formfield, db_field, AutocompleteSelect)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeysInRangeMultipleChoiceField)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _swap_widget(formfield, db_field, AutocompleteSelectMultiple)


def _swap_widget(formfield, db_field, safe):
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, widgets.AutocompleteMixin) and not isinstance(widget, _ValidChoicesOnly):
        formfield.widget = safe(
            db_field, widget.admin_site, attrs=widget.attrs, choices=widget.choices, using=widget.db
        )
        formfield.widget.is_required = widget.is_required
    return formfield


class HistoryAdmin(SafeAutocomplete, SimpleHistoryAdmin):
    """Edit history for staff, leaving out fields the archive rewrites by itself."""

    history_excluded_fields = ("updated_at",)
    object_history_list_template = "admin/artifacts/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As SimpleHistoryAdmin does it, minus the derived fields: otherwise every entry
        # would list the whole rebuilt search text as a change.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=self.history_excluded_fields, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class RemovesWrittenFiles(SafeAutocomplete):
    """ModelAdmin mixin: files stored while a form is saved are deleted again if the save
    fails, so a failed request leaves neither rows (the transaction rolls back) nor files.

    Uploads also survive a form that fails elsewhere: shown again with its errors, the
    page holds each valid new file (held_uploads) and carries its token; once a record is
    saved, the held files its form posted are released (moved into the record by then,
    or dropped by the curator)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request.archive_written_files = []
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except BaseException:
            services.remove_files(request.archive_written_files)
            raise
        if request.method == "POST":
            context = getattr(response, "context_data", None) or {}
            if "adminform" in context:
                _hold_uploads(context)
            elif response.status_code < 400:
                # Saved, and committed: ModelAdmin.changeform_view's transaction has ended.
                held_uploads.release(held_uploads.posted_tokens(request.POST))
        return response


def _hold_uploads(context) -> None:
    held_uploads.hold_form_files(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        for form in inline.formset.forms:
            held_uploads.hold_form_files(form)


def note_written(request, names: list[str]) -> None:
    request.archive_written_files.extend(names)


def _fit(width: int, height: int, box: int) -> tuple[int, int]:
    scale = min(1.0, box / max(width or 1, height or 1))
    return max(1, round((width or box) * scale)), max(1, round((height or box) * scale))


def photo_preview(photo, *, box: int = 160, hide_graphic: bool = True, compact: bool = False) -> str:
    """An <img> of the metadata-free thumbnail, sized by attributes (the CSP allows no
    inline style), with the illustration notice and a graphic-content guard. `compact`
    (for list rows) prints a short label under an illustration and keeps the full notice
    in its alt text and tooltip."""
    if photo is None or photo.pk is None or not photo.thumbnail:
        return EMPTY
    if hide_graphic and (photo.graphic_content or photo.artifact.graphic_content):
        return format_html(
            '<a href="{}">{}</a>',
            photo.get_media_url("display"),
            gettext("Graphic content: image hidden here. Open it"),
        )
    width, height = _fit(photo.thumbnail_width, photo.thumbnail_height, box)
    image = format_html(
        '<img src="{}" alt="{}" title="{}" width="{}" height="{}" loading="lazy">',
        photo.get_media_url("thumbnail"),
        photo.alt_text,
        photo.notice or photo.caption,
        width,
        height,
    )
    if photo.is_illustration:
        label = gettext("Illustration, not a photo") if compact else photo.notice
        return format_html("{}<br><small>{}</small>", image, label)
    return image
