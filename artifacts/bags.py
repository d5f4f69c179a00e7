"""BagIt transfer packages (RFC 8493) of one artifact or many, built with the Library of
Congress `bagit` library, for other archives, courts and researchers.

A bag holds what the exporting account may see, decided by the same access policy as
the pages (visible_to(user)); the command exports as an anonymous visitor unless told
otherwise. Original files (and custody attachments) go only into exports by staff with the
"view original files" permission, as on the site: originals keep the camera's metadata,
which can locate people.

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/README.txt
    data/bfa-verify.pyz                 the researchers' checker (python3 bfa-verify.pyz …)
    data/<ACCESSION>/metadata.json      the record (artifacts.bag_metadata)
    data/<ACCESSION>/custody.json       the custody record, as /artifacts/<acc>/custody.json
    data/<ACCESSION>/files/             photo-<id>-display.jpg, photo-<id>-thumbnail.jpg;
                                        staff only: photo-<id>-original.<format> and
                                        custody attachments named by their SHA-256

The bag is assembled in a temporary folder next to its destination and renamed into
place when complete, so a failure never leaves a half-written bag. Every original is
re-hashed while it is copied; one that no longer matches its recorded SHA-256 stops the
export rather than travel as if it were intact.
"""

import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import bagit
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from artifacts.access import takes_originals, viewer_level
from artifacts.bag_metadata import artifact_document, photo_names
from artifacts.custody import checker_zip
from artifacts.custody.record import custody_document
from artifacts.models import Photo
from artifacts.templatetags.archive import archive_name

CHUNK = 1 << 20
README = """\
This bag was exported from {archive} on {date}.

It holds {count} artifact record(s) as visible to {audience}.
Each folder is named by accession number and holds:

  metadata.json  the record: description, recovery, verification, texts, phrases,
                 sources, relations, and the images listed with their captions,
                 credits and the SHA-256 of each original file
  custody.json   the chain-of-custody record; check it with the archive's
                 standalone checker, included:  python3 ../bfa-verify.pyz custody.json{files_hint}
                 (run it from the artifact's folder)
  files/         the images (display and thumbnail derivatives, without metadata){originals}

Images marked "is_illustration" are illustrations made for the archive, not photographs
of the artifact. Images marked "graphic_content" may be distressing.
Check this bag's own fixity with the Library of Congress bagit tool: bagit.py --validate DIR
"""


class BagError(Exception):
    """The export cannot be made; the message says why, for the person exporting."""


@dataclass
class BagSummary:
    path: Path
    artifacts: int
    files: int
    bytes: int
    originals_included: bool


def audience(user) -> str:
    if user is None or not user.is_authenticated:
        return "an anonymous visitor (public records only)"
    return f"the account {user.get_username()} (access level: {viewer_level(user).label})"


def _copy(fieldfile, target: Path, *, expected_sha256: str = "", label: str) -> int:
    """Copy a stored file into the bag, re-hashing it against its recorded digest."""
    if not fieldfile.name or not fieldfile.storage.exists(fieldfile.name):
        raise BagError(f"{label}: the stored file is missing ({fieldfile.name or 'none recorded'}).")
    digest = hashlib.sha256()
    size = 0
    with fieldfile.storage.open(fieldfile.name, "rb") as source, target.open("wb") as copy:
        for block in iter(lambda: source.read(CHUNK), b""):
            digest.update(block)
            copy.write(block)
            size += len(block)
    if expected_sha256 and digest.hexdigest() != expected_sha256:
        raise BagError(
            f"{label}: the stored file no longer matches its recorded SHA-256 (recorded {expected_sha256}, "
            f"now {digest.hexdigest()}). Nothing was exported; run manage.py verify_integrity."
        )
    return size


def _write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _fill(payload: Path, artifacts, user, base_url: str) -> tuple[int, int, int]:
    originals = takes_originals(user)
    count = files = size = 0
    for artifact in artifacts:
        folder = payload / artifact.accession_number
        (folder / "files").mkdir(parents=True)
        photos = list(
            Photo.objects.visible_to(user)
            .filter(artifact=artifact)
            .select_related("artifact")
            .defer("exif")
            .order_by("position", "pk")
        )
        _write_json(folder / "metadata.json", artifact_document(artifact, photos, user, base_url))
        _write_json(folder / "custody.json", custody_document(artifact, photos))
        for photo in photos:
            names = photo_names(photo)
            kinds = ("original", "display", "thumbnail") if originals else ("display", "thumbnail")
            for kind in kinds:
                expected = photo.sha256 if kind == "original" else ""
                target = folder / "files" / names[kind]
                size += _copy(getattr(photo, kind), target, expected_sha256=expected, label=f"photo {photo.pk} {kind}")
                files += 1
        if originals:
            for event in artifact.custody_events.prefetch_related("attachments").order_by("sequence"):
                for attachment in event.attachments.all():
                    label = f"custody event {event.sequence} attachment {attachment.original_name}"
                    target = folder / "files" / attachment.sha256
                    size += _copy(attachment.file, target, expected_sha256=attachment.sha256, label=label)
                    files += 1
        count += 1
    return count, files, size


def make(artifacts, out: Path, *, user=None, base_url: str = "", description: str = "") -> BagSummary:
    """Write a validated bag of `artifacts` (a queryset already limited to what `user` may
    see) to the new or empty folder `out`."""
    user = user or AnonymousUser()
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BagError(f"{out} already exists and is not an empty folder; choose a new one.")
    if not out.parent.is_dir():
        raise BagError(f"The folder {out.parent} does not exist.")
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        count, files, size = _fill(staging, artifacts.iterator(chunk_size=100), user, base_url)
        if not count:
            raise BagError("No artifacts to export: none matched that the exporting account may see.")
        originals = takes_originals(user)
        checker_zip.write(staging / "bfa-verify.pyz")
        (staging / "README.txt").write_text(
            README.format(
                archive=archive_name(),
                date=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
                count=count,
                audience=audience(user),
                files_hint=" --files files" if originals else "",
                originals="\n                 and the original files, byte for byte, with the custody attachments"
                if originals
                else "\n                 (original files go only into exports by staff allowed to take them)",
            ),
            encoding="utf-8",
        )
        bag_info = {
            "Source-Organization": archive_name(),
            "External-Description": description or f"{count} artifact record(s) exported for {audience(user)}.",
            "Exported-For": audience(user),
            "Originals-Included": "yes" if originals else "no: original files go to staff allowed to take originals",
        }
        bag = bagit.make_bag(str(staging), bag_info=bag_info, checksums=["sha256"])
        bag.validate()
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BagSummary(out, count, files, size, originals_included=originals)


def zipped(artifacts, *, user, base_url: str = "", description: str = ""):
    """The bag as a zip in an anonymous temporary file (deleted when closed), and a name."""
    name = f"{archive_name().replace(' ', '-')}-bag-{timezone.now():%Y%m%d-%H%M%S}"
    with tempfile.TemporaryDirectory(prefix="bag-") as workdir:
        summary = make(artifacts, Path(workdir) / name, user=user, base_url=base_url, description=description)
        archive = tempfile.TemporaryFile()  # noqa: SIM115 (returned open; the caller's response closes it)
        try:
            with zipfile.ZipFile(archive, "w") as zipped_bag:
                for path in sorted(summary.path.rglob("*")):
                    if path.is_file():
                        # Images are already compressed; deflating them again only costs time.
                        method = zipfile.ZIP_STORED if path.suffix in {".jpg", ".jpeg"} else zipfile.ZIP_DEFLATED
                        arcname = f"{name}/{path.relative_to(summary.path).as_posix()}"
                        zipped_bag.write(path, arcname, compress_type=method)
        except BaseException:
            archive.close()
            raise
    archive.seek(0)
    return archive, f"{name}.zip", summary
