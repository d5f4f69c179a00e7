"""Facet counts for the catalog, and the words that say what a catalog page shows.

Counts are taken over the queryset the view built from visible_to(user), so restricted
and draft records never show up in a number. Each facet is counted with the search and
every other filter applied but not its own selection (the usual faceting convention:
ticking “Weapon” must not make the other types look empty, since they are alternatives
the researcher can add). Facets without a selection of their own all count the page's
results, so one query reads those rows for all of them; a facet with a selection gets one
GROUP BY query of its own. Either way at most paging.EXACT_UP_TO + 1 records are read,
whatever the size of the archive (see Sample).
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from artifacts import paging
from artifacts.caching import remember
from artifacts.choices import ArtifactType, VerificationStatus
from artifacts.filters import PHOTO_CHOICES, authority_number

# Free-text facets (places, units) can have many values; the long tail is reachable by
# search, and a selected value is always listed so it can be unticked.
FREE_FACET_LIMIT = 15
QUERY_SHOWN = 120  # a pasted page of text is still searched, but not repeated in full


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    approximate: bool = False  # counted on a sample of a large result (see Sample)

    @property
    def count_label(self) -> str:
        count = number_format(self.count, force_grouping=True)
        return f"~{count}" if self.approximate else count


@dataclass
class Facet:
    param: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    hidden: int = 0  # values left out of a long list
    single: bool = False  # one choice at a time (radio buttons)

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


# (URL parameter, model field or annotation, heading, fixed vocabulary or the authority
# model whose records are the values)
FACETS = [
    ("type", "artifact_type", _("Type"), ArtifactType.choices),
    ("verification", "verification_status", _("Verification"), VerificationStatus.choices),
    ("place", "place", _("Place of recovery"), "Place"),
    ("unit", "recovered_by", _("Recovered by"), "Organisation"),
]


def authority_labels(model_name: str, values) -> dict[str, str]:
    """{value: label}: an authority's number → its name in the reader's language (a merged
    one's survivor's); any other value (wording, from links made before authorities) as
    it is. Two queries for all of them, cached until the data changes."""
    values = [str(value) for value in values]
    if not values:
        return {}
    wanted = hashlib.sha256("\x1f".join(sorted(set(values))).encode()).hexdigest()[:32]
    key = f"labels:{model_name}:{get_language()}:{wanted}"
    return remember(key, lambda: _authority_labels(model_name, values))


def _authority_labels(model_name: str, values: list[str]) -> dict[str, str]:
    from django.apps import apps

    model = apps.get_model("artifacts", model_name)
    numbers = {authority_number(v) for v in values} - {None}
    found = {a.pk: a for a in model.objects.filter(pk__in=numbers).prefetch_related("names", "merged_into__names")}
    labels = {}
    for value in values:
        authority = found.get(authority_number(value))
        if authority is not None and authority.merged_into_id:
            authority = authority.merged_into
        labels[value] = authority.label() if authority is not None else value
    return labels


MAX_ID = 2**63 - 1


class Sample:
    """Facet counts at a cost that does not grow with the archive.

    Each facet is counted over the first paging.EXACT_UP_TO + 1 matching records in id
    order: a LIMIT the database stops at, so a facet of a million-record result costs
    what one of ten thousand does. For the facets that share the page's filters these
    are the ids paging.count_results has read already. When the limit is not reached the counts are exact
    (the usual case for a search). When it is, they are scaled by the share of the id
    range the sample covers, which assumes matches spread evenly over the ids; a
    collection accessioned over time may drift, so such counts are marked “~”, and an
    exact count is one filter away. The newest id is read once per page, only if needed.
    """

    def __init__(self, base, total=None):
        self.base = base  # the viewer's visible artifacts, before any filter
        self.model = base.model
        self.total = total  # the page's paging.Total, if known
        self._newest = None

    def restrict(self, queryset, *, own_selection=False):
        if self.total is not None and not own_selection:
            # The facet counts the page's own results, whose first ids paging has read:
            # count those rows, without evaluating the search again.
            return self.base.filter(paging.IdIn(self.total.ids))
        # Up to the id of the (EXACT_UP_TO + 1)-th match: one scalar subquery the database
        # runs once, then a range scan on the primary key.
        cut = queryset.order_by("pk").values("pk")[paging.EXACT_UP_TO : paging.EXACT_UP_TO + 1]
        return queryset.filter(pk__lte=Coalesce(Subquery(cut), Value(MAX_ID)))

    def scale(self, sampled: int, first, last) -> float | None:
        """None when the `sampled` rows are all there are; else the factor to scale by."""
        if sampled <= paging.EXACT_UP_TO or first is None:
            return None
        if self._newest is None:
            # The newest record this viewer may see: drafts and restricted records beyond
            # it would stretch the range and inflate every count.
            self._newest = self.base.order_by("-pk").values_list("pk", flat=True).first() or last
        return (max(self._newest, last) - first + 1) / (last - first + 1)


def _counts(sample: Sample, queryset, field_name, own_selection: bool) -> tuple[dict, bool]:
    rows = list(
        sample.restrict(queryset, own_selection=own_selection)
        .order_by()
        .values(field_name)
        .annotate(n=Count("pk"), first=Min("pk"), last=Max("pk"))
    )
    counts = {row[field_name]: row["n"] for row in rows}
    first = min((row["first"] for row in rows), default=None)
    last = max((row["last"] for row in rows), default=None)
    factor = sample.scale(sum(counts.values()), first, last)
    if factor is None:
        return counts, False
    return {value: round(n * factor) for value, n in counts.items()}, True


def _vocabulary_facet(param, label, choices, counts, chosen, approximate) -> Facet:
    # Fixed vocabularies keep their own order, so a value stays where the eye expects it.
    values = [
        FacetValue(value, text, counts.get(value, 0), value in chosen, approximate)
        for value, text in choices
        if counts.get(value) or value in chosen
    ]
    return Facet(param, label, values)


def _authority_facet(param, label, model_name, counts, chosen, approximate) -> Facet:
    """Counted by authority, so every spelling of one place is one value, labelled in the
    reader's language; the most frequent first, a selected value always listed."""
    counts = {str(v): n for v, n in counts.items() if v is not None}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], int(item[0])))  # stable: ties by number
    shown = ranked[:FREE_FACET_LIMIT]
    shown_values = {v for v, _ in shown}
    shown += [(v, counts.get(v, 0)) for v in chosen if v not in shown_values]
    labels = authority_labels(model_name, [v for v, _ in shown])
    values = [FacetValue(v, labels[v], n, v in chosen, approximate) for v, n in shown]
    values.sort(key=lambda item: (-item.count, item.label.casefold()))
    return Facet(param, label, values, hidden=max(0, len(ranked) - FREE_FACET_LIMIT))


def _shared_counts(sample: Sample, fields: list[str]) -> dict[str, tuple[dict, bool]]:
    """Counts for every facet without a selection of its own, in one query: those facets
    all count the same rows (the page's results, whose first ids paging has read), so the
    rows are read once and counted here rather than grouped once per facet."""
    rows = list(sample.base.filter(paging.IdIn(sample.total.ids)).order_by().values_list("pk", *fields))
    factor = sample.scale(len(rows), min((r[0] for r in rows), default=None), max((r[0] for r in rows), default=None))
    counted = {}
    for position, field_name in enumerate(fields, start=1):
        counts = Counter(row[position] for row in rows)
        if factor is not None:
            counts = {value: round(n * factor) for value, n in counts.items()}
        counted[field_name] = (dict(counts), factor is not None)
    return counted


def _photo_counts(sample: Sample, filterset, own_selection: bool) -> tuple[dict, bool]:
    # A conditional count rather than GROUP BY on the EXISTS annotation: the same single
    # query, in a form every database backend handles the same way.
    counts = (
        sample.restrict(filterset.queryset_without("photos"), own_selection=own_selection)
        .order_by()
        .aggregate(
            with_photos=Count("pk", filter=Q(has_photos=True)), total=Count("pk"), first=Min("pk"), last=Max("pk")
        )
    )
    factor = sample.scale(counts["total"], counts["first"], counts["last"])
    with_photos = round(counts["with_photos"] * (factor or 1))
    return {True: with_photos, False: round(counts["total"] * (factor or 1)) - with_photos}, factor is not None


def build_facets(filterset, data, total=None) -> list[Facet]:
    """All facets for a validated ArtifactFilter; `data` is the request's GET, `total` the
    paging.Total of the results if the caller has counted them."""
    facets = []
    sample = Sample(filterset.queryset, total)
    selected = {name for name, value in filterset.form.cleaned_data.items() if value}
    shared = {}
    if total is not None:
        own = [field_name for param, field_name, _label, _choices in FACETS if param not in selected]
        shared = _shared_counts(sample, own + ([] if "photos" in selected else ["has_photos"]))
    for param, field_name, label, choices in FACETS:
        own_selection = param in selected
        if field_name in shared:
            counts, approximate = shared[field_name]
        else:
            counts, approximate = _counts(sample, filterset.queryset_without(param), field_name, own_selection)
        chosen = set(data.getlist(param))
        if isinstance(choices, str):
            facets.append(_authority_facet(param, label, choices, counts, chosen, approximate))
        else:
            facets.append(_vocabulary_facet(param, label, choices, counts, chosen, approximate))
    if "has_photos" in shared:
        by_flag, approximate = shared["has_photos"]
        counts = {True: by_flag.get(True, 0), False: by_flag.get(False, 0)}
    else:
        counts, approximate = _photo_counts(sample, filterset, "photos" in selected)
    chosen = data.get("photos", "")
    photos = Facet("photos", gettext("Photos"), single=True)
    photos.values = [
        FacetValue(value, text, counts[value == "yes"], value == chosen, approximate) for value, text in PHOTO_CHOICES
    ]
    facets.append(photos)
    return facets


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def _or(values) -> str:
    """“a, b or c”, in the reader's language (Django's own catalog has the comma and “or”)."""
    return get_text_list([str(value) for value in values])


def _quoted(values) -> list[str]:
    return [gettext("“%(value)s”") % {"value": v} for v in values]


def describe(count, cleaned: dict, data, sort_label: str, scope: str | None = None) -> str:
    """One sentence saying how many artifacts match what, and in which order, e.g.
    “12 artifacts match “surrender”, of type Phrase list, sorted by accession number.”
    `count` is a number or a paging.Total (“about 12,300 artifacts match …”).

    Each part is translated whole (the subject, each criterion, the frame that joins them),
    so a language can reorder them; the verb agrees with the count through ngettext."""
    label = getattr(count, "label", None)
    count = int(count)
    if count:
        number = label or number_format(count, force_grouping=True)
        subject = ngettext("%(count)s artifact", "%(count)s artifacts", count) % {"count": number}
    else:
        subject = gettext("No artifacts")
    clauses = [scope] if scope else []  # an authority's page: “recovered in “Kursk region””
    query = (cleaned.get("q") or "").strip()
    if query:
        shown = query if len(query) <= QUERY_SHOWN else query[:QUERY_SHOWN] + "…"
        clauses.append(ngettext("matches “%(query)s”", "match “%(query)s”", count) % {"query": shown})
    labels = dict(ArtifactType.choices)
    if cleaned.get("type"):
        clauses.append(gettext("of type %(types)s") % {"types": _or(labels[v] for v in cleaned["type"])})
    labels = dict(VerificationStatus.choices)
    if cleaned.get("verification"):
        statuses = _or(labels[v] for v in cleaned["verification"])
        clauses.append(gettext("with verification status %(statuses)s") % {"statuses": statuses})
    if cleaned.get("place"):
        places = authority_labels("Place", cleaned["place"]).values()
        clauses.append(gettext("recovered in %(places)s") % {"places": _or(_quoted(places))})
    if cleaned.get("unit"):
        units = authority_labels("Organisation", cleaned["unit"]).values()
        clauses.append(gettext("recovered by %(units)s") % {"units": _or(_quoted(units))})
    if cleaned.get("organisation"):
        bodies = authority_labels("Organisation", cleaned["organisation"]).values()
        clauses.append(gettext("linked to %(organisations)s") % {"organisations": _or(_quoted(bodies))})
    start = cleaned.get("recovered_from") and data.get("recovered_from", "").strip()
    end = cleaned.get("recovered_to") and data.get("recovered_to", "").strip()
    if start and end:
        clauses.append(gettext("possibly recovered between %(start)s and %(end)s") % {"start": start, "end": end})
    elif start:
        clauses.append(gettext("possibly recovered in or after %(start)s") % {"start": start})
    elif end:
        clauses.append(gettext("possibly recovered in or before %(end)s") % {"end": end})
    if cleaned.get("photos"):
        clauses.append(gettext("with photos") if cleaned["photos"] == "yes" else gettext("without photos"))
    if not clauses:
        clauses.append(gettext("in the archive"))
    sentence = gettext("%(subject)s %(criteria)s, sorted by %(sort)s.") % {
        "subject": subject,
        "criteria": ", ".join(clauses),
        "sort": sort_label,
    }
    # An estimate begins the sentence with “about”: capitalised, as any sentence is.
    return sentence[:1].upper() + sentence[1:]


def _url_without(data, param, value=None) -> str:
    query = data.copy()
    if value is None:
        query.pop(param, None)
    else:
        query.setlist(param, [v for v in query.getlist(param) if v != value])
    query.pop("page", None)  # the result set changes, so page 7 may not exist any more
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _label_value(label, value) -> str:
    return pgettext("a label and its value", "%(label)s: %(value)s") % {"label": label, "value": value}


def active_filters(cleaned: dict, data) -> list[ActiveFilter]:
    """Each applied criterion with a link that removes just that one."""
    active = []
    if (cleaned.get("q") or "").strip():
        search = gettext("Search: “%(query)s”") % {"query": cleaned["q"].strip()}
        active.append(ActiveFilter(search, _url_without(data, "q")))
    for param, _field, label, choices in FACETS:
        values = cleaned.get(param) or []
        names = authority_labels(choices, values) if isinstance(choices, str) else dict(choices or [])
        for value in values:
            text = _label_value(label, names.get(value, value))
            active.append(ActiveFilter(text, _url_without(data, param, value)))
    organisations = cleaned.get("organisation") or []
    for value, name in authority_labels("Organisation", organisations).items():
        text = _label_value(gettext("Organisation"), name)
        active.append(ActiveFilter(text, _url_without(data, "organisation", value)))
    for param, label in (("recovered_from", gettext("Recovered from")), ("recovered_to", gettext("Recovered to"))):
        if cleaned.get(param):
            active.append(ActiveFilter(_label_value(label, data.get(param, "").strip()), _url_without(data, param)))
    if cleaned.get("photos"):
        active.append(ActiveFilter(str(dict(PHOTO_CHOICES)[cleaned["photos"]]), _url_without(data, "photos")))
    return active
