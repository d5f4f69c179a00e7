"""Photos whose fingerprints lie within a Hamming distance of given ones, as a viewer may
see them.

Exact, and index-friendly on every database. A fingerprint is four 16-bit bands, each
indexed; two fingerprints within distance t differ in at most t // 4 bits in some band
(pigeonhole: were every band t // 4 + 1 bits apart, the total would exceed t). So the
candidates are the rows whose band i is one of the 16-bit values within t // 4 bits of a
query's band i, for some i and some query: one statement of four IN lists joined by OR,
which each database answers from the four band indexes. Their exact distances are then
computed here, and only those within t are looked up, in ranked order, through
Photo.objects.visible_to(user): a photo the viewer may not see is never loaded, listed
or counted.

The IN lists hold integers this module computes, written into the statement as literals
(one list of a few thousand numbers per band rather than as many bound parameters, which
SQLite limits); the same statement runs on SQLite and PostgreSQL and gives the same rows.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from django.db import connection

from artifacts.models import Photo
from artifacts.similarity import hashing
from artifacts.similarity.models import BAND_BITS, BANDS, ImageFingerprint

# Matches within the threshold are looked up in ranked order this many at a time, until
# `limit` visible ones are found: usually one query.
LOOKUP_CHUNK = 200


@dataclass
class Match:
    photo: Photo  # with its artifact and fingerprint loaded
    distance: int  # differing bits, 0–64, to the nearest of the query fingerprints
    words: str  # near-identical / likely the same image / possibly related


@functools.cache
def _flips(radius: int) -> tuple[int, ...]:
    """Every 16-bit mask with at most `radius` bits set."""
    masks = []
    for count in range(radius + 1):
        for positions in combinations(range(BAND_BITS), count):
            masks.append(sum(1 << p for p in positions))
    return tuple(masks)


def band_neighbourhoods(fingerprints: Iterable[int], threshold: int) -> list[list[int]]:
    """For each band, the sorted values within threshold // BANDS bits of some query's band."""
    flips = _flips(max(0, threshold) // BANDS)
    found: list[set[int]] = [set() for _ in range(BANDS)]
    for value in fingerprints:
        for i, band in enumerate(hashing.bands(value)):
            found[i].update(band ^ mask for mask in flips)
    return [sorted(values) for values in found]


def candidates(fingerprints: list[int], threshold: int) -> list[tuple[int, int]]:
    """(photo id, fingerprint) of every stored fingerprint of the current algorithm that
    shares a band with one of `fingerprints` closely enough to be within `threshold`."""
    table = connection.ops.quote_name(ImageFingerprint._meta.db_table)
    photo_column = connection.ops.quote_name(ImageFingerprint._meta.get_field("photo").column)
    conditions = [
        f"{connection.ops.quote_name(f'band{i}')} IN ({','.join(map(str, values))})"
        for i, values in enumerate(band_neighbourhoods(fingerprints, threshold))
    ]
    # Only quoted names and integers computed above are written into the statement.
    sql = f"SELECT {photo_column}, value FROM {table} WHERE algorithm = %s AND ({' OR '.join(conditions)})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [hashing.ALGORITHM])
        return cursor.fetchall()


def find_similar(
    *,
    fingerprints: list[int],
    user,
    exclude_photo_ids: Iterable[int] = (),
    limit: int = 50,
    threshold: int = hashing.THRESHOLD,
) -> list[Match]:
    """Photos `user` may see whose fingerprints lie within `threshold` bits of one of
    `fingerprints` (a picture's query variants, or a record's photos), nearest first, ties
    by photo id; at most `limit`."""
    fingerprints = list(dict.fromkeys(fingerprints))
    if not fingerprints or limit <= 0:
        return []
    excluded = set(exclude_photo_ids)
    rows = [(pk, value) for pk, value in candidates(fingerprints, threshold) if pk not in excluded]
    if not rows:
        return []
    ids, values = zip(*rows, strict=True)
    # Distances over all candidates at once (tens of thousands at a million photos): the
    # per-row loop in Python was three quarters of a search's time (bench/SIMILARITY_RESULTS.md).
    # The signed values are viewed as unsigned first: numpy counts the bits of a negative
    # signed integer's absolute value, not of its two's complement.
    stored = np.array(values, dtype=np.int64).view(np.uint64)
    queries = np.array(fingerprints, dtype=np.int64).view(np.uint64)
    bits = np.bitwise_count(stored[:, None] ^ queries[None, :]).min(axis=1)
    nearest = {pk: int(b) for pk, b in zip(ids, bits, strict=True) if b <= threshold}
    ranked = sorted(nearest, key=lambda pk: (nearest[pk], pk))
    matches: list[Match] = []
    visible = Photo.objects.visible_to(user).select_related("artifact", "fingerprint").defer("exif")
    for start in range(0, len(ranked), LOOKUP_CHUNK):
        chunk = ranked[start : start + LOOKUP_CHUNK]
        found = {photo.pk: photo for photo in visible.filter(pk__in=chunk)}
        for pk in chunk:
            if pk in found:
                matches.append(Match(photo=found[pk], distance=nearest[pk], words=hashing.in_words(nearest[pk])))
                if len(matches) >= limit:
                    return matches
    return matches
