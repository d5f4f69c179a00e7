"""What goes into an artifact's search document, at which weight.

Four weights, as PostgreSQL names them and as the FTS5 table has columns:

* A, title — the title.
* B, body — what is written on the object and what identifies it: texts and phrases
  (original, transliteration, translation), serial numbers, markings, maker and model,
  the kind of identity document, the accession number.
* C, description — the curator's description and the facts of recovery.
* D, notes — everything said about the record rather than the object: notes on texts,
  translators, attributions, provenance, verification, custody statements, sources.

Only what the record's public page shows is indexed. Personal data (held apart, with its
own access level), internal notes, photos and their captions (photos have access levels
of their own) are never read here, so a search can never reveal what a page withholds.
Transcribed regions (artifacts.annotations) are indexed like texts, but only those of
photos the public may see: a region of a restricted photo is never found by search, even
by a viewer who may see it on the page.
Which records a viewer may find is decided by visible_to() at query time, not here.
"""

from dataclasses import dataclass, field

from django.utils import translation

from artifacts.search.analyzer import GAP, analyze, marking_tokens, serial_tokens

WEIGHTS = ("title", "body", "description", "notes")  # A, B, C, D
MAX_FIELD_TOKENS = 8000  # PostgreSQL keeps positions up to 16,383 only; a letter is far shorter
MAX_VALUE_LENGTH = 100_000


@dataclass
class _Field:
    main: list[str] = field(default_factory=list)
    extra: dict[str, None] = field(default_factory=dict)  # ordered set

    def add(self, text: str, *, latin_aliases: bool = False) -> None:
        if not text:
            return
        analysis = analyze(text[:MAX_VALUE_LENGTH], latin_aliases=latin_aliases)
        if analysis.main:
            if self.main:
                self.main.append(GAP)
            self.main += analysis.main
        self.add_extra(analysis.extra)

    def add_extra(self, tokens) -> None:
        self.extra.update(dict.fromkeys(tokens))

    def tokens(self) -> str:
        # Aliases and serial tokens come after a gap, so they never sit inside a phrase.
        tokens = self.main + ([GAP, *self.extra] if self.extra else [])
        return " ".join(tokens[:MAX_FIELD_TOKENS])


@dataclass(frozen=True)
class Document:
    """The analyzed tokens of one artifact, one space-separated string per weight."""

    title: str
    body: str
    description: str
    notes: str

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in WEIGHTS}


FETCH = object()  # build_document: read this child through the artifact's relation


def public_annotations(artifact) -> list:
    """The transcribed regions of the artifact's photos that the public may see, in reading
    order: from `public_photos` if indexing.artifact_prefetch() fetched them, else read."""
    photos = getattr(artifact, "public_photos", None)
    if photos is not None:
        return [annotation for photo in photos for annotation in photo.annotations.all()]
    if artifact.pk is None:
        return []
    from django.contrib.auth.models import AnonymousUser

    from artifacts.annotations.models import PhotoAnnotation

    # The photo's own access decides; the artifact's is applied to every search at query time.
    visible = PhotoAnnotation.objects.visible_to(AnonymousUser(), artifact_checked=True)
    return list(visible.filter(photo__artifact=artifact).order_by("photo__position", "photo", "position", "pk"))


def _add_names(target: _Field, authority) -> None:
    for name in authority.names.all():
        target.add(name.name, latin_aliases=True)


# Labels (type, category) are indexed in English whatever language the saving page was in,
# so that a record's tokens never depend on who saved it last.
@translation.override("en")
def build_document(
    artifact,
    *,
    texts=FETCH,
    phrases=FETCH,
    serial_numbers=FETCH,
    object_details=FETCH,
    military_id=FETCH,
    languages=FETCH,
    sources=FETCH,
    annotations=FETCH,
) -> Document:
    """The search document of `artifact`. Children may be passed in (None for a missing
    one-to-one detail), as bulk indexing does from objects in memory; otherwise they are
    read through the artifact's relations, which a caller can prefetch (see
    indexing.artifact_prefetch())."""
    if texts is FETCH:
        texts = artifact.texts.all()
    if phrases is FETCH:
        phrases = artifact.phrases.all()
    if serial_numbers is FETCH:
        serial_numbers = artifact.serial_numbers.all()
    if object_details is FETCH:
        object_details = getattr(artifact, "object_details", None)
    if military_id is FETCH:
        military_id = getattr(artifact, "military_id", None)
    if languages is FETCH:
        languages = artifact.languages.all()
    if sources is FETCH:
        sources = artifact.sources.all()
    if annotations is FETCH:
        annotations = public_annotations(artifact)

    title, body, description, notes = _Field(), _Field(), _Field(), _Field()
    title.add(artifact.title)
    body.add_extra(serial_tokens(artifact.accession_number))
    for item in [*texts, *phrases]:
        body.add(item.original_text)
        body.add(item.transliteration, latin_aliases=True)
        body.add(item.translation)
        notes.add(item.translation_source)
    for text in texts:
        notes.add(text.label)
        notes.add(text.note)
        notes.add(text.attributed_author)
        notes.add(text.translator)
    for annotation in annotations:  # what is written in a region of a public photo
        body.add(annotation.transcription)
        body.add(annotation.transliteration, latin_aliases=True)
        body.add(annotation.translation)
        notes.add(annotation.label)
        notes.add(annotation.note)
    for serial in serial_numbers:
        body.add(serial.value)
        body.add_extra(serial_tokens(serial.value))
        notes.add(serial.location)
    if object_details is not None:
        for value in (object_details.manufacturer, object_details.model, object_details.calibre):
            body.add(value)
        body.add(object_details.markings)
        body.add_extra(marking_tokens(object_details.markings))
        description.add(object_details.country_of_manufacture)
        description.add(object_details.get_category_display() if object_details.category else "")
    if military_id is not None:
        body.add(military_id.document_type)
        body.add(military_id.issuing_authority)
    description.add(artifact.description)
    description.add(artifact.get_artifact_type_display())
    for value in (
        artifact.materials,
        artifact.condition,
        artifact.recovery_place,
        artifact.recovery_circumstances,
        artifact.recovering_unit,
    ):
        description.add(value)
    for value in (
        artifact.recovery_date_as_reported,
        artifact.current_custodian,
        artifact.provenance,
        artifact.verification_assessed_by,
        artifact.verification_statement,
    ):
        notes.add(value)
    for language in languages:
        notes.add(language.name)
    for source in sources:
        notes.add(source.title)
        notes.add(source.publisher)
        if source.publisher_organisation_id:
            _add_names(notes, source.publisher_organisation)
    # Authorities: every name in every language, so that Курщина, Kursk region and
    # 쿠르스크주 all find a record linked to that place (see artifacts.authorities).
    if artifact.place_id:
        _add_names(description, artifact.place)
    if artifact.recovered_by_id:
        _add_names(description, artifact.recovered_by)
    if artifact.custodian_id:
        _add_names(notes, artifact.custodian)
    if military_id is not None and military_id.issuer_id:
        _add_names(body, military_id.issuer)
    return Document(title.tokens(), body.tokens(), description.tokens(), notes.tokens())
