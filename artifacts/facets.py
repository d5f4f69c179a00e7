"""Facet counts for the catalog, and the words that say what a catalog page shows.

Counts are taken over the queryset the view built from visible_to(user), so restricted
and draft records never show up in a number. Each facet is counted with the search and
every other filter applied but not its own selection (the usual faceting convention:
ticking “Weapon” must not make the other types look empty, since they are alternatives
the researcher can add). One GROUP BY query per facet, whatever the size of the archive.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from artifacts.choices import ArtifactType, VerificationStatus
from artifacts.filters import PHOTO_CHOICES

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


# (URL parameter, model field or annotation, heading, fixed vocabulary or None)
FACETS = [
    ("type", "artifact_type", "Type", ArtifactType.choices),
    ("verification", "verification_status", "Verification", VerificationStatus.choices),
    ("place", "recovery_place", "Place of recovery", None),
    ("unit", "recovering_unit", "Recovered by", None),
]


def _counts(queryset, field_name) -> dict:
    rows = queryset.order_by().values(field_name).annotate(n=Count("pk"))
    return {row[field_name]: row["n"] for row in rows}


def _vocabulary_facet(param, label, choices, counts, chosen) -> Facet:
    # Fixed vocabularies keep their own order, so a value stays where the eye expects it.
    values = [
        FacetValue(value, text, counts.get(value, 0), value in chosen)
        for value, text in choices
        if counts.get(value) or value in chosen
    ]
    return Facet(param, label, values)


def _free_facet(param, label, counts, chosen) -> Facet:
    ranked = sorted(((v, n) for v, n in counts.items() if v), key=lambda item: (-item[1], item[0].casefold()))
    shown = ranked[:FREE_FACET_LIMIT]
    shown_values = {v for v, _ in shown}
    shown += [(v, counts.get(v, 0)) for v in chosen if v not in shown_values]
    values = [FacetValue(v, v, n, v in chosen) for v, n in shown]
    return Facet(param, label, values, hidden=max(0, len(ranked) - FREE_FACET_LIMIT))


def build_facets(filterset, data) -> list[Facet]:
    """All facets for a validated ArtifactFilter; `data` is the request's GET."""
    facets = []
    for param, field_name, label, choices in FACETS:
        counts = _counts(filterset.queryset_without(param), field_name)
        chosen = set(data.getlist(param))
        if choices is None:
            facets.append(_free_facet(param, label, counts, chosen))
        else:
            facets.append(_vocabulary_facet(param, label, choices, counts, chosen))
    # A conditional count rather than GROUP BY on the EXISTS annotation: the same single
    # query, in a form every database backend handles the same way.
    counts = filterset.queryset_without("photos").order_by().aggregate(
        with_photos=Count("pk", filter=Q(has_photos=True)), total=Count("pk")
    )
    counts = {True: counts["with_photos"], False: counts["total"] - counts["with_photos"]}
    chosen = data.get("photos", "")
    photos = Facet("photos", "Photos", single=True)
    photos.values = [
        FacetValue(value, text, counts.get(value == "yes", 0), value == chosen) for value, text in PHOTO_CHOICES
    ]
    facets.append(photos)
    return facets


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def _or(values) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _quoted(values) -> list[str]:
    return [f"“{v}”" for v in values]


def describe(count: int, cleaned: dict, data, sort_label: str) -> str:
    """One sentence saying how many artifacts match what, and in which order, e.g.
    “12 artifacts match “surrender”, of type Phrase list, sorted by accession number.”"""
    noun = "artifact" if count == 1 else "artifacts"
    subject = f"{count:,} {noun}" if count else "No artifacts"
    clauses = []
    query = (cleaned.get("q") or "").strip()
    if query:
        shown = query if len(query) <= QUERY_SHOWN else query[:QUERY_SHOWN] + "…"
        clauses.append(("matches" if count == 1 else "match") + f" “{shown}”")
    labels = dict(ArtifactType.choices)
    if cleaned.get("type"):
        clauses.append("of type " + _or(labels[v] for v in cleaned["type"]))
    labels = dict(VerificationStatus.choices)
    if cleaned.get("verification"):
        clauses.append("with verification status " + _or(labels[v] for v in cleaned["verification"]))
    if cleaned.get("place"):
        clauses.append("recovered in " + _or(_quoted(cleaned["place"])))
    if cleaned.get("unit"):
        clauses.append("recovered by " + _or(_quoted(cleaned["unit"])))
    start = cleaned.get("recovered_from") and data.get("recovered_from", "").strip()
    end = cleaned.get("recovered_to") and data.get("recovered_to", "").strip()
    if start and end:
        clauses.append(f"possibly recovered between {start} and {end}")
    elif start:
        clauses.append(f"possibly recovered in or after {start}")
    elif end:
        clauses.append(f"possibly recovered in or before {end}")
    if cleaned.get("photos"):
        clauses.append("with photos" if cleaned["photos"] == "yes" else "without photos")
    if not clauses:
        clauses.append("in the archive")
    return f"{subject} {', '.join(clauses)}, sorted by {sort_label}."


def _url_without(data, param, value=None) -> str:
    query = data.copy()
    if value is None:
        query.pop(param, None)
    else:
        query.setlist(param, [v for v in query.getlist(param) if v != value])
    query.pop("page", None)  # the result set changes, so page 7 may not exist any more
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def active_filters(cleaned: dict, data) -> list[ActiveFilter]:
    """Each applied criterion with a link that removes just that one."""
    active = []
    if (cleaned.get("q") or "").strip():
        active.append(ActiveFilter(f"Search: “{cleaned['q'].strip()}”", _url_without(data, "q")))
    for param, _field, label, choices in FACETS:
        names = dict(choices or [])
        for value in cleaned.get(param) or []:
            active.append(ActiveFilter(f"{label}: {names.get(value, value)}", _url_without(data, param, value)))
    for param, label in (("recovered_from", "Recovered from"), ("recovered_to", "Recovered to")):
        if cleaned.get(param):
            active.append(ActiveFilter(f"{label}: {data.get(param, '').strip()}", _url_without(data, param)))
    if cleaned.get("photos"):
        active.append(ActiveFilter(dict(PHOTO_CHOICES)[cleaned["photos"]], _url_without(data, "photos")))
    return active
