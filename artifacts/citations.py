"""How to cite an artifact: Chicago notes and bibliography, BibTeX, CSL-JSON, and the
schema.org JSON-LD embedded in its page.

Chicago (17th edition, on manuscript and archival collections): an archival item with no
known author is cited by the archive's description of it, in sentence case and without
quotation marks, followed by what locates it (here the recovery date and place), its
identifier and the holding archive; for material consulted online the access date comes
before the URL. Dates are written as Chicago writes them (“January 12, 2025”, ranges
with an en dash), from the record's EDTF value.

Nothing here invents a date of creation: an object's creation date is known only when
its texts are dated, so it is derived from their EDTF dates and left out otherwise. The
recovery date is a different event and is named as such.
"""

import datetime
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import override

from artifacts import edtf_dates
from artifacts.choices import ArtifactType
from artifacts.templatetags.archive import archive_name, web_url

CSL_CONTENT_TYPE = "application/vnd.citationstyles.csl+json"
# CSL has no type for a physical object; Zotero files unpublished archival papers as
# “manuscript” and everything else as the generic “document”.
CSL_MANUSCRIPT_TYPES = {
    ArtifactType.PHRASE_LIST,
    ArtifactType.HANDWRITTEN,
    ArtifactType.TYPED_DOCUMENT,
    ArtifactType.BOOKLET,
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) (" + "|".join(edtf_dates.MONTHS) + r") ([\d?]{4})")
_ISO_PRECISIONS = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
# Characters that BibTeX (or LaTeX after it) would read as markup.
_BIBTEX_SPECIAL = re.compile(r"[\\{}&%$#_^~]")
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# What json_script escapes, so that no value can close the <script> element early.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _words(value: str) -> str:
    """The date in English words whatever the reader's language: the citation formats
    here are English (Chicago, BibTeX, CSL-JSON), and chicago_date rewrites English."""
    try:
        with override("en"):
            return edtf_dates.in_words(value)
    except (ValidationError, ValueError, IndexError):
        return value  # shown as stored rather than failing a whole page or export


def chicago_date(value: str) -> str:
    """An EDTF date the way Chicago writes it: “2025-01-12~/2025-01-19” becomes
    “ca. January 12, 2025–January 19, 2025”. Empty when there is no date."""
    if not value:
        return ""
    words = _DAY_MONTH_YEAR.sub(r"\2 \1, \3", _words(value))
    return words.replace(" – ", "–").replace("possibly about ", "possibly ca. ").replace("about ", "ca. ")


def _accessed(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def recovery_phrase(artifact) -> str:
    """“recovered January 2025, Kursk region, Russia”, or as much of it as is known."""
    when = chicago_date(artifact.recovery_date)
    where = artifact.recovery_place.strip()
    if when and where:
        return f"recovered {when}, {where}"
    if when:
        return f"recovered {when}"
    if where:
        return f"recovered in {where}"
    return ""


def _title(artifact) -> str:
    return artifact.title.strip().rstrip(".")


def chicago_note(artifact, url: str, accessed: datetime.date) -> str:
    parts = [_title(artifact), recovery_phrase(artifact), f"accession no. {artifact.accession_number}", archive_name()]
    parts.append(f"accessed {_accessed(accessed)}")
    return ", ".join(p for p in parts if p) + f", {url}."


def chicago_bibliography(artifact, url: str, accessed: datetime.date) -> str:
    recovered = recovery_phrase(artifact)
    parts = [
        _title(artifact),
        recovered[:1].upper() + recovered[1:],
        f"Accession no. {artifact.accession_number}",
        archive_name(),
        f"Accessed {_accessed(accessed)}",
    ]
    return ". ".join(p for p in parts if p) + f". {url}."


def bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], " ".join(text.split()))


def bibtex(artifact, url: str, accessed: datetime.date) -> str:
    """A BibTeX @misc entry keyed by the accession number. The title is double-braced so
    that bibliography styles keep its capitalisation as catalogued."""
    key = re.sub(r"[^A-Za-z0-9:._-]", "", artifact.accession_number) or "artifact"
    note = f"Accession no. {artifact.accession_number}"
    recovered = recovery_phrase(artifact)
    if recovered:
        note += f". {recovered[:1].upper()}{recovered[1:]}"
    fields = [
        ("title", "{" + bibtex_escape(_title(artifact)) + "}"),
        ("howpublished", bibtex_escape(archive_name())),
        ("note", bibtex_escape(note)),
        ("url", url),
        ("urldate", accessed.isoformat()),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def _iso_endpoint(text: str) -> tuple[str, bool] | None:
    """One end of an EDTF date at its own precision (“2024-12”), and whether it was
    qualified as uncertain or approximate. None when it has no ISO form (open, unknown)."""
    text = text.strip()
    qualified = text.endswith(("?", "~", "%"))
    core = text.rstrip("?~%")
    if "X" in core:
        # 2024-12-XX is December 2024: keep the components that are known.
        known = []
        for part in core.split("-"):
            if "X" in part:
                break
            known.append(part)
        core = "-".join(known)
    return (core, qualified) if _ISO_PRECISIONS.match(core) else None


def date_created(texts) -> tuple[str, bool] | None:
    """The span of the dates written on the object's texts, as an ISO 8601 date or interval,
    with whether any of them is approximate. None when no text is dated."""
    starts, ends, circa = [], [], False
    for text in texts:
        value = (text.date_written or "").strip()
        if not value or value.startswith(("[", "{")):
            continue
        start, _, end = value.partition("/")
        first, last = _iso_endpoint(start), _iso_endpoint(end or start)
        if first is None or last is None:
            continue
        try:
            starts.append((edtf_dates.bounds(first[0])[0], first[0]))
            ends.append((edtf_dates.bounds(last[0])[1], last[0]))
        except ValidationError:
            continue
        circa = circa or first[1] or last[1]
    if not starts:
        return None
    first, last = min(starts)[1], max(ends)[1]
    return (first if first == last else f"{first}/{last}"), circa


def _date_parts(iso: str) -> list[list[int]]:
    return [[int(p) for p in end.split("-")] for end in iso.split("/")]


def csl_item(artifact, url: str, accessed: datetime.date, texts=()) -> dict:
    """One CSL-JSON item (the format Zotero, Mendeley and citeproc read)."""
    item = {
        "id": artifact.accession_number,
        "type": "manuscript" if artifact.artifact_type in CSL_MANUSCRIPT_TYPES else "document",
        "title": _title(artifact),
        "genre": artifact.get_artifact_type_display(),
        "archive": archive_name(),
        "archive_location": f"Accession no. {artifact.accession_number}",
        "URL": url,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    if artifact.materials:
        item["medium"] = artifact.materials
    recovered = recovery_phrase(artifact)
    if recovered:
        item["note"] = recovered[:1].upper() + recovered[1:]
    created = date_created(texts)
    if created:
        item["issued"] = {"date-parts": _date_parts(created[0])}
        if created[1]:
            item["issued"]["circa"] = True
    return item


def permanent_url(request, artifact=None) -> str:
    """The address a citation gives for a record (or, without one, for the archive): the
    plain, English one (/artifacts/BFA-…/), whatever language the citing page is in, so
    that every citation of a record names one URL."""
    with override(settings.LANGUAGE_CODE):
        return request.build_absolute_uri(artifact.get_absolute_url() if artifact else reverse("home"))


def json_ld(artifact, request, *, sources=(), photos=(), texts=(), languages=()) -> dict:
    """schema.org metadata for search engines and reference managers. Pass only what the
    viewer may see: photos from Photo.objects.visible_to, without graphic images the viewer
    has not chosen to see."""
    url = permanent_url(request, artifact)
    data = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": url,
        "url": url,
        "name": _title(artifact),
        "identifier": {"@type": "PropertyValue", "propertyID": "accession number", "value": artifact.accession_number},
        "genre": artifact.get_artifact_type_display(),
        "holdingArchive": {
            "@type": "ArchiveOrganization",
            "name": archive_name(),
            "url": permanent_url(request),
        },
        "dateModified": artifact.updated_at.isoformat(timespec="seconds"),
    }
    if artifact.description:
        data["description"] = artifact.description
    if artifact.materials:
        data["material"] = artifact.materials
    created = date_created(texts)
    if created:
        data["dateCreated"] = created[0]
    if artifact.recovery_place or artifact.place_id:
        data["spatialCoverage"] = _place_ld(artifact, request)
    if languages:
        data["inLanguage"] = [language.code for language in languages]
    based_on = [_source_ld(citation.source) for citation in sources]
    if based_on:
        data["isBasedOn"] = based_on
    images = [_image_ld(photo, request) for photo in photos]
    if images:
        data["image"] = images
    return data


def _same_as(authority) -> list[str]:
    return [uri for _scheme, _id, uri in authority.identifiers()]


def _place_ld(artifact, request) -> dict:
    """The recovery place as reported, and the place authority it names: its page as @id,
    its identifiers as sameAs, and what contains it (containedInPlace), up the tree."""
    place = {"@type": "Place", "name": artifact.recovery_place or artifact.place.label("en")}
    chain = [artifact.place, *artifact.place.ancestors()] if artifact.place_id else []
    target = place
    for depth, node in enumerate(chain):
        if depth:
            target["containedInPlace"] = {"@type": "Place", "name": node.label("en")}
            target = target["containedInPlace"]
        target["@id"] = request.build_absolute_uri(node.get_absolute_url())
        if _same_as(node):
            target["sameAs"] = _same_as(node)
    return place


def _source_ld(source) -> dict:
    work = {"@type": "CreativeWork", "name": source.title}
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
        organisation = source.publisher_organisation
        if organisation is not None and _same_as(organisation):
            work["publisher"]["sameAs"] = _same_as(organisation)
    if source.author:
        work["author"] = source.author
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    # Only web addresses: a consumer will follow these as links (see web_url).
    if web_url(source.url):
        work["url"] = source.url.strip()
    if web_url(source.archived_url):
        work["archivedAt"] = source.archived_url.strip()
    return work


def _image_ld(photo, request) -> dict:
    return {
        "@type": "ImageObject",
        "contentUrl": request.build_absolute_uri(photo.get_media_url("display")),
        "thumbnailUrl": request.build_absolute_uri(photo.get_media_url("thumbnail")),
        "width": photo.display_width,
        "height": photo.display_height,
        "caption": photo.alt_text,  # an illustration carries its notice here too
    }


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element. Browsers never execute a data block,
    so the Content-Security-Policy does not apply to it; the escaping keeps a value such as
    “</script>” from ending the element early."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


@dataclass
class Citations:
    chicago_note: str
    chicago_bibliography: str
    bibtex: str
    csl_url: str
    accessed: datetime.date


def for_artifact(artifact, request, accessed: datetime.date | None = None) -> Citations:
    url = permanent_url(request, artifact)
    accessed = accessed or timezone.localdate()
    return Citations(
        chicago_note=chicago_note(artifact, url, accessed),
        chicago_bibliography=chicago_bibliography(artifact, url, accessed),
        bibtex=bibtex(artifact, url, accessed),
        csl_url=reverse("citation-csl", args=[artifact.accession_number]),
        accessed=accessed,
    )
