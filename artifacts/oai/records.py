"""Which records a harvest sees, and how each one reads as Dublin Core.

Harvesting is public: the records exposed are exactly those an anonymous visitor may
see (Artifact.objects.visible_to(AnonymousUser())). A restricted or draft record that
was never public never appears in any response, not even as an identifier.

Deleted records (policy "transient"): a record that was public once and is not any more
(withdrawn by a curator, restricted to researchers or staff, or deleted) is announced with a
deleted header: its identifier, the moment it was withdrawn, and its set. Aggregators
that copied it then drop their copy, which matters when a record is withdrawn because
it exposed someone. Only identifiers that were already public are announced, so nothing
new is revealed. The announcement is read from the edit history (django-simple-history)
and lasts as long as that history is kept, hence "transient" rather than "persistent".

Records are datestamped with the artifact's updated_at; withdrawals with the history
entry that took the record out of public view.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Min, OuterRef, Prefetch, prefetch_related_objects
from django.urls import reverse

from artifacts.authorities.models import authority_prefetch
from artifacts.models import Artifact, Photo, Relation, SourceCitation, Text
from artifacts.oai.protocol import Window
from artifacts.querysets import ArtifactQuerySet
from artifacts.templatetags.archive import archive_name

ANONYMOUS = AnonymousUser()
ONE_SECOND = datetime.timedelta(seconds=1)
DCMI_PHYSICAL_OBJECT = "PhysicalObject"


@dataclass
class Header:
    artifact_id: int
    accession: str
    datestamp: datetime.datetime
    artifact_type: str
    deleted: bool
    artifact: Artifact | None = None


def public_artifacts():
    return Artifact.objects.visible_to(ANONYMOUS)


def _in_window(moment: datetime.datetime, window: Window) -> bool:
    # Datestamps are shown to the second, so `until` includes the whole of its last second.
    if window.start and moment < window.start:
        return False
    return not (window.end and moment >= window.end + ONE_SECOND)


def _live(window: Window, artifact_type: str):
    artifacts = public_artifacts()
    if window.start:
        artifacts = artifacts.filter(updated_at__gte=window.start)
    if window.end:
        artifacts = artifacts.filter(updated_at__lt=window.end + ONE_SECOND)
    if artifact_type:
        artifacts = artifacts.filter(artifact_type=artifact_type)
    return artifacts


def withdrawn(
    window: Window, artifact_type: str = "", *, after_id: int = 0, before_id: int | None = None, accession: str = ""
) -> list[Header]:
    """Deleted headers, in artifact-id order, for records that were public once and are
    not now; optionally only those with after_id < id < before_id (one page's range)."""
    history = Artifact.history.model.objects.all()
    # The same policy that decides visibility today, applied to past versions.
    was_public = ArtifactQuerySet.visible_to(history.exclude(history_type="-"), ANONYMOUS)
    candidates = was_public.filter(id__gt=after_id)
    if before_id is not None:
        candidates = candidates.filter(id__lt=before_id)
    if accession:
        candidates = candidates.filter(accession_number=accession)
    # NOT EXISTS, looked up by primary key per candidate: cheap for a page's id range.
    candidates = candidates.filter(~Exists(public_artifacts().filter(pk=OuterRef("id"))))
    ids = sorted(set(candidates.values_list("id", flat=True)))
    if not ids:
        return []
    public_versions = set(was_public.filter(id__in=ids).values_list("history_id", flat=True))
    rows = (
        history.filter(id__in=ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_id", "history_date", "accession_number", "artifact_type")
    )
    headers = []
    for artifact_id, versions in groupby(rows, key=lambda row: row[0]):
        last_public, withdrawn_at = None, None
        for _, history_id, moment, number, kind in versions:
            if history_id in public_versions:
                last_public, withdrawn_at = (number, kind), None
            elif last_public and withdrawn_at is None:
                withdrawn_at = moment
        if last_public is None or withdrawn_at is None:
            continue
        number, kind = last_public
        if artifact_type and kind != artifact_type:
            continue
        if _in_window(withdrawn_at, window):
            headers.append(Header(artifact_id, number, withdrawn_at, kind, deleted=True))
    return headers


@dataclass
class Page:
    headers: list[Header]
    more: bool


def count(window: Window, artifact_type: str) -> int:
    """The size of the whole list, given on its first page as completeListSize."""
    return _live(window, artifact_type).count() + len(withdrawn(window, artifact_type))


def select(window: Window, artifact_type: str, *, after_id: int, limit: int) -> Page:
    """One page of the list: public records and withdrawn ones, merged in artifact-id order."""
    page_of_live = [
        Header(a.pk, a.accession_number, a.updated_at, a.artifact_type, deleted=False, artifact=a)
        for a in _live(window, artifact_type)
        .filter(pk__gt=after_id)
        .select_related("object_details")
        .defer("internal_notes")
        .order_by("pk")[: limit + 1]
    ]
    # Withdrawn records after the last live one of this page belong to later pages.
    before_id = page_of_live[limit].artifact_id if len(page_of_live) > limit else None
    gone = withdrawn(window, artifact_type, after_id=after_id, before_id=before_id)
    merged = sorted(page_of_live + gone, key=lambda h: h.artifact_id)
    return Page(merged[:limit], more=len(merged) > limit)


def find(accession: str) -> Header | None:
    """The header of one record by accession number: public, withdrawn, or None."""
    artifact = public_artifacts().select_related("object_details").filter(accession_number=accession).first()
    if artifact is not None:
        return Header(artifact.pk, accession, artifact.updated_at, artifact.artifact_type, False, artifact)
    gone = withdrawn(Window(None, None), accession=accession)
    return gone[0] if gone else None


def earliest_datestamp() -> datetime.datetime | None:
    moments = [public_artifacts().aggregate(first=Min("updated_at"))["first"]]
    moments += [h.datestamp for h in withdrawn(Window(None, None))]
    moments = [m for m in moments if m is not None]
    return min(moments) if moments else None


# Dublin Core ----------------------------------------------------------------------------


def prefetch_for_metadata(artifacts: list[Artifact]) -> None:
    """Load what the Dublin Core of these artifacts needs in a few queries for the page."""
    citations = SourceCitation.objects.select_related("source").order_by("source__published_on", "pk")
    texts = Text.objects.only("artifact_id", "position", "attributed_author", "translator").order_by("position", "pk")
    prefetch_related_objects(
        artifacts,
        "languages",
        *authority_prefetch("place"),
        *authority_prefetch("recovered_by"),
        Prefetch("sourcecitation_set", queryset=citations, to_attr="oai_citations"),
        Prefetch("texts", queryset=texts, to_attr="oai_texts"),
    )
    ids = [a.pk for a in artifacts]
    # Relations of this page first (a few rows), then which of the other ends are public:
    # two small queries instead of joining every relation against the whole public set.
    pairs = list(Relation.objects.filter(from_artifact_id__in=ids).values_list("from_artifact_id", "to_artifact_id"))
    pairs += list(Relation.objects.filter(to_artifact_id__in=ids).values_list("to_artifact_id", "from_artifact_id"))
    numbers = dict(
        public_artifacts().filter(pk__in={other for _, other in pairs}).values_list("pk", "accession_number")
    )
    related: dict[int, set[str]] = {pk: set() for pk in ids}
    for pk, other in pairs:
        if other in numbers:
            related[pk].add(numbers[other])
    with_images = set(
        Photo.objects.visible_to(ANONYMOUS).filter(artifact_id__in=ids).values_list("artifact_id", flat=True)
    )
    for artifact in artifacts:
        artifact.oai_related = sorted(related[artifact.pk])
        artifact.oai_has_images = artifact.pk in with_images


def _source_line(source) -> str:
    parts = [source.publisher, f"“{source.title}”"]
    if source.author:
        parts.append(source.author)
    if source.published_on:
        parts.append(source.published_on.isoformat())
    if source.url:
        parts.append(source.url)
    return ", ".join(part for part in parts if part)


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def dublin_core(artifact: Artifact, absolute) -> list[tuple[str, str]]:
    """(element, value) pairs following the README's Dublin Core mapping, in its order.
    `absolute` makes a path an absolute URL; the artifact comes from prefetch_for_metadata."""
    texts = artifact.oai_texts
    type_label = artifact.get_artifact_type_display()
    elements = [("title", artifact.title)]
    elements += [("creator", author) for author in _distinct(t.attributed_author for t in texts)]
    elements.append(("subject", type_label))
    details = getattr(artifact, "object_details", None)
    if details is not None and details.category:
        elements.append(("subject", details.get_category_display()))
    descriptions = (artifact.description, artifact.recovery_circumstances, artifact.provenance)
    elements += [("description", text) for text in descriptions if text]
    elements.append(("publisher", archive_name()))
    elements += [("contributor", translator) for translator in _distinct(t.translator for t in texts)]
    if artifact.recovered_by_id:
        # The recovering unit, by name and by its identifiers, so harvesters can join on them.
        elements.append(("contributor", artifact.recovered_by.label("en")))
        elements += [("contributor", uri) for _scheme, _id, uri in artifact.recovered_by.identifiers()]
    if artifact.recovery_date:
        elements.append(("date", artifact.recovery_date))
    elements += [("type", DCMI_PHYSICAL_OBJECT), ("type", type_label)]
    elements += [("format", value) for value in (artifact.materials, artifact.dimensions) if value]
    elements.append(("identifier", artifact.accession_number))
    elements.append(("identifier", absolute(artifact.get_absolute_url())))
    elements += [("source", _source_line(citation.source)) for citation in artifact.oai_citations]
    elements += [("language", language.code) for language in artifact.languages.all()]
    elements += [("relation", absolute(reverse("artifact-detail", args=[n]))) for n in artifact.oai_related]
    if artifact.oai_has_images:
        elements.append(("relation", absolute(reverse("iiif-manifest", args=[artifact.accession_number]))))
    if artifact.recovery_place:
        elements.append(("coverage", artifact.recovery_place))
    if artifact.place_id:
        # The place and what it lies in, as URIs (Wikidata, GeoNames) where the archive has them.
        for place in (artifact.place, *artifact.place.ancestors()):
            elements += [("coverage", uri) for _scheme, _id, uri in place.identifiers()]
    return elements
