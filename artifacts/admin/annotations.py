"""Transcribed regions: marked on a photo's own admin page, each a box given in per cent of
the image with what is written inside it (see artifacts.annotations).

The box is four numbers, so it can be entered with the keyboard and without JavaScript;
the page shows the photo with every region drawn on it as an SVG (attributes, not inline
style, which the Content-Security-Policy refuses). Over them runs the region editor of the
redaction page (static/js/region-editor.js, artifacts.regions), with the inline's rows as
its boxes: a region is drawn on the image with the mouse, a finger or the keyboard, and
its four numbers follow. Regions may be marked on any
photo: letters, documents and booklets first, but a phrase list's lines, an ID's stamp or
a marking on gear are read region by region too.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from artifacts.admin.common import EMPTY, HistoryAdmin
from artifacts.annotations.models import PhotoAnnotation
from artifacts.regions import drawn_shapes

TOLERANCE = 1e-6  # a fraction typed as a percentage and read back is "unchanged" within this
OVERVIEW_WIDTH = 480  # px of the overview drawn on the photo's page


class PercentOfImageField(forms.FloatField):
    """A fraction of the image, entered and shown in per cent (0–100)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=100, **kwargs)
        self.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def prepare_value(self, value):
        # A stored fraction is shown as a percentage; what a curator posted is shown as typed.
        if isinstance(value, float):
            return round(value * 100, 4)
        return value

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else percent / 100

    def has_changed(self, initial, data):
        try:
            percent = self.to_python(data)
        except forms.ValidationError:
            return True
        if initial is None or percent is None:
            return (initial is None) != (percent is None)
        return abs(float(initial) - percent / 100) > TOLERANCE


class PhotoAnnotationForm(forms.ModelForm):
    x = PercentOfImageField(label=_("left (%)"), help_text=_("From the image's left edge, 0–100."))
    y = PercentOfImageField(label=_("top (%)"), help_text=_("From the image's top edge, 0–100."))
    width = PercentOfImageField(label=_("width (%)"), help_text=_("Of the image's width."))
    height = PercentOfImageField(label=_("height (%)"), help_text=_("Of the image's height."))

    class Meta:
        model = PhotoAnnotation
        fields = [
            "position",
            "label",
            "x",
            "y",
            "width",
            "height",
            "transcription",
            "original_language",
            "transliteration",
            "transliteration_script",
            "translation",
            "translation_language",
            "note",
        ]
        widgets = {
            "transcription": forms.Textarea(attrs={"rows": 3}),
            "transliteration": forms.Textarea(attrs={"rows": 2}),
            "translation": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    # A new row counts as filled in only when a box or a text is given: its language fields
    # have defaults, and a blank row left as it is must not be refused for missing numbers.
    FILLED_IN = ["label", "x", "y", "width", "height", "transcription", "transliteration", "translation", "note"]

    def has_changed(self):
        if self.instance.pk is None:
            return any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.FILLED_IN)
        return super().has_changed()


def _graphic(photo) -> bool:
    return photo.graphic_content or photo.artifact.graphic_content


# Each region: a yellow box with a dashed black one on it (seen on light and dark paper alike),
# and its number in the top left corner.
_REGION_SVG = (
    '<g class="annotation-region"><title>{}</title>'
    '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#ffd400" stroke-width="{}"></rect>'
    '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000" stroke-width="{}" '
    'stroke-dasharray="{}"></rect>'
    '<text x="{}" y="{}" font-size="{}" fill="#ffd400" stroke="#000" stroke-width="{}" '
    'paint-order="stroke" font-weight="bold">{}</text></g>'
)


def _region_args(annotation, number, width, height, stroke) -> tuple:
    box = annotation.xywh(width, height)
    thin = max(1, stroke // 2)
    label = f"{number}. {annotation}"
    return (
        label,
        *box,
        stroke,
        *box,
        thin,
        stroke * 3,
        box[0] + stroke * 2,
        box[1] + stroke * 12,
        stroke * 10,
        thin,
        number,
    )


def regions_overview(photo, annotations) -> str:
    """The display image with each region drawn and numbered, as an SVG sized by its
    viewBox: every number is an attribute, so the strict CSP has nothing to refuse."""
    if not annotations:
        return format_html("<p>{}</p>", gettext("No regions marked yet."))
    if _graphic(photo):
        return format_html(
            '<p><a href="{}">{}</a></p>',
            photo.get_media_url("display"),
            gettext("Graphic content: the image with its regions is not drawn here. Open the image"),
        )
    width, height = photo.display_width, photo.display_height
    stroke = max(2, round(width / 250))
    boxes = format_html_join(
        "", _REGION_SVG, (_region_args(a, n, width, height, stroke) for n, a in enumerate(annotations, 1))
    )
    shown_height = max(1, round(height * OVERVIEW_WIDTH / width))
    label = ngettext(
        "The photo with %(count)s transcribed region marked",
        "The photo with %(count)s transcribed regions marked",
        len(annotations),
    ) % {"count": len(annotations)}
    return format_html(
        '<svg class="annotation-overview" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        '<image href="{}" width="{}" height="{}"></image>{}</svg>',
        width,
        height,
        OVERVIEW_WIDTH,
        shown_height,
        label,
        photo.get_media_url("display"),
        width,
        height,
        boxes,
    )


FIELDSETS = [
    (None, {"fields": [("position", "label")]}),
    (_("Region (per cent of the image)"), {"fields": [("x", "y", "width", "height")]}),
    (
        _("What is written there"),
        {
            "fields": [
                ("transcription", "original_language"),
                ("transliteration", "transliteration_script"),
                ("translation", "translation_language"),
                "note",
            ]
        },
    ),
]


class AnnotationFormSet(forms.BaseInlineFormSet):
    """The photo's regions, and what the inline's template needs to draw them on the image
    with the region editor (templates/admin/artifacts/photo/annotation_inline.html)."""

    def drawn(self) -> list[dict]:
        """Each region's box as the form shows it (saved, or as posted when the page comes
        back with an error), in per cent: the editor's SVG without JavaScript."""
        return drawn_shapes(self, ("x", "y", "width", "height"))

    @cached_property
    def image(self) -> dict:
        """The display image the regions are drawn on (the fractions are the same on every size)."""
        photo = self.instance
        return {
            "url": photo.get_media_url("display"),
            "width": photo.display_width,
            "height": photo.display_height,
            "alt": photo.alt_text,
        }

    @property
    def graphic(self) -> bool:
        return _graphic(self.instance)


class PhotoAnnotationInline(admin.StackedInline):
    """The transcribed regions of one photo, in reading order, on the photo's own page."""

    model = PhotoAnnotation
    form = PhotoAnnotationForm
    formset = AnnotationFormSet
    template = "admin/artifacts/photo/annotation_inline.html"
    extra = 1  # a blank region to fill, so that one can be added without JavaScript
    ordering = ["position", "pk"]
    show_change_link = True  # the region's own page has its edit history
    verbose_name = _("transcribed region")
    verbose_name_plural = _("transcribed regions")

    fieldsets = FIELDSETS

    class Media:
        css = {"all": ["css/region-editor.css"]}
        js = ["js/region-editor.js"]


def _overlaps(box, annotation) -> bool:
    left, top, width, height = box
    return (
        annotation.x < left + width
        and left < annotation.x + annotation.width
        and annotation.y < top + height
        and top < annotation.y + annotation.height
    )


def save_annotation_formset(request, formset) -> None:
    """Save a photo's regions: each new one is marked as the curator's (created_by); the
    edit history records every change and deletion. On a redacted copy, a region over a
    covered box gets a warning: its text could give away what the copy hides."""
    annotations = formset.save(commit=False)
    for annotation in annotations:
        if annotation.pk is None:
            annotation.created_by = request.user
        annotation.save()
    for annotation in formset.deleted_objects:
        annotation.delete()
    formset.save_m2m()
    boxes = [box for box in (formset.instance.redaction_boxes or []) if len(box) == 4]
    for annotation in annotations:
        if any(_overlaps(box, annotation) for box in boxes):
            messages.warning(
                request,
                gettext(
                    "Region “%(region)s” overlaps a box covered on this redacted copy: make sure its "
                    "transcription and translation do not name what the copy hides."
                )
                % {"region": annotation},
            )


@admin.register(PhotoAnnotation)
class PhotoAnnotationAdmin(HistoryAdmin):
    """Every transcribed region, to find one and read its edit history. Regions are added on
    their photo's page, where the image is."""

    form = PhotoAnnotationForm
    list_display = ["__str__", "photo", "artifact", "short_transcription", "original_language", "created_by"]
    list_select_related = ["photo__artifact", "created_by"]
    list_filter = ["original_language", "translation_language"]
    search_fields = ["label", "transcription", "transliteration", "translation", "note", "photo__caption"]
    search_help_text = _("Label, transcription, transliteration, translation, note or the photo's caption.")
    ordering = ["photo__artifact__accession_number", "photo", "position", "pk"]
    readonly_fields = ["photo_link", "region_on_image", "created_by"]

    def has_add_permission(self, request):
        return False  # a region is marked on its photo's page, where the image is shown

    fieldsets = [
        (None, {"fields": ["photo_link", "region_on_image", "created_by", ("position", "label")]}),
        *FIELDSETS[1:],
    ]

    @admin.display(description=_("region on the image"))
    def region_on_image(self, annotation):
        return regions_overview(annotation.photo, [annotation])

    @admin.display(description=_("photo"))
    def photo_link(self, annotation):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:artifacts_photo_change", args=[annotation.photo_id]),
            annotation.photo,
        )

    @admin.display(description=_("artifact"), ordering="photo__artifact__accession_number")
    def artifact(self, annotation):
        return annotation.photo.artifact.accession_number

    @admin.display(description=_("transcription"))
    def short_transcription(self, annotation):
        text = annotation.transcription or annotation.translation or annotation.transliteration
        return (text[:80] + "…") if len(text) > 80 else (text or EMPTY)
