"""Files with their SHA-256: copied into a backup with a manifest, checked, copied back.

The manifest has BagIt's format (`<sha256>  <path>` per line, paths relative to the
backup folder, `/`-separated), so `sha256sum -c manifest-sha256.txt` checks a backup
without the archive.
"""

import hashlib
import os
import shutil
from pathlib import Path

from django.core.files.storage import FileSystemStorage

BLOCK = 1 << 20


def copy_file(source: Path, target: Path) -> tuple[str, int]:
    """Copy one file, hashing the bytes as they are written; return (sha256, size)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, target.open("xb") as writer:
        for block in iter(lambda: reader.read(BLOCK), b""):
            digest.update(block)
            writer.write(block)
            size += len(block)
    shutil.copystat(source, target)
    return digest.hexdigest(), size


def digest_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def files_under(root: Path) -> list[Path]:
    """Every regular file under `root`, in a stable order (symbolic links are not followed:
    the archive never makes them, and one could point anywhere)."""
    found = []
    for folder, directories, names in os.walk(root):
        directories.sort()
        found.extend(Path(folder, name) for name in sorted(names) if Path(folder, name).is_file())
    return [path for path in found if not path.is_symlink()]


def copy_tree(source_root: Path, backup: Path, prefix: str) -> dict[str, str]:
    """Copy the files under `source_root` to backup/prefix; return {path in backup: sha256}.
    A file removed while the copy runs (a held upload cleared) is left out."""
    entries = {}
    for path in files_under(source_root):
        name = f"{prefix}/{path.relative_to(source_root).as_posix()}"
        try:
            entries[name] = copy_file(path, backup / name)[0]
        except FileNotFoundError:
            continue
    return entries


def write_manifest(path: Path, entries: dict[str, str]) -> None:
    path.write_text("".join(f"{sha}  {name}\n" for name, sha in sorted(entries.items())), encoding="utf-8")


def read_manifest(path: Path) -> dict[str, str]:
    """{path: sha256}; ValueError when a line is not `<64 hex digits>  <path>`."""
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        sha, _, name = line.partition("  ")
        if len(sha) != 64 or not name or name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"{path.name} line {number} is not '<sha256>  <path>'")
        entries[name] = sha.lower()
    return entries


def check(backup: Path, entries: dict[str, str], *, complete_under: str | None = None) -> list[str]:
    """What differs between the files in `backup` and `entries`: each problem one sentence.
    With `complete_under`, a file there that the manifest does not list is a problem too."""
    problems = []
    for name, sha in sorted(entries.items()):
        path = backup / name
        if not path.is_file():
            problems.append(f"{name}: listed in the manifest but missing from the backup")
        elif (found := digest_of(path)) != sha:
            problems.append(f"{name}: SHA-256 is {found}, the manifest says {sha} (the file was changed)")
    if complete_under is not None and (backup / complete_under).is_dir():
        for path in files_under(backup / complete_under):
            name = path.relative_to(backup).as_posix()
            if name not in entries:
                problems.append(f"{name}: in the backup but not in its manifest (a file was added)")
    return problems


def storage_description(storage) -> dict:
    """Where the media files are kept, for backup-info.json (never credentials)."""
    if isinstance(storage, FileSystemStorage):
        return {"kind": "local", "media_root": str(storage.location)}
    return {
        "kind": "s3",
        "bucket": getattr(storage, "bucket_name", None),
        "prefix": getattr(storage, "location", "") or "",
        "endpoint_url": getattr(storage, "endpoint_url", None),
    }


def storage_words(description: dict) -> str:
    """A storage_description in words, for messages."""
    if description.get("kind") == "s3":
        prefix = f" under {description['prefix']}/" if description.get("prefix") else ""
        return f"the bucket {description.get('bucket')}{prefix}"
    return f"the media root {description.get('media_root')}"


def is_storage_error(exc: Exception) -> bool:
    """Whether `exc` is the media storage failing to answer: a file system's error, or a
    bucket's (botocore, imported only when a bucket is used)."""
    if isinstance(exc, OSError):
        return True
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return False
    return isinstance(exc, (BotoCoreError, ClientError))


def check_stored(storage, entries: dict[str, str], listed_in: str) -> list[str]:
    """What differs between the media storage (a bucket, or MEDIA_ROOT) and `entries`,
    {storage name: sha256}: each problem one sentence naming the file."""
    problems = []
    for name, sha in sorted(entries.items()):
        if not storage.exists(name):
            problems.append(f"{name}: listed in {listed_in} but missing from the media storage")
            continue
        digest = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            for block in iter(lambda: handle.read(BLOCK), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            problems.append(
                f"{name}: SHA-256 in the media storage is {digest.hexdigest()}, {listed_in} says {sha} "
                "(the file was changed or replaced since the backup)"
            )
    return problems


def restore(backup: Path, entries: dict[str, str], prefix: str, media_root: Path) -> list[str]:
    """Copy the backup's files under `prefix` into media_root (which may be a mount point,
    so it is filled, not replaced), checking each copy's digest; return the problems."""
    problems = []
    for name, sha in sorted(entries.items()):
        if not name.startswith(prefix + "/"):
            continue
        copied, _size = copy_file(backup / name, media_root / name[len(prefix) + 1 :])
        if copied != sha:
            problems.append(f"{name}: copied with SHA-256 {copied}, the manifest says {sha}")
    return problems
