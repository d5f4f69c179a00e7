"""Rectangles on an image, entered as numbers: the form behind the region editor.

Each region is left, top, width and height in percent of the image (what a person can
read off and type), and leaves the form as fractions, the archive's unit for regions
(Photo.redaction_boxes, PhotoAnnotation's x, y, width, height). The formset renders
through templates/admin/artifacts/region_editor.html, which works as plain numeric fields
without JavaScript; static/js/region-editor.js adds drawing with a mouse, a finger or
the keyboard over the same fields.
"""

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from artifacts.redaction.pixels import MAX_BOXES

HUNDREDTH = Decimal("0.01")


def _percent_field(label, help_text, minimum):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=minimum,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class RegionForm(forms.Form):
    left = _percent_field(_("left (%)"), _("From the image's left edge."), 0)
    top = _percent_field(_("top (%)"), _("From the image's top edge."), 0)
    width = _percent_field(_("width (%)"), _("Of the image's width."), HUNDREDTH)
    height = _percent_field(_("height (%)"), _("Of the image's height."), HUNDREDTH)

    def clean(self):
        cleaned = super().clean()
        past_right = gettext("The box runs past the right edge: left + width is %(sum)s %%, at most 100 %%.")
        past_bottom = gettext("The box runs past the bottom edge: top + height is %(sum)s %%, at most 100 %%.")
        for start, extent, message in (("left", "width", past_right), ("top", "height", past_bottom)):
            if cleaned.get(start) is not None and cleaned.get(extent) is not None:
                total = cleaned[start] + cleaned[extent]
                if total > 100:
                    self.add_error(extent, message % {"sum": total})
        return cleaned

    def as_fractions(self) -> tuple[float, float, float, float]:
        data = self.cleaned_data
        return tuple(float(data[name]) / 100 for name in ("left", "top", "width", "height"))


def as_percent(box) -> dict:
    """Initial data for a region from fractions, rounded outward to a hundredth of a
    percent so that the box never shrinks (a suggested face stays covered)."""
    left, top, width, height = box
    x0 = (Decimal(repr(left * 100))).quantize(HUNDREDTH, ROUND_FLOOR)
    y0 = (Decimal(repr(top * 100))).quantize(HUNDREDTH, ROUND_FLOOR)
    x1 = min(Decimal(100), Decimal(repr((left + width) * 100)).quantize(HUNDREDTH, ROUND_CEILING))
    y1 = min(Decimal(100), Decimal(repr((top + height) * 100)).quantize(HUNDREDTH, ROUND_CEILING))
    return {"left": x0, "top": y0, "width": max(HUNDREDTH, x1 - x0), "height": max(HUNDREDTH, y1 - y0)}


class BaseRegionFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "At most %(num)d box can be drawn.", "At most %(num)d boxes can be drawn.", "num"
        ),
        "too_few_forms": ngettext_lazy(
            "Draw at least %(num)d box over what must be hidden.",
            "Draw at least %(num)d boxes over what must be hidden.",
            "num",
        ),
    }

    def regions(self) -> list[tuple[float, float, float, float]]:
        """The boxes entered, as fractions, in the order of the form (a valid formset only)."""
        return [form.as_fractions() for form in self._live_forms() if form.is_valid()]

    def _live_forms(self):
        """The forms holding a box: filled in and not removed (validated on the way)."""
        live = []
        if not self.is_bound:
            return live
        for form in self.forms:
            form.errors  # noqa: B018  (cleans the form: whether it is removed is in its cleaned data)
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form)):
                live.append(form)
        return live

    required = True

    def clean(self):
        if any(self.errors):
            return
        # Counted here, not by Django's min_num and validate_max, which count blank and
        # half-filled forms too: only the boxes actually drawn matter.
        live = len(self._live_forms())
        if self.required and not live:
            raise forms.ValidationError(self.error_messages["too_few_forms"] % {"num": 1}, code="too_few_forms")
        if live > MAX_BOXES:
            raise forms.ValidationError(
                self.error_messages["too_many_forms"] % {"num": MAX_BOXES}, code="too_many_forms"
            )

    def drawn(self) -> list[dict]:
        """What the editor draws over the image without JavaScript (see drawn_shapes)."""
        return drawn_shapes(self)


FIELDS = ("left", "top", "width", "height")


def drawn_shapes(formset, fields=FIELDS) -> list[dict]:
    """The boxes of a formset as the editor's SVG draws them without JavaScript: each form
    not ticked for removal whose four numbers (`fields`: the names of its left, top, width
    and height, in percent as the form shows them) read as numbers, as SVG coordinates
    (percent; "." decimals). The form's own values, posted or initial, so that a form shown
    again with an error draws what was typed."""
    shapes = []
    for index, form in enumerate(formset.forms):
        if formset.can_delete and form.is_bound and form["DELETE"].value():
            continue
        values = []
        for name in fields:
            raw = form[name].value()
            try:
                number = float(str(raw).replace(",", "."))
            except (TypeError, ValueError):
                break
            if not math.isfinite(number):
                break
            values.append(min(100.0, max(0.0, number)))
        else:
            if values[2] > 0 and values[3] > 0:
                shapes.append({"index": index, **{k: f"{v:.2f}" for k, v in zip(FIELDS, values, strict=True)}})
    return shapes


def region_formset(*, data=None, boxes=(), prefix="region", required=True):
    """A formset over `boxes` (fractions), bound to `data` when given, with a blank form
    for one more box. `required`: at least one box must be drawn (a redaction)."""
    factory = forms.formset_factory(
        RegionForm,
        formset=BaseRegionFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_BOXES,
        # A page may post a few more forms than boxes (blank or removed ones); beyond this
        # Django refuses the whole formset before building a form for each.
        absolute_max=2 * MAX_BOXES,
    )
    factory.required = required
    if data is not None:
        return factory(data, prefix=prefix)
    return factory(initial=[as_percent(box) for box in boxes], prefix=prefix)
