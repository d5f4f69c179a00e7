"""The OAI-PMH 2.0 vocabulary: verbs and their arguments, error codes, datestamps, sets.

Specification: https://www.openarchives.org/OAI/openarchivesprotocol.html
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

from artifacts.choices import ArtifactType

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"

METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
# Withdrawn records are announced as deleted for as long as the edit history keeps them;
# see records.py for why, and the README for what harvesters can expect.
DELETED_RECORD = "transient"

# Arguments each verb accepts: (required, optional). A resumptionToken is exclusive.
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
}
RESUMABLE = {"ListIdentifiers", "ListRecords", "ListSets"}

TYPE_SET = "type"
SETS = [(TYPE_SET, "By type of object")] + [
    (f"{TYPE_SET}:{value}", f"Type: {label}") for value, label in ArtifactType.choices
]
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# The oai-identifier scheme needs a domain name: letters first, at least one dot.
_DOMAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")


class OAIError(Exception):
    """An error the protocol defines; `code` is one of its error codes."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Window:
    """The from/until window of a selective harvest, as aware UTC datetimes (inclusive)."""

    start: datetime.datetime | None
    end: datetime.datetime | None


def format_datestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(value: str, name: str, *, end_of_day: bool) -> tuple[datetime.datetime, str]:
    """A from/until argument as (moment, granularity). A day stands for its first second
    (from) or its last (until), so `until=2025-01-31` includes the whole of that day."""
    if _SECOND.match(value):
        granularity = "second"
        fmt = "%Y-%m-%dT%H:%M:%SZ"
    elif _DAY.match(value):
        granularity = "day"
        fmt = "%Y-%m-%d"
    else:
        raise OAIError(
            "badArgument",
            f"'{value[:40]}' is not a valid {name} datestamp: use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC).",
        )
    try:
        moment = datetime.datetime.strptime(value, fmt).replace(tzinfo=datetime.UTC)
    except ValueError:
        raise OAIError("badArgument", f"'{value}' is not a calendar date ({name}).") from None
    if granularity == "day" and end_of_day:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment, granularity


def parse_window(start: str | None, end: str | None) -> Window:
    granularities = set()
    start_at = end_at = None
    if start is not None:
        start_at, granularity = parse_datestamp(start, "from", end_of_day=False)
        granularities.add(granularity)
    if end is not None:
        end_at, granularity = parse_datestamp(end, "until", end_of_day=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OAIError("badArgument", "The from and until arguments must have the same granularity.")
    if start_at and end_at and start_at > end_at:
        raise OAIError("badArgument", "The from argument is later than the until argument.")
    return Window(start_at, end_at)


def check_set(spec: str | None) -> str | None:
    """The setSpec asked for, or badArgument if it is malformed. A well-formed set this
    archive does not have selects nothing (noRecordsMatch, see type_of_set)."""
    if spec is None:
        return None
    if not _SET_SPEC.match(spec):
        raise OAIError("badArgument", f"'{spec[:40]}' is not a valid setSpec.")
    return spec


def type_of_set(spec: str) -> str | None:
    """'' for the parent set (every type), the type for 'type:<type>', None if unknown."""
    if spec == TYPE_SET:
        return ""
    prefix, _, value = spec.partition(":")
    if prefix == TYPE_SET and value in ArtifactType.values:
        return value
    return None


def set_spec(artifact_type: str) -> str:
    return f"{TYPE_SET}:{artifact_type}"


def check_metadata_prefix(prefix: str) -> None:
    if prefix not in METADATA_FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            f"'{prefix[:40]}' is not a metadata format of this repository; it offers: {', '.join(METADATA_FORMATS)}.",
        )


def namespace(request) -> str:
    """The repository's part of every OAI identifier: ARCHIVE_OAI_NAMESPACE if set (so
    identifiers survive a change of host name), else the host name the site answers to."""
    configured = getattr(settings, "ARCHIVE_OAI_NAMESPACE", "")
    return configured or request.get_host().rsplit(":", 1)[0].strip("[]")


def is_domain(name: str) -> bool:
    return bool(_DOMAIN.match(name))


def make_identifier(request, accession: str) -> str:
    return f"oai:{namespace(request)}:{accession}"


def accession_of(request, identifier: str) -> str | None:
    prefix = f"oai:{namespace(request)}:"
    if not identifier.startswith(prefix) or "\x00" in identifier:
        return None
    return identifier[len(prefix) :] or None


def check_arguments(verb: str, arguments: dict[str, str]) -> None:
    """badArgument for an argument the verb does not take, a missing one, or a
    resumptionToken combined with anything else."""
    required, optional = VERBS[verb]
    given = set(arguments)
    if "resumptionToken" in given:
        if verb not in RESUMABLE:
            raise OAIError("badArgument", f"{verb} does not take a resumptionToken.")
        if given != {"resumptionToken"}:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument: send it on its own.")
        return
    unknown = given - required - optional
    if unknown:
        names = ", ".join(sorted(unknown))
        raise OAIError("badArgument", f"{verb} does not take the argument(s): {names}.")
    missing = required - given
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument(s): {', '.join(sorted(missing))}.")
