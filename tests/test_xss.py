"""Hostile text in any field of any record is shown as text, never run as markup.

Records reach the archive through curators' forms, but also through imports and the demo
loader, which bypass form validation. So every text field of every model (found by
walking the models' fields, not listed by hand) is filled with a script-injection
payload, and every kind of page — public, researcher, staff, JSON, XML, the curators'
admin — is read back with an HTML parser, as a browser would read it: no injected
element, no event-handler attribute, no `javascript:` link, no script that runs. And each
field's value must show up on some page in its escaped form, so a field that silently
stopped rendering cannot make the test pass.

Each payload carries a number identifying the field it was stored in (alert(3017) is
payload 3, field 17), so a failure names the field that leaked.
"""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.html import escape

from artifacts.choices import AccessLevel, ArtifactType
from artifacts.custody import services as custody_services
from artifacts.edtf_dates import EDTFField
from artifacts.models import (
    Artifact,
    CustodyAttachment,
    CustodyEvent,
    Language,
    MilitaryIDDetails,
    ObjectDetails,
    PersonalDatum,
    Photo,
    Phrase,
    Relation,
    SerialNumber,
    Source,
    SourceCitation,
    Text,
)
from artifacts.templatetags.archive import web_url
from tests.factories import ArtifactFactory, make_photo

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
User = get_user_model()

# {n} becomes the field's number. The first six are the classic families: a script
# element, breaking out of an attribute into a new element, a dangerous URL scheme,
# breaking out of a textarea, template-language syntax, and a new attribute inside a
# single-quoted one. The last three are spellings of dangerous URLs that browsers accept.
PAYLOADS = [
    "<script>alert({n})</script>",
    '"><img src=x onerror=alert({n})>',
    "javascript:alert({n})",
    "</textarea><svg onload=alert({n})>",
    "{{{{7*7}}}}{{% debug %}}{n}",
    "' onmouseover='alert({n})",
    "JaVaScRiPt:alert({n})",
    "\tjava\nscript:alert({n})",
    "data:text/html,<script>alert({n})</script>",
]
# For fields too short for the payloads above (language codes): still breaks out of an
# attribute and opens an element, <x-N>, that no template of ours ever writes.
SHORT = "\"'><x-{n}>"

# Text fields the archive computes itself, or whose values a vocabulary or a parser
# constrains (choices and EDTF dates are checked on their own terms elsewhere).
COMPUTED = {
    (Artifact, "accession_number"),
    (SerialNumber, "normalized"),
    (Photo, "sha256"),
    (Photo, "image_format"),
    (CustodyEvent, "previous_hash"),
    (CustodyEvent, "entry_hash"),
    (CustodyAttachment, "sha256"),
}
MODELS = [
    Artifact,
    Text,
    Phrase,
    Source,
    SourceCitation,
    Relation,
    ObjectDetails,
    MilitaryIDDetails,
    SerialNumber,
    PersonalDatum,
    Photo,
    CustodyEvent,
    CustodyAttachment,
    Language,
    User,
]
USER_FIELDS = {"first_name", "last_name"}  # shown as who recorded a custody event
# Stored but displayed nowhere yet, so there is nothing to escape (kept for provenance).
NOT_SHOWN = {"Photo.original_name"}


def text_fields(model) -> list[str]:
    names = []
    for field in model._meta.get_fields():
        if not isinstance(field, models.CharField | models.TextField) or field.choices or isinstance(field, EDTFField):
            continue
        if (model, field.name) in COMPUTED or (model is User and field.name not in USER_FIELDS):
            continue
        names.append(field.name)
    return names


FIELDS = [(model, name) for model in MODELS for name in text_fields(model)]
FIELD_NUMBER = {field: number for number, field in enumerate(FIELDS, start=1)}


def payload_for(payload: int, model, name: str) -> str:
    number = payload * 1000 + FIELD_NUMBER[(model, name)]
    field = model._meta.get_field(name)
    value = PAYLOADS[payload].format(n=number)
    if field.max_length and len(value) > field.max_length:
        value = SHORT.format(n=number)
    assert not field.max_length or len(value) <= field.max_length, (model, name)
    return value


def values_for(payload: int, model, **fixed) -> dict:
    return {name: payload_for(payload, model, name) for name in text_fields(model) if name not in fixed} | fixed


def build_record(payload: int, staff) -> Artifact:
    """One published, public artifact with every related record, all text hostile."""
    artifact = ArtifactFactory(**values_for(payload, Artifact), artifact_type=ArtifactType.WEAPON)
    language = Language.objects.create(**values_for(payload, Language))
    artifact.languages.add(language)
    text = Text.objects.create(artifact=artifact, **values_for(payload, Text))
    Phrase.objects.create(artifact=artifact, position=1, **values_for(payload, Phrase))
    source = Source.objects.create(**values_for(payload, Source))
    SourceCitation.objects.create(artifact=artifact, source=source, **values_for(payload, SourceCitation))
    other = ArtifactFactory(title=f"Plain neighbour {payload}")
    Relation.objects.create(
        from_artifact=artifact, to_artifact=other, relation_type="recovered_together", **values_for(payload, Relation)
    )
    ObjectDetails.objects.create(artifact=artifact, **values_for(payload, ObjectDetails))
    MilitaryIDDetails.objects.create(artifact=artifact, **values_for(payload, MilitaryIDDetails))
    SerialNumber.objects.create(artifact=artifact, **values_for(payload, SerialNumber))
    for level in (AccessLevel.RESEARCHERS, AccessLevel.STAFF):
        PersonalDatum.objects.create(
            artifact=artifact, text=text, field="name", access_level=level, **values_for(payload, PersonalDatum)
        )
    photo = make_photo(artifact, caption="placeholder")
    Photo.objects.filter(pk=photo.pk).update(**values_for(payload, Photo))
    attachment_values = values_for(payload, CustodyAttachment)
    document = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed transfer form")
    # An upload's name setter keeps only the last path segment; an importer reading names
    # from a manifest has no such step, so the whole hostile name is given here.
    document._name = attachment_values["original_name"]
    event = custody_services.record_custody_event(
        artifact=artifact,
        event_type="recovery",
        recorded_by=staff,
        occurred="2025-01",
        attachments=[(document, attachment_values["description"])],
        **values_for(payload, CustodyEvent),
    )
    custody_services.record_custody_event(
        artifact=artifact, event_type="correction", recorded_by=staff, corrects=event, note=f"{payload} corrected"
    )
    return artifact


STAFF_PASSWORD = "hostile-input curator passphrase"


def seed_hostile_records() -> dict:
    """Every payload in every field: used here and, through `manage.py shell`, to seed
    the server the browser test drives."""
    staff = User.objects.create_user(
        "curator", password=STAFF_PASSWORD, is_staff=True, is_superuser=True, **values_for(0, User)
    )
    researcher = User.objects.create_user("researcher")
    researcher.groups.add(Group.objects.get(name="Researcher"))
    records = [build_record(payload, staff) for payload in range(len(PAYLOADS))]
    return {"records": records, "staff": staff, "researcher": researcher}


@pytest.fixture
def hostile_records(db):
    return seed_hostile_records()


# Reading pages as a browser would --------------------------------------------------------

JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcdoc", "background"}


def dangerous_url(value: str) -> bool:
    """Whether a browser would run this URL: it drops tabs and newlines anywhere and
    control characters and spaces around it before reading the scheme."""
    url = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21)))).lower()
    return url.startswith(("javascript:", "vbscript:", "data:text/html", "data:image/svg"))


class InjectionFinder(HTMLParser):
    """Collects everything in a page that would run or that our templates never write."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.script = None  # the kind of <script> being read: "js", "json" or "other"
        self.data_blocks = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag.startswith("x-"):
            self.found.append(f"injected element <{tag}>")
        if tag == "img" and attributes.get("src") == "x":
            self.found.append("injected <img src=x>")
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            # Browsers never run a data block such as JSON-LD; its text must still be
            # whole JSON, or a value has ended the element early.
            self.script = "json" if kind.endswith("json") else "js" if kind in JS_TYPES else "other"
            if self.script == "json":
                self.data_blocks.append("")
            if attributes.get("src") and dangerous_url(attributes["src"]):
                self.found.append(f"script from {attributes['src']!r}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and value and dangerous_url(value):
                self.found.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            if self.script == "json":
                try:
                    json.loads(self.data_blocks[-1])
                except ValueError:
                    self.found.append(f"a JSON data block cut short: {self.data_blocks[-1][-80:]!r}")
            self.script = None

    def handle_data(self, data):
        if self.script == "js" and "alert(" in data:
            self.found.append(f"script that runs: {data.strip()[:80]!r}")
        elif self.script == "json":
            self.data_blocks[-1] += data


def injections(html: str) -> list[str]:
    finder = InjectionFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def stored_values(records) -> dict[tuple, str]:
    """(model, field, payload) → the hostile value stored in that field."""
    values = {}
    for payload in range(len(records)):
        for model, name in FIELDS:
            values[(model, name, payload)] = payload_for(payload, model, name)
    return values


def rendered(html: str, values: dict) -> set[tuple]:
    """The (model, field, payload) whose value appears in the page, escaped."""
    return {key for key, value in values.items() if escape(value) in html}


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html"), url
    html = response.content.decode()
    found = injections(html)
    assert not found, (url, found[:5])
    return html


def public_pages(records) -> list[str]:
    searches = [
        {"q": PAYLOADS[payload].format(n=payload * 1000 + FIELD_NUMBER[(Artifact, "title")])}
        for payload in range(len(PAYLOADS))
    ]
    reflected = [{"place": value, "unit": value, "recovered_from": value, "type": value} for value in PAYLOADS]
    return [
        "/",
        "/artifacts/",
        *(f"/artifacts/?{urlencode(query)}" for query in searches + reflected),
        *(record.get_absolute_url() for record in records),
    ]


# Payloads whose families differ for the admin's forms (script element, attribute
# break-out, textarea break-out, single-quoted attribute): the other payloads repeat
# these there, and each admin page is slow to render.
ADMIN_FOCUS = (0, 1, 3, 5)


def admin_pages(records) -> list[str]:
    pages = []
    for name in ("artifact", "photo", "source", "custodyevent", "language"):
        pages.append(f"/admin/artifacts/{name}/")
        pages.append(f"/admin/artifacts/{name}/?{urlencode({'q': PAYLOADS[0].format(n=0)})}")
    for payload, record in enumerate(records):
        objects = [("artifact", record.pk)]
        if payload in ADMIN_FOCUS:
            objects += [("photo", pk) for pk in record.photos.values_list("pk", flat=True)]
            objects += [("source", pk) for pk in record.sources.values_list("pk", flat=True)]
            objects += [("custodyevent", pk) for pk in record.custody_events.values_list("pk", flat=True)]
            objects += [("language", pk) for pk in record.languages.values_list("pk", flat=True)]
        for name, pk in objects:
            pages += [f"/admin/artifacts/{name}/{pk}/change/", f"/admin/artifacts/{name}/{pk}/history/"]
    return pages


# The tests -------------------------------------------------------------------------------


def test_public_pages_show_hostile_text_as_text(client, hostile_records):
    records = hostile_records["records"]
    values = stored_values(records)
    seen = set()
    pages = public_pages(records)
    for url in pages:
        seen |= rendered(read(client, url), values)
    # Searching for the hostile title finds the record (and shows the query back safely).
    for payload in range(len(PAYLOADS)):
        title = records[payload].title
        response = client.get("/artifacts/", {"q": title})
        assert records[payload] in response.context["artifacts"], title
        assert escape(title) in response.content.decode()
    # Highlighted titles and snippets: record text cut into pieces and wrapped in <mark>.
    html = read(client, "/artifacts/?q=alert+script")
    assert "<mark>" in html and 'class="snippet"' in html
    seen |= rendered(html, values)
    # What anonymous visitors read includes the public text of every kind of record.
    for model in (Artifact, Text, Phrase, Source, SourceCitation, Relation, ObjectDetails, SerialNumber, Photo):
        assert any(key[0] is model for key in seen), f"no {model.__name__} text reached a public page"
    # …and never the staff-only text.
    assert not any(key[:2] == (Artifact, "internal_notes") for key in seen)
    assert not any(key[0] is PersonalDatum for key in seen)
    print(f"public: {len(pages)} pages × {len(PAYLOADS)} payloads, {len(seen)} (field, payload) pairs rendered")


def test_record_pages_for_researchers_and_staff_show_hostile_text_as_text(client, hostile_records):
    records = hostile_records["records"]
    values = stored_values(records)
    seen = {}
    for role in ("researcher", "staff"):
        client.force_login(hostile_records[role])
        seen[role] = set()
        for record in records:
            seen[role] |= rendered(read(client, record.get_absolute_url()), values)
    assert any(key[0] is PersonalDatum for key in seen["researcher"])
    assert any(key[:2] == (Artifact, "internal_notes") for key in seen["staff"])
    assert any(key[0] is User for key in seen["staff"])


def test_admin_pages_show_hostile_text_as_text(client, hostile_records):
    records = hostile_records["records"]
    client.force_login(hostile_records["staff"])
    values = stored_values(records)
    seen = set()
    pages = admin_pages(records)
    for url in pages:
        seen |= rendered(read(client, url), values)
    print(f"admin: {len(pages)} pages")
    # Every field of every model can be read (and so checked) somewhere in the admin or
    # on the staff view of the record.
    for record in records:
        seen |= rendered(read(client, record.get_absolute_url()), values)
    shown = {key[:2] for key in seen}
    missing = {f"{model.__name__}.{name}" for model, name in FIELDS if (model, name) not in shown}
    assert missing <= NOT_SHOWN, "these fields were never shown, so never checked"


def data(client, url: str, kind: str) -> bytes:
    """A data response: never served as a page a browser would render or sniff as one."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content_type = response["Content-Type"].split(";")[0].strip()
    assert kind in content_type and content_type != "text/html", (url, content_type)
    assert response["X-Content-Type-Options"] == "nosniff", url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_data_downloads_carry_hostile_text_as_data(client, hostile_records):
    records = hostile_records["records"]
    for record in records:
        url = record.get_absolute_url()
        custody = json.loads(data(client, f"{url}custody.json", "json"))
        assert custody["title"] == record.title  # the text exactly as stored
        citation = json.loads(data(client, f"{url}citation.json", "json"))
        assert citation[0]["title"].startswith(record.title.strip()[:8])
        json.loads(data(client, f"/iiif/{record.accession_number}/manifest.json", "json"))
        detail = json.loads(data(client, f"/api/artifacts/{record.accession_number}/", "json"))
        assert detail["title"] == record.title
    listing = json.loads(data(client, "/api/artifacts/?per_page=100", "json"))
    assert {r.title for r in records} <= {item["title"] for item in listing["results"]}
    download = json.loads(data(client, "/artifacts.json", "json"))
    assert download
    data(client, "/artifacts.csv", "csv").decode("utf-8")
    for url in ("/sitemap.xml", "/oai/?verb=ListRecords&metadataPrefix=oai_dc"):
        tree = ET.fromstring(data(client, url, "xml"))  # noqa: S314 (our own response) well-formed
        assert len(tree)
    sitemap = ET.fromstring(data(client, "/sitemap.xml", "xml"))  # noqa: S314
    locations = {element.text for element in sitemap.iter() if element.tag.endswith("loc")}
    assert {f"http://testserver{r.get_absolute_url()}" for r in records} <= locations


@pytest.mark.parametrize(
    "path",
    [
        "/artifacts/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E/",
        "/artifacts/%27%20onmouseover%3D%27alert(3)/?next=javascript:alert(4)",
        "/nothing/?q=%3C%2Ftextarea%3E%3Csvg%20onload%3Dalert(5)%3E",
    ],
)
def test_the_not_found_page_shows_a_hostile_address_as_text(client, settings, path):
    settings.DEBUG = False  # our own error page, not Django's debugging one
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html
    assert injections(html) == []
    # The address comes back only inside the log-in link, percent-encoded.
    login = re.search(r'href="(/accounts/login/\?next=[^"]*)"', html).group(1)
    assert not re.search(r"[<>\"' ]", login), login


@pytest.mark.parametrize(
    ("value", "linked"),
    [
        ("https://news.example.org/report", True),
        ("http://news.example.org/report?a=1&b=2", True),
        ("HTTPS://NEWS.EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("\tjava\nscript:alert(1)", False),
        ("java\x00script:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/", False),
        ("/relative/path", False),
        ("https://[broken", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_addresses_become_links(value, linked):
    assert (web_url(value) != "") is linked


def test_a_source_address_that_is_not_a_web_address_is_shown_but_not_linked(client):
    artifact = ArtifactFactory()
    source = Source.objects.create(
        title="Hostile report", publisher="Example", url="javascript:alert(1)", archived_url="https://archive.example/x"
    )
    SourceCitation.objects.create(artifact=artifact, source=source)
    html = read(client, artifact.get_absolute_url())
    assert '<span class="url">javascript:alert(1)</span>' in html
    assert 'href="https://archive.example/x"' in html
    assert "Hostile report</a>" not in html  # the title is not a link


# The templates themselves ----------------------------------------------------------------

# Marking text safe is allowed only where the text is the project's own, never a record's.
ALLOWED_SAFE = {
    # Help texts are written by developers in the model definitions (as in Django's admin).
    ("templates/_form_field.html", "{{ field.help_text|safe }}"),
}
UNSAFE_TEMPLATE = re.compile(r"\|\s*safe\b|\{%\s*autoescape\s+off|\{%\s*filter\s+[^%]*\bsafe\b|\|\s*safeseq\b")


def test_templates_never_switch_escaping_off_for_record_data():
    offending = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in UNSAFE_TEMPLATE.finditer(line):
                start = line.rfind("{{", 0, match.start())
                snippet = line[start : line.find("}}", match.end()) + 2] if start >= 0 else match.group()
                if (str(path.relative_to(ROOT)), snippet) not in ALLOWED_SAFE:
                    offending.append(f"{path.relative_to(ROOT)}: {snippet}")
    assert offending == []
