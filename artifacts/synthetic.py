"""Synthetic collections for benchmarks and integrity timing.

Realistic in shape, never in substance: every record is marked synthetic (accession prefix
SYN, a note in the description) so it can never be mistaken for evidence. Vocabulary is
Korean, Russian, Korean in Cyrillic transliteration and English, drawn with Zipf-like
weights; facet values are skewed the way real collections are.
"""

import datetime
import functools
import hashlib
import io
import random

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image

from artifacts.authorities.services import WordingLinker
from artifacts.choices import AccessLevel, ArtifactType, PublicationStatus, VerificationStatus
from artifacts.custody import chain, leaves, log
from artifacts.models import Artifact, CustodyEvent, Photo, Phrase, SearchDocument, SerialNumber, Text, normalize_serial
from artifacts.search import indexing
from artifacts.search.document import build_document
from artifacts.similarity.indexing import fingerprint_photos
from artifacts.synthetic_words import (
    ENGLISH,
    ENGLISH_SYLLABLES,
    KOREAN,
    KOREAN_SYLLABLES,
    PLACES,
    RUSSIAN,
    RUSSIAN_SYLLABLES,
    TRANSLIT,
    TRANSLIT_SYLLABLES,
    UNITS,
    Vocabulary,
    language_pool,
)

TYPES = [t.value for t in ArtifactType]


@functools.cache
def pools() -> dict:
    """Each language's vocabulary, built once per process (the same on every run)."""
    return {
        "ko": language_pool(KOREAN, KOREAN_SYLLABLES, seed=1),
        "ru": language_pool(RUSSIAN, RUSSIAN_SYLLABLES, seed=2),
        "ko-Cyrl": language_pool(TRANSLIT, TRANSLIT_SYLLABLES, seed=3),
        "en": language_pool(ENGLISH, ENGLISH_SYLLABLES, seed=4),
    }


def tiny_jpeg(seed: int, pattern: bytes = b"") -> bytes:
    """A 64 × 48 JPEG: a flat colour from `seed`, with a coarse 8 × 6 pattern of light and
    dark cells from `pattern` when given, so that photos of different records have
    different perceptual fingerprints (flat images would all hash alike)."""
    image = Image.new("RGB", (64, 48), ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    if pattern:
        cells = Image.frombytes("L", (8, 6), (pattern * 48)[:48]).resize((64, 48), Image.Resampling.NEAREST)
        image = Image.merge("RGB", [Image.blend(band, cells, 0.6) for band in image.split()])
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def generate(count: int, *, seed: int = 1, batch_size: int = 2000, photo_share: float = 0.3, progress=None) -> int:
    """Create `count` synthetic artifacts with texts, phrases, serials, photos and custody."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    start = Artifact.objects.filter(accession_number__startswith="SYN-").count()
    made = 0
    linker = WordingLinker()  # places and units become authorities, as entered records' do
    # Load, then build the search index once, then analyze (generate_synthetic does that).
    with indexing.bulk_loading():
        while made < count:
            size = min(batch_size, count - made)
            with transaction.atomic():
                _batch(vocab, rng, start + made, size, photo_share, linker)
            made += size
            if progress:
                progress(made, count)
    return made


def _batch(
    vocab: Vocabulary, rng: random.Random, offset: int, size: int, photo_share: float, linker: WordingLinker
) -> None:
    now = timezone.now()
    en, ru, ko, ko_cyrl = (pools()[language] for language in ("en", "ru", "ko", "ko-Cyrl"))
    artifacts = []
    for i in range(offset, offset + size):
        kind = vocab.skewed(TYPES)
        year, month = rng.choice([(2024, 10), (2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)])
        title = f"{kind.replace('_', ' ').capitalize()}: {vocab.words(en, 3)}"
        description = f"Synthetic record for benchmarking. {vocab.words(en, 25)} {vocab.words(ru, 6)}"
        date = f"{year}-{month:02d}"
        artifacts.append(
            Artifact(
                accession_number=f"SYN-{i + 1:07d}",
                title=title,
                artifact_type=kind,
                description=description,
                recovery_date=date,
                recovered_earliest=datetime.date(year, month, 1),
                recovered_latest=datetime.date(year, month, 28),
                recovery_place=vocab.skewed(PLACES),
                recovery_place_precision="region",
                recovering_unit=vocab.skewed(UNITS),
                verification_status=vocab.skewed([v.value for v in VerificationStatus]),
                status=PublicationStatus.PUBLISHED if rng.random() < 0.97 else PublicationStatus.DRAFT,
                access_level=rng.choices([0, 1, 2], weights=[90, 8, 2])[0],
                created_at=now,
                updated_at=now,
            )
        )
        linker.link(artifacts[-1])
    Artifact.objects.bulk_create(artifacts, batch_size=1000)
    texts, phrases, serials, photos, events, documents = [], [], [], [], [], []
    for artifact in artifacts:
        first_text, first_phrase, first_serial = len(texts), len(phrases), len(serials)
        if artifact.artifact_type in {"handwritten", "typed_document", "booklet"}:
            original, translit, translation = (
                vocab.words(ko, 12),
                vocab.words(ko_cyrl, 8),
                vocab.words(en, 14),
            )
            texts.append(
                Text(
                    artifact=artifact,
                    position=1,
                    original_text=original,
                    original_language="ko",
                    transliteration=translit,
                    transliteration_script="Cyrl",
                    translation=translation,
                )
            )
        if artifact.artifact_type == "phrase_list":
            for position in range(1, rng.randint(2, 6)):
                original, translit = vocab.words(ko, 3), vocab.words(ru, 3)
                translation = vocab.words(en, 4)
                phrases.append(
                    Phrase(
                        artifact=artifact,
                        position=position,
                        original_text=original,
                        transliteration=translit,
                        transliteration_script="Cyrl",
                        translation=translation,
                    )
                )
        if artifact.artifact_type in {"weapon", "gear"}:
            value = f"{rng.choice(['AK', 'RPK', 'SN', 'N'])}-{rng.randint(0, 99_999_999):08d}"
            serial = SerialNumber(artifact=artifact, value=value)
            serial.normalized = normalize_serial(value)
            serials.append(serial)
        # The search document is built here, from the objects in memory, and written in
        # bulk below: the same document the signals would write, without a query per row.
        documents.append(
            SearchDocument(
                artifact=artifact,
                **build_document(
                    artifact,
                    texts=texts[first_text:],
                    phrases=phrases[first_phrase:],
                    serial_numbers=serials[first_serial:],
                    object_details=None,
                    military_id=None,
                    languages=[],
                    sources=[],
                    annotations=[],
                ).as_dict(),
            )
        )
        if rng.random() < photo_share:
            photos.append(_photo(artifact, rng))
        events += _custody(artifact, rng, now)
    Text.objects.bulk_create(texts, batch_size=1000)
    Phrase.objects.bulk_create(phrases, batch_size=1000)
    SerialNumber.objects.bulk_create(serials, batch_size=1000)
    Photo.objects.bulk_create(photos, batch_size=1000)
    # bulk_create sends no signals: the same fingerprints the signal writes, in bulk.
    fingerprint_photos(photos)
    CustodyEvent.objects.bulk_create(events, batch_size=1000)
    SearchDocument.objects.bulk_create(documents, batch_size=1000)
    # The same leaves the custody services append, for the rows written in bulk above.
    log.append([leaves.for_event(e, entry_hash=e.entry_hash) for e in events] + [leaves.for_photo(p) for p in photos])


def _photo(artifact: Artifact, rng: random.Random) -> Photo:
    seed = rng.randint(0, 10_000)
    pattern = hashlib.sha256(f"{artifact.accession_number}-{seed}".encode()).digest()
    data = tiny_jpeg(seed, pattern)
    names = {}
    for kind in ("original", "thumbnail", "display"):
        token = hashlib.sha256(f"{artifact.accession_number}-{kind}".encode()).hexdigest()[:32]
        names[kind] = default_storage.save(f"synthetic/{token[:2]}/{token}.jpg", io.BytesIO(data))
    return Photo(
        artifact=artifact,
        caption="Synthetic image",
        original=names["original"],
        thumbnail=names["thumbnail"],
        display=names["display"],
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        image_format="JPEG",
        width=64,
        height=48,
        thumbnail_width=64,
        thumbnail_height=48,
        display_width=64,
        display_height=48,
        access_level=AccessLevel.PUBLIC,
    )


def _custody(artifact: Artifact, rng: random.Random, now) -> list[CustodyEvent]:
    events, previous = [], None
    for kind in ["recovery", "transfer", "digitisation"][: rng.randint(1, 3)]:
        event = CustodyEvent(
            artifact=artifact,
            event_type=kind,
            occurred=artifact.recovery_date,
            occurred_earliest=artifact.recovered_earliest,
            place=artifact.recovery_place,
            received_by=artifact.recovering_unit,
            note="Synthetic event.",
            recorded_at=now,
        )
        chain.seal(event, previous)
        previous = event
        events.append(event)
    return events
