"""Pieces shared by the archive's admin pages: edit history, file clean-up, image previews."""

from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from artifacts import services

EMPTY = "—"


class HistoryAdmin(SimpleHistoryAdmin):
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


class RemovesWrittenFiles:
    """ModelAdmin mixin: files stored while a form is saved are deleted again if the save
    fails, so a failed request leaves neither rows (the transaction rolls back) nor files."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request.archive_written_files = []
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except BaseException:
            services.remove_files(request.archive_written_files)
            raise


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
            '<a href="{}">Graphic content: image hidden here. Open it</a>', photo.get_media_url("display")
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
        return format_html("{}<br><small>{}</small>", image, "Illustration, not a photo" if compact else photo.notice)
    return image
