"""What a researcher can narrow the catalog down by. Every value lives in the URL (a GET
form), so any view of the catalog can be bookmarked, cited and shared.

The FilterSet only filters; sorting and paging belong to the view. A value that does not
validate is reported on the page by the form's errors and left out of the query; the
other filters still apply, so a typo in one field never costs the researcher the rest.
"""

import calendar
import datetime
import re

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from artifacts import search
from artifacts.authorities.services import ARTIFACT_PATHS
from artifacts.choices import ArtifactType, VerificationStatus

MAX_FREE_VALUES = 20
MAX_FREE_VALUE_LENGTH = 200

# Sort keys as they appear in the URL → (label for the sentence, ORDER BY).
# "relevance" orders by the search rank (see order_for); ties, and the records of a
# search that ranks nothing (only exclusions), follow accession order.
# The labels end the sentence above the results (“…, sorted by accession number.”).
SORTS = {
    "relevance": (pgettext_lazy("catalog sentence: sorted by …", "relevance"), ("accession_number",)),
    "accession": (pgettext_lazy("catalog sentence: sorted by …", "accession number"), ("accession_number",)),
    "recovered": (
        pgettext_lazy("catalog sentence: sorted by …", "recovery date, earliest first"),
        (F("recovered_earliest").asc(nulls_last=True), F("recovered_latest").asc(nulls_last=True), "accession_number"),
    ),
    "added": (pgettext_lazy("catalog sentence: sorted by …", "date added, newest first"), ("-created_at", "-pk")),
}
SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("accession", _("Accession number")),
    ("recovered", _("Recovery date")),
    ("added", _("Recently added")),
]
PHOTO_CHOICES = [("yes", _("With photos")), ("no", _("Without photos"))]
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """“2024” → the whole year, “2024-12” → the month, “2024-12-05” → that day."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) if g else None for g in match.groups())
    if year < 1 or (month is not None and not 1 <= month <= 12):
        raise ValueError(text)
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return datetime.date(year, month, 1), datetime.date(year, month, last)
    date = datetime.date(year, month, day)  # ValueError for 2025-02-30
    return date, date


class PeriodField(forms.CharField):
    """A year, month or day typed as text; cleans to the (first, last) day it covers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": _("e.g. 2024 or 2024-12-31"), "size": 12, "inputmode": "numeric"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_period(value)
        except ValueError:
            raise forms.ValidationError(
                gettext("“%(value)s” is not a date: give a year (2024), a month (2024-12) or a day (2024-12-31)."),
                params={"value": value},
                code="invalid_period",
            ) from None


class FreeValuesField(forms.MultipleChoiceField):
    """Any short strings, for facets whose values come from the records (places, units).
    There is no fixed list to validate against: an unknown place simply matches nothing,
    and listing the known ones here could reveal values from records the viewer may not see."""

    def valid_value(self, value):
        return True

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_FREE_VALUES:
            raise forms.ValidationError(
                ngettext("Choose at most %(limit)d value.", "Choose at most %(limit)d values.", MAX_FREE_VALUES),
                params={"limit": MAX_FREE_VALUES},
                code="too_many",
            )
        if any(len(v) > MAX_FREE_VALUE_LENGTH for v in value):
            raise forms.ValidationError(gettext("That value is too long to be a place or unit name."), code="too_long")
        if any("\x00" in v for v in value):
            # No name holds one, and PostgreSQL refuses a NUL in a query parameter.
            raise forms.ValidationError(gettext("Null characters are not allowed."), code="null_characters_not_allowed")


class FreeValuesFilter(django_filters.MultipleChoiceFilter):
    field_class = FreeValuesField


def authority_number(value) -> int | None:
    """The authority a facet value names by its number ("12"), or None for a wording.
    ASCII digits only: "١٢" is a wording, not the number 12."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


@extend_schema_field(OpenApiTypes.STR)
class AuthorityFilter(FreeValuesFilter):
    """Places and organisations: a value is an authority's number (an authority includes
    those below it, so a region includes its settlements), or, as in links made before
    authorities, the wording exactly as recorded. Several values: any of them."""

    def __init__(self, *, model_name: str, paths: tuple[str, ...], wording: str | None, **kwargs):
        self.model_name, self.paths, self.wording = model_name, paths, wording
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        from django.apps import apps
        from django.db.models import Q

        from artifacts.authorities.services import tree, with_descendants

        model = apps.get_model("artifacts", self.model_name)
        ids, words, children = set(), [], None
        for item in value:
            number = authority_number(item)
            if number is not None:
                children = tree(model) if children is None else children  # read once, if at all
                ids |= with_descendants(model, number, children)
            else:
                words.append(item)
        condition = Q()
        for path in self.paths:
            if ids:
                condition |= Q(**{f"{path}__in": ids})
        if words and self.wording:
            condition |= Q(**{f"{self.wording}__in": words})
        if not condition:
            return queryset.none()
        if any("__" in path for path in self.paths):
            # Through a many-valued relation: a subquery keeps each artifact once.
            return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
        return queryset.filter(condition)


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


class CatalogForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("recovered_from"), data.get("recovered_to")
        if start and end and start[0] > end[1]:
            self.add_error("recovered_to", gettext("The end of the recovery period is before its start."))
        return data


def _in(queryset, name, value):
    return queryset.filter(**{f"{name}__in": value}) if value else queryset


class ArtifactFilter(django_filters.FilterSet):
    """Filters over a queryset the view has already limited with visible_to(user) and
    annotated with with_photo_flags(user)."""

    q = django_filters.CharFilter(
        label=pgettext_lazy("catalog filter", "Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words, phrases in quotes, serial numbers")}),
    )
    type = django_filters.MultipleChoiceFilter(
        label=_("Type"),
        field_name="artifact_type",
        choices=ArtifactType.choices,
        method=_in,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a type of artifact in this archive.")},
    )
    verification = django_filters.MultipleChoiceFilter(
        label=_("Verification"),
        field_name="verification_status",
        choices=VerificationStatus.choices,
        method=_in,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a verification status.")},
    )
    place = AuthorityFilter(
        label=_("Place of recovery"), model_name="Place", paths=("place",), wording="recovery_place"
    )
    unit = AuthorityFilter(
        label=_("Recovered by"), model_name="Organisation", paths=("recovered_by",), wording="recovering_unit"
    )
    # Every artifact an organisation is linked to, in any role: recovered, held, issued
    # its ID, or published a source on it. Not a facet: organisation pages use it.
    organisation = AuthorityFilter(
        label=_("Organisation"),
        model_name="Organisation",
        paths=ARTIFACT_PATHS["Organisation"],
        wording=None,
    )
    recovered_from = PeriodFilter(label=_("Recovered from"), method="filter_recovered_from")
    recovered_to = PeriodFilter(label=_("Recovered to"), method="filter_recovered_to")
    photos = django_filters.ChoiceFilter(
        label=_("Photos"),
        choices=PHOTO_CHOICES,
        empty_label=pgettext_lazy("facet option: no restriction", "Any"),
        method="filter_photos",
        error_messages={"invalid_choice": _("“%(value)s” is not a photo option: use yes or no.")},
    )

    class Meta:
        form = CatalogForm
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    # Recovery dates are ranges (a record may say only “December 2024 – January 2025”),
    # so a record matches when the period it may have been recovered in overlaps the
    # period asked for. Records with no recovery date cannot be placed, so a date
    # filter leaves them out.
    def filter_recovered_from(self, queryset, name, value):
        return queryset.filter(recovered_latest__gte=value[0]) if value else queryset

    def filter_recovered_to(self, queryset, name, value):
        return queryset.filter(recovered_earliest__lte=value[1]) if value else queryset

    def filter_photos(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(has_photos=True)
        if value == "no":
            return queryset.filter(has_photos=False)
        return queryset

    def queryset_without(self, *names):
        """The queryset with every valid filter applied except `names`: the basis of a
        facet's counts, which by the usual convention ignore the facet's own selection
        (so ticking “Weapon” still shows how many booklets there are)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def catalog_filter(data, queryset) -> ArtifactFilter:
    """A bound FilterSet whose form has been validated (errors are on `.form.errors`)."""
    filterset = ArtifactFilter(data, queryset=queryset)
    filterset.form.is_valid()
    return filterset


def order_for(sort: str, query: str) -> tuple[str, tuple]:
    """The effective sort key and its ORDER BY. Relevance only means something with a
    query; without one the catalog falls back to accession order."""
    if sort not in SORTS or (sort == "relevance" and not query):
        sort = "relevance" if query else "accession"
    if sort == "relevance":
        # Expressions rather than annotations, so any queryset can be ordered by them.
        return sort, tuple(search.rank_ordering(query))
    return sort, SORTS[sort][1]


def text_search_query(filterset) -> str:
    return (filterset.form.cleaned_data.get("q") or "").strip()
