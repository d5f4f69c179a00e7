"""Which perceptual hash, and which thresholds, find copies of a photo and nothing else.

On the test set of tests/similarity_photos.py (real photographs bundled with
scikit-image and their transformed copies), for each candidate hash from ImageHash, with
and without trimming a flat frame (hashing.prepare) before hashing:

- every original is stored, as the archive stores a photo's fingerprint;
- every copy is a query: its 8 turned and mirrored variants are hashed, as
  hashing.query_variants does, and its distance to a stored photo is the smallest over
  the variants;
- a copy within the threshold of its own original is a true match, within the threshold
  of any other original a false one. Recall per transformation is the share of copies
  found; precision the share of true matches among all matches. The originals are also
  queried against each other ("unrelated"), which only counts false matches.

    python bench/similarity_quality.py [--markdown] [--only phash+trim]

Prints the tables of bench/SIMILARITY_RESULTS.md. Deterministic: the same numbers on
every run.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")

import django  # noqa: E402

django.setup()

import imagehash  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from artifacts.similarity import hashing  # noqa: E402
from tests import similarity_photos as photos  # noqa: E402

THRESHOLDS = (2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
TURNS = (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270)


def _as_int(value) -> int:
    bits = value.hash.flatten()
    return int("".join("1" if bit else "0" for bit in bits), 2)


def _plain(image):
    return image.convert("RGB")


# name -> (hash function of a PIL image returning ImageHash, preprocessing, bits)
CANDIDATES = {
    "phash": (imagehash.phash, _plain, 64),
    "phash+trim": (imagehash.phash, hashing.prepare, 64),
    "dhash": (imagehash.dhash, _plain, 64),
    "dhash+trim": (imagehash.dhash, hashing.prepare, 64),
    "whash": (imagehash.whash, _plain, 64),
    "whash+trim": (imagehash.whash, hashing.prepare, 64),
    "ahash": (imagehash.average_hash, _plain, 64),
    "ahash+trim": (imagehash.average_hash, hashing.prepare, 64),
    "colorhash": (imagehash.colorhash, _plain, 42),
}


def variants(image, hash_function, preprocess) -> set[int]:
    image = preprocess(image)
    found = set()
    for candidate in (image, ImageOps.mirror(image)):
        for turn in TURNS:
            found.add(_as_int(hash_function(candidate.transpose(turn) if turn else candidate)))
    return found


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def measure(candidate: str) -> dict:
    """Distances of every copy to its original ("true") and to every other original
    ("false"), per transformation; "unrelated" holds originals against each other."""
    hash_function, preprocess, _bits = CANDIDATES[candidate]
    stored = {name: _as_int(hash_function(preprocess(photos.original(name)))) for name in photos.ORIGINALS}
    true, false = {}, {}
    for name, transformation, image in photos.copies():
        query = variants(image, hash_function, preprocess)
        nearest = {other: min(distance(q, value) for q in query) for other, value in stored.items()}
        true.setdefault(transformation, []).append(nearest.pop(name))
        false.setdefault(transformation, []).extend(nearest.values())
    for name in photos.ORIGINALS:
        query = variants(photos.original(name), hash_function, preprocess)
        false.setdefault("unrelated", []).extend(
            min(distance(q, value) for q in query) for other, value in stored.items() if other != name
        )
    left, right = photos.other_view()
    other_view = min(
        distance(q, _as_int(hash_function(preprocess(left)))) for q in variants(right, hash_function, preprocess)
    )
    return {"true": true, "false": false, "other_view": other_view}


def recall_precision(result, transformation, threshold):
    found = sum(d <= threshold for d in result["true"].get(transformation, []))
    wrong = sum(d <= threshold for d in result["false"][transformation])
    total = len(result["true"].get(transformation, []))
    recall = found / total if total else None
    precision = found / (found + wrong) if found + wrong else None
    return recall, precision, wrong


def _pct(value):
    return "–" if value is None else f"{100 * value:.0f}"


def table(candidate, result) -> list[str]:
    rows = [f"#### {candidate}", "", "Recall / precision, %, at each threshold (differing bits):", ""]
    rows.append("| copy | " + " | ".join(f"≤ {t}" for t in THRESHOLDS) + " |")
    rows.append("|---|" + "---:|" * len(THRESHOLDS))
    for transformation, (label, _function) in photos.TRANSFORMATIONS.items():
        cells = []
        for threshold in THRESHOLDS:
            recall, precision, _wrong = recall_precision(result, transformation, threshold)
            cells.append(f"{_pct(recall)} / {_pct(precision)}")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    everything = [d for ds in result["false"].values() for d in ds]
    cells = [str(sum(d <= t for d in everything)) for t in THRESHOLDS]
    rows.append(f"| false matches, of {len(everything)} unrelated pairs | " + " | ".join(cells) + " |")
    rows.append("")
    return rows


def summary(results) -> list[str]:
    """One line per candidate: the recall over all copies at the threshold where the
    first false match appears minus one, and distances."""
    chosen = hashing.THRESHOLD
    rows = [
        "| hash | largest threshold with no false match | copies found there | "
        f"copies found / false matches at ≤ {chosen} | nearest unrelated pair | other view of the motorcycle |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for candidate, result in results.items():
        everything = [d for ds in result["false"].values() for d in ds]
        safe = min(everything) - 1
        copies = [d for ds in result["true"].values() for d in ds]
        found = sum(d <= safe for d in copies)
        at_chosen = sum(d <= chosen for d in copies)
        wrong = sum(d <= chosen for d in everything)
        rows.append(
            f"| {candidate} | {safe} | {found} of {len(copies)} ({100 * found / len(copies):.0f} %) | "
            f"{at_chosen} ({100 * at_chosen / len(copies):.0f} %) / {wrong} | "
            f"{min(everything)} | {result['other_view']} |"
        )
    rows.append("")
    return rows


def distances(candidate, result) -> list[str]:
    rows = [
        f"#### {candidate}: distances of the copies to their originals",
        "",
        "| copy | smallest | median | largest | photos beyond 10 bits (their distance) |",
        "|---|---:|---:|---:|---|",
    ]
    names = list(photos.ORIGINALS)
    for transformation, (label, _function) in photos.TRANSFORMATIONS.items():
        ds = result["true"][transformation]
        beyond = ", ".join(f"{names[i]} ({d})" for i, d in enumerate(ds) if d > 10) or "none"
        rows.append(f"| {label} | {min(ds)} | {statistics.median(ds):g} | {max(ds)} | {beyond} |")
    unrelated = sorted(d for ds in result["false"].values() for d in ds)
    quantile = statistics.quantiles(unrelated, n=100)
    rows += [
        "",
        f"Unrelated pairs ({len(unrelated)}: every copy and every original against every other original): "
        f"smallest {unrelated[0]}, 1st percentile {quantile[0]:g}, 5th {quantile[4]:g}, median "
        f"{statistics.median(unrelated):g}.",
        "",
    ]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=list(CANDIDATES), help="candidates to measure (default: all)")
    args = parser.parse_args()
    chosen = ("phash+trim",)  # what hashing.fingerprint does
    results = {}
    for candidate in args.only or CANDIDATES:
        started = time.perf_counter()
        results[candidate] = measure(candidate)
        print(f"{candidate}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    lines = ["### Summary", ""] + summary(results)
    lines += ["### Per transformation", ""]
    for candidate, result in results.items():
        lines += table(candidate, result)
    for candidate in chosen:
        if candidate in results:
            lines += distances(candidate, results[candidate])
    print("\n".join(lines))


if __name__ == "__main__":
    main()
