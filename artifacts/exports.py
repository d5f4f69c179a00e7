"""Catalog downloads: any catalog view as CSV or JSON, streamed.

The catalog view hands over the very queryset its page shows (visible_to, search, filters
and sort already applied), so a download holds exactly the page's results, every page of
them. Rows are read in chunks with QuerySet.iterator and written out as they come, so a
download of 100,000 records never holds them all in memory.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) are prefixed with an apostrophe, as OWASP recommends against CSV
injection. The JSON download keeps every value exactly as recorded.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.formats import number_format
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from artifacts.access import viewer_level
from artifacts.authorities.models import MAX_DEPTH
from artifacts.choices import AccessLevel
from artifacts.models import Artifact, Language, Organisation, Place
from artifacts.templatetags.archive import edtf_in_words

FORMATS = ("csv", "json")
CHUNK_SIZE = 2000  # rows per database round trip
ROWS_PER_WRITE = 200  # rows per piece of the response body
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Parameters that only shape the page, not the result set.
PAGE_ONLY_PARAMETERS = ("page", "per_page", "format")
ACCESS_NAMES = {level.value: level.name.lower() for level in AccessLevel}


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header and JSON key: English in every interface language
    description: str  # lazy: shown on the API page in the reader's language
    value: Callable  # (artifact, page_url) -> cell value; page_url(accession) is the record's address


# Column values are plain attribute and dict look-ups: they run once per cell of a download
# that may have millions of cells, so Django's per-call helpers (get_FOO_display, reverse,
# related managers) are replaced by tables built once.
def _field(name: str) -> Callable:
    return lambda artifact, page_url: getattr(artifact, name)


def _display(name: str) -> Callable:
    # A download's values are the same in every interface language: labels in English.
    with translation.override("en"):
        labels = {value: str(label) for value, label in Artifact._meta.get_field(name).flatchoices}
    return lambda artifact, page_url: labels.get(getattr(artifact, name), getattr(artifact, name))


def _iso(name: str) -> Callable:
    def value(artifact, page_url):
        stamp = getattr(artifact, name)
        return stamp.isoformat() if stamp else None

    return value


def _authority(link: str, part: str) -> Callable:
    # Tables built once per download (see _records), never a query per row.
    def value(artifact, page_url):
        found = getattr(artifact, f"export_{link}")
        return found[part] if found else None

    return value


def _languages(artifact, page_url):
    return "; ".join(sorted(language.code for language in artifact.export_languages))


COLUMNS = [
    Column("accession_number", _("Permanent identifier, e.g. BFA-2026-0001."), _field("accession_number")),
    Column("url", _("Address of the record's page."), lambda artifact, page_url: page_url(artifact.accession_number)),
    Column("title", _("Short descriptive title."), _field("title")),
    Column("type", _("Type code, e.g. phrase_list, weapon."), _field("artifact_type")),
    Column("type_label", _("Type in words, e.g. Phrase list."), _display("artifact_type")),
    Column("description", _("What the object is and what it shows."), _field("description")),
    Column("materials", _("e.g. paper, ink, steel."), _field("materials")),
    Column("dimensions", _("As measured, with units."), _field("dimensions")),
    Column("condition", _("Physical condition."), _field("condition")),
    Column("item_count", _("Number of items in a lot or list; empty if not stated."), _field("item_count")),
    Column("languages", _("Languages written on the object: BCP 47 codes separated by “; ”."), _languages),
    Column("recovery_date", _("Recovery date in EDTF, e.g. 2024-12/2025-01 or 2025-01~."), _field("recovery_date")),
    Column(
        "recovery_date_in_words",
        _("The same in words, e.g. December 2024 – January 2025."),
        lambda artifact, page_url: edtf_in_words(artifact.recovery_date),
    ),
    Column("recovered_earliest", _("Earliest day the recovery date can mean (ISO 8601)."), _iso("recovered_earliest")),
    Column("recovered_latest", _("Latest day the recovery date can mean (ISO 8601)."), _iso("recovered_latest")),
    Column("recovery_date_as_reported", _("The source's own words for the date."), _field("recovery_date_as_reported")),
    Column("recovery_place", _("Where it was recovered, only as precise as the source."), _field("recovery_place")),
    Column(
        "recovery_place_precision",
        _("exact, locality, district, region, country or unknown."),
        _field("recovery_place_precision"),
    ),
    Column("recovery_circumstances", _("How and from whom it was recovered."), _field("recovery_circumstances")),
    Column("place_id", _("The archive's number for the place the recovery place names."), _authority("place", "id")),
    Column("place_name", _("That place's English name."), _authority("place", "name")),
    Column(
        "place_uris",
        _("Wikidata and GeoNames URIs of that place and of the places containing it, separated by “; ”."),
        _authority("place", "uris"),
    ),
    Column("recovering_unit", _("Who recovered it."), _field("recovering_unit")),
    Column(
        "recovered_by_id",
        _("The archive's number for the organisation the recovering unit names."),
        _authority("recovered_by", "id"),
    ),
    Column("recovered_by_name", _("That organisation's English name."), _authority("recovered_by", "name")),
    Column(
        "recovered_by_uris",
        _("Wikidata URIs of that organisation and of those it belongs to, separated by “; ”."),
        _authority("recovered_by", "uris"),
    ),
    Column("current_custodian", _("Who holds the object now, as far as known."), _field("current_custodian")),
    Column("provenance", _("History of ownership and custody, in prose."), _field("provenance")),
    Column("verification_status", _("unverified, consistent, verified or disputed."), _field("verification_status")),
    Column("verification_status_label", _("The same in words."), _display("verification_status")),
    Column("verification_assessed_by", _("Who made the verification assessment."), _field("verification_assessed_by")),
    Column(
        "verification_statement", _("Why the status was given, on what evidence."), _field("verification_statement")
    ),
    Column("graphic_content", _("true when images of it may be distressing."), _field("graphic_content")),
    Column("has_photos", _("true when there is at least one image you may see."), _field("has_photos")),
    Column(
        "access_level",
        _("Who may see the record: public, researchers or staff."),
        lambda artifact, page_url: ACCESS_NAMES[artifact.access_level],
    ),
    Column(
        "publication_status",
        _("published; or, seen by staff only: draft, ready for review, withdrawn."),
        _field("status"),
    ),
    Column("created_at", _("When the record was added (ISO 8601, UTC)."), _iso("created_at")),
    Column("updated_at", _("When the record last changed (ISO 8601, UTC)."), _iso("updated_at")),
]
# Read from the database for a download; the rest (internal notes above all) never is.
FIELDS = [
    "accession_number", "title", "artifact_type", "description", "materials", "dimensions", "condition",
    "item_count", "recovery_date", "recovered_earliest", "recovered_latest", "recovery_date_as_reported",
    "recovery_place", "recovery_place_precision", "recovery_circumstances", "recovering_unit", "place",
    "recovered_by",
    "current_custodian", "provenance", "verification_status", "verification_assessed_by",
    "verification_statement", "graphic_content", "access_level", "status", "created_at", "updated_at",
]  # fmt: skip


def csv_safe(value) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can format
    one row at a time for a streaming response."""

    def write(self, value):
        return value


def _authority_table(model) -> dict[int, dict]:
    """{id: {id, name, uris}} for every authority of a kind: they are few next to records,
    so two queries serve a download of any size."""
    everything = {a.pk: a for a in model.objects.prefetch_related("names")}
    table = {}
    for pk, authority in everything.items():
        chain, node = [authority], everything.get(authority.parent_id)
        while node is not None and len(chain) <= MAX_DEPTH:
            chain.append(node)
            node = everything.get(node.parent_id)
        uris = [uri for node in chain for _scheme, _id, uri in node.identifiers()]
        table[pk] = {"id": pk, "name": authority.label("en"), "uris": "; ".join(uris)}
    return table


def _records(queryset) -> Iterator:
    languages = Prefetch("languages", queryset=Language.objects.only("code"), to_attr="export_languages")
    places, organisations = _authority_table(Place), _authority_table(Organisation)
    for artifact in queryset.only(*FIELDS).prefetch_related(languages).iterator(chunk_size=CHUNK_SIZE):
        artifact.export_place = places.get(artifact.place_id)
        artifact.export_recovered_by = organisations.get(artifact.recovered_by_id)
        yield artifact


def _page_url(request) -> Callable[[str], str]:
    """The address of a record's page, built the way reverse() builds it, from one reverse()."""
    placeholder = "ACCESSION"
    template = request.build_absolute_uri(reverse("artifact-detail", args=[placeholder]))
    before, _, after = template.partition(placeholder)
    return lambda accession: before + quote(accession, safe=RFC3986_SUBDELIMS + "/~:@") + after


def _batched(pieces: Iterable[str]) -> Iterator[str]:
    """Join rows into larger pieces: fewer, bigger writes to the client."""
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_rows(queryset, page_url) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column.name for column in COLUMNS])
    for artifact in _records(queryset):
        yield writer.writerow([csv_safe(column.value(artifact, page_url)) for column in COLUMNS])


def json_rows(queryset, page_url) -> Iterator[str]:
    """A JSON array written element by element: “[”, then each object, then “]”."""
    yield "["
    separator = "\n"
    for artifact in _records(queryset):
        row = {column.name: column.value(artifact, page_url) for column in COLUMNS}
        yield separator + json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        separator = ",\n"
    yield "\n]\n"


def download(request, queryset, fmt: str) -> StreamingHttpResponse:
    """The whole result set of a catalog view, streamed as CSV or JSON."""
    page_url = _page_url(request)
    stamp = timezone.now().strftime("%Y-%m-%d")
    if fmt == "csv":
        rows = csv_rows(queryset, page_url)
        content_type = "text/csv; charset=utf-8; header=present"
    else:
        rows = json_rows(queryset, page_url)
        content_type = "application/json; charset=utf-8"
    response = StreamingHttpResponse(_batched(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="artifacts-{stamp}.{fmt}"'
    if viewer_level(request.user) > AccessLevel.PUBLIC:
        # Restricted records must not linger in shared caches or on a shared computer.
        patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def refused(errors: list[str]) -> HttpResponse:
    """A download whose filters do not validate: say which, rather than send a different
    (unfiltered) result set than was asked for."""
    lines = [gettext("This download was not made: some filters in its address could not be applied."), ""]
    lines += [f"- {error}" for error in errors]
    lines += ["", gettext("Correct or remove them and try again; the catalog page shows the same problems.")]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def links(request, form, total) -> dict:
    """Addresses of this catalog view's downloads: the page's own URL state without paging,
    and without any filter the page could not apply (the page says it left them out).
    `total` is the page's count: a number, or a paging Total whose label may say “about”."""
    query = request.GET.copy()
    for name in (*PAGE_ONLY_PARAMETERS, *form.errors):
        query.pop(name, None)
    base = request.path  # the catalog, or an authority's page of it: its downloads are its own
    count = int(total)
    label = getattr(total, "label", None) or number_format(count, force_grouping=True)
    if count == 1:
        what = gettext("this result")
    else:
        what = ngettext("these %(count)s results", "these %(count)s results", count) % {"count": label}
    links = {"what": what}
    for fmt in FORMATS:
        query["format"] = fmt
        links[fmt] = f"{base}?{query.urlencode()}"
    return links


def notice_for(fmt: str | None) -> str | None:
    if fmt and fmt not in FORMATS:
        return gettext("“%(format)s” is not a download format: use csv or json. Showing the page instead.") % {
            "format": fmt[:20]
        }
    return None
