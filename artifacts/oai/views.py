"""The OAI-PMH 2.0 endpoint: /oai/ answers GET and POST with XML.

Every response is a valid OAI-PMH document, errors included (HTTP 200, as the protocol
asks: an error is a protocol answer, not a failure of the server).
"""

import dataclasses
import datetime
import re
import xml.etree.ElementTree as ET

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from artifacts.oai import protocol, records, tokens
from artifacts.oai.protocol import (
    DC_NS,
    METADATA_FORMATS,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    OAI_IDENTIFIER_NS,
    OAI_IDENTIFIER_SCHEMA,
    OAI_NS,
    OAI_SCHEMA,
    XSI_NS,
    OAIError,
    format_datestamp,
)
from artifacts.templatetags.archive import archive_name

DEFAULT_PAGE_SIZE = 100
# Characters XML 1.0 cannot carry at all; a stray one in a record must not break a harvest.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

ET.register_namespace("", OAI_NS)
ET.register_namespace("oai_dc", OAI_DC_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("xsi", XSI_NS)


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _sub(parent, tag: str, text: str | None = None, namespace: str = OAI_NS, **attributes):
    node = ET.SubElement(parent, _q(namespace, tag), {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        node.text = _NOT_XML.sub("", str(text))
    return node


def page_size() -> int:
    return max(1, int(getattr(settings, "ARCHIVE_OAI_PAGE_SIZE", DEFAULT_PAGE_SIZE)))


class Response:
    """One OAI-PMH document under construction."""

    def __init__(self, request, verb: str | None, arguments: dict[str, str]):
        self.request = request
        self.root = ET.Element(_q(OAI_NS, "OAI-PMH"), {_q(XSI_NS, "schemaLocation"): f"{OAI_NS} {OAI_SCHEMA}"})
        _sub(self.root, "responseDate", format_datestamp(timezone.now()))
        self.request_element = _sub(self.root, "request", base_url(request))
        self.verb, self.arguments = verb, arguments

    def echo_request(self) -> None:
        """Repeat the verb and arguments; not done after badVerb or badArgument."""
        if self.verb:
            self.request_element.set("verb", self.verb)
        for name, value in self.arguments.items():
            self.request_element.set(name, _NOT_XML.sub("", value))

    def error(self, error: OAIError) -> "Response":
        if error.code not in ("badVerb", "badArgument"):
            self.echo_request()
        _sub(self.root, "error", error.message, code=error.code)
        return self

    def body(self, tag: str):
        self.echo_request()
        return _sub(self.root, tag)

    def http(self) -> HttpResponse:
        payload = ET.tostring(self.root, encoding="utf-8", xml_declaration=True)
        response = HttpResponse(payload, content_type="text/xml; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        return response


def base_url(request) -> str:
    return request.build_absolute_uri(reverse("oai-pmh"))


def _arguments(request) -> tuple[dict[str, str], list[str]]:
    """The request's arguments, and the names of any given more than once."""
    data = request.POST if request.method == "POST" else request.GET
    arguments, repeated = {}, []
    for name, values in data.lists():
        if len(values) > 1:
            repeated.append(name)
        arguments[name] = values[-1]
    return arguments, repeated


# Harvesters get English labels (dc:type, subjects), whatever their Accept-Language.
@translation.override("en")
@csrf_exempt  # harvesters POST without a session; the endpoint only reads
def endpoint(request):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    arguments, repeated = _arguments(request)
    verb = arguments.pop("verb", None)
    response = Response(request, verb if verb in protocol.VERBS else None, arguments)
    if "verb" in repeated:
        return response.error(OAIError("badVerb", "The verb argument is repeated.")).http()
    if verb is None:
        return response.error(OAIError("badVerb", "The verb argument is missing.")).http()
    if verb not in protocol.VERBS:
        return response.error(OAIError("badVerb", f"'{verb[:40]}' is not an OAI-PMH verb.")).http()
    try:
        if repeated:
            raise OAIError("badArgument", f"Argument(s) given more than once: {', '.join(sorted(repeated))}.")
        protocol.check_arguments(verb, arguments)
        HANDLERS[verb](request, response, arguments)
    except OAIError as error:
        # Drop any half-built body: the document then holds the error alone.
        for child in list(response.root)[2:]:
            response.root.remove(child)
        return response.error(error).http()
    return response.http()


def identify(request, response, arguments):
    node = response.body("Identify")
    _sub(node, "repositoryName", archive_name())
    _sub(node, "baseURL", base_url(request))
    _sub(node, "protocolVersion", "2.0")
    for email in admin_emails():
        _sub(node, "adminEmail", email)
    earliest = records.earliest_datestamp() or timezone.now()
    _sub(node, "earliestDatestamp", format_datestamp(earliest))
    _sub(node, "deletedRecord", protocol.DELETED_RECORD)
    _sub(node, "granularity", protocol.GRANULARITY)
    namespace = protocol.namespace(request)
    if protocol.is_domain(namespace):
        description = _sub(node, "description")
        identifier = ET.SubElement(
            description,
            _q(OAI_IDENTIFIER_NS, "oai-identifier"),
            {_q(XSI_NS, "schemaLocation"): f"{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_SCHEMA}"},
        )
        _sub(identifier, "scheme", "oai", OAI_IDENTIFIER_NS)
        _sub(identifier, "repositoryIdentifier", namespace, OAI_IDENTIFIER_NS)
        _sub(identifier, "delimiter", ":", OAI_IDENTIFIER_NS)
        sample = records.public_artifacts().order_by("pk").values_list("accession_number", flat=True).first()
        _sub(identifier, "sampleIdentifier", f"oai:{namespace}:{sample or 'BFA-2025-0001'}", OAI_IDENTIFIER_NS)


def admin_emails() -> list[str]:
    configured = getattr(settings, "ARCHIVE_OAI_ADMIN_EMAILS", None)
    if configured:
        return list(configured)
    return [email for _, email in settings.ADMINS] or [settings.DEFAULT_FROM_EMAIL]


def list_metadata_formats(request, response, arguments):
    if "identifier" in arguments:
        _record_header(request, arguments["identifier"])  # idDoesNotExist if unknown
    node = response.body("ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        entry = _sub(node, "metadataFormat")
        _sub(entry, "metadataPrefix", prefix)
        _sub(entry, "schema", schema)
        _sub(entry, "metadataNamespace", namespace)


def list_sets(request, response, arguments):
    if "resumptionToken" in arguments:
        # Every set fits in one response, so this repository never issues a ListSets token.
        raise OAIError("badResumptionToken", "This repository issues no resumptionToken for ListSets.")
    node = response.body("ListSets")
    for spec, name in protocol.SETS:
        entry = _sub(node, "set")
        _sub(entry, "setSpec", spec)
        _sub(entry, "setName", name)


def _record_header(request, identifier: str) -> records.Header:
    accession = protocol.accession_of(request, identifier)
    header = records.find(accession) if accession else None
    if header is None:
        raise OAIError("idDoesNotExist", f"'{identifier[:100]}' is not the identifier of a record in this repository.")
    return header


def get_record(request, response, arguments):
    protocol.check_metadata_prefix(arguments["metadataPrefix"])
    header = _record_header(request, arguments["identifier"])
    if header.artifact is not None:
        records.prefetch_for_metadata([header.artifact])
    node = response.body("GetRecord")
    _write_record(request, node, header)


def _start_position(verb: str, arguments: dict[str, str]) -> tokens.Position:
    protocol.check_metadata_prefix(arguments["metadataPrefix"])
    window = protocol.parse_window(arguments.get("from"), arguments.get("until"))
    spec = protocol.check_set(arguments.get("set"))
    # Fix `until` now, so the pages of this list all describe the same moment.
    end = window.end or timezone.now().replace(microsecond=0)
    return tokens.Position(
        verb=verb,
        metadata_prefix=arguments["metadataPrefix"],
        set_spec=spec,
        start=window.start.isoformat() if window.start else None,
        end=end.isoformat(),
        after_id=0,
        cursor=0,
        complete_size=-1,
    )


def _list(request, response, arguments, verb: str):
    token = arguments.get("resumptionToken")
    position = tokens.redeem(token, verb) if token is not None else _start_position(verb, arguments)
    artifact_type = protocol.type_of_set(position.set_spec) if position.set_spec else ""
    if artifact_type is None:
        raise OAIError("noRecordsMatch", f"This repository has no set '{position.set_spec}'; see ListSets.")
    window = protocol.Window(
        datetime.datetime.fromisoformat(position.start) if position.start else None,
        datetime.datetime.fromisoformat(position.end),
    )
    page = records.select(window, artifact_type, after_id=position.after_id, limit=page_size())
    if position.complete_size < 0 and page.more:
        # Counted once, when the list starts: recounting on every page would cost a full
        # scan per page, and harvesters only need the size to show progress.
        position = dataclasses.replace(position, complete_size=records.count(window, artifact_type))
    if not page.headers:
        if token is not None:
            # Possible only if the rest of the list changed after the previous page was sent.
            raise OAIError("noRecordsMatch", "No records remain in this list: it changed during the harvest.")
        raise OAIError("noRecordsMatch", "No records match the given from, until and set arguments.")
    node = response.body(verb)
    if verb == "ListRecords":
        records.prefetch_for_metadata([h.artifact for h in page.headers if h.artifact is not None])
    for header in page.headers:
        if verb == "ListRecords":
            _write_record(request, node, header)
        else:
            _write_header(request, node, header)
    if position.cursor or page.more:
        attributes = {"completeListSize": str(position.complete_size), "cursor": str(position.cursor)}
        if page.more:
            following = dataclasses.replace(
                position, after_id=page.headers[-1].artifact_id, cursor=position.cursor + len(page.headers)
            )
            value, expires = tokens.issue(following)
            attributes["expirationDate"] = format_datestamp(expires)
            _sub(node, "resumptionToken", value, **attributes)
        else:
            _sub(node, "resumptionToken", "", **attributes)  # the empty token ends the list


def list_identifiers(request, response, arguments):
    _list(request, response, arguments, "ListIdentifiers")


def list_records(request, response, arguments):
    _list(request, response, arguments, "ListRecords")


def _write_header(request, parent, header: records.Header):
    node = _sub(parent, "header", status="deleted" if header.deleted else None)
    _sub(node, "identifier", protocol.make_identifier(request, header.accession))
    _sub(node, "datestamp", format_datestamp(header.datestamp))
    _sub(node, "setSpec", protocol.set_spec(header.artifact_type))


def _write_record(request, parent, header: records.Header):
    record = _sub(parent, "record")
    _write_header(request, record, header)
    if header.deleted:
        return  # a deleted record has a header only
    metadata = _sub(record, "metadata")
    dc = ET.SubElement(metadata, _q(OAI_DC_NS, "dc"), {_q(XSI_NS, "schemaLocation"): f"{OAI_DC_NS} {OAI_DC_SCHEMA}"})
    for element, value in records.dublin_core(header.artifact, request.build_absolute_uri):
        _sub(dc, element, value, DC_NS)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
