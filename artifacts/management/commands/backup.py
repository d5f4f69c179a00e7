"""Back up the archive into a new folder, while it serves and curators write.

The database (SQLite's online backup API, or pg_dump in one snapshot), the media files
with their SHA-256 in a manifest, the latest signed tree head and a description of the
backup (artifacts/backups/). With --database-only (needed when media are kept in a
bucket, which the store's own tools back up) no file is copied: `media-digests.txt` lists
the SHA-256 of every original and attachment the database records instead, read in the
same snapshot. Written to a hidden folder next to DIR and renamed to DIR only when
complete, so a failed backup leaves nothing half-written. Exit status: 0 done, 1 refused
(DIR not empty, media in a bucket without --database-only), 3 the database cannot be
reached, 4 anything else failed (pg_dump missing, disk full).
"""

import json
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from artifacts.backups import (
    DIGESTS,
    FAILED,
    FORMAT,
    HEAD,
    INFO,
    MANIFEST,
    MEDIA,
    NOT_INCLUDED,
    POSTGRES_FILE,
    SQLITE_FILE,
    TAGMANIFEST,
    USAGE,
    BackupError,
    database,
    media,
    snapshot,
)


class Command(BaseCommand):
    help = "Write a consistent backup (database, media files, signed tree head) into DIR, which must not exist yet."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="The new backup folder (absent or empty).")
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="Copy no media files (required with MEDIA_STORAGE=s3: back the bucket up with the store's own "
            "tools); list the SHA-256 of every original and attachment the database records instead.",
        )

    def handle(self, *args, **options):
        target = options["directory"].absolute()
        started = time.monotonic()
        try:
            info = self._backup(target, database_only=options["database_only"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=exc.status) from None
        counts = info["counts"]
        self.stdout.write(
            f"Database ({info['database']['vendor']}): {counts['artifacts']} artifacts, {counts['photos']} photos, "
            f"{counts['custody_events']} custody events, {counts['log_leaves']} log leaves."
        )
        if info["media"] == NOT_INCLUDED:
            self.stdout.write(
                f"Media: not included (database only); {DIGESTS} lists the SHA-256 of "
                f"{info['media_digests']['files']} originals and attachments in {media.storage_words(info['storage'])}."
            )
        else:
            self.stdout.write(f"Media: {info['media']['files']} files, {info['media']['bytes']} bytes, with SHA-256.")
        head = info["tree_head"]
        self.stdout.write(
            f"Tree head {head['number']}: {head['tree_size']} leaves, root {head['root_hash']}."
            if head
            else "No tree head has been published yet: restore checks the log without one."
        )
        seconds = round(time.monotonic() - started, 1)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} in {seconds} s."))

    def _backup(self, target: Path, *, database_only: bool) -> dict:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise BackupError(f"{target} already exists and is not an empty folder: name a new one.", USAGE)
        if not database_only and not isinstance(default_storage, FileSystemStorage):
            raise BackupError(
                "Media files are kept in object storage (MEDIA_STORAGE=s3), which this command does not copy: run "
                "it with --database-only (the database, the head and the SHA-256 of every file the database "
                "names), and back up the bucket with the object store's own tools (versioning, replication).",
                USAGE,
            )
        database.ensure_reachable()
        partial = target.parent / f".{target.name}.partial-{secrets.token_hex(4)}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.mkdir()
            info = self._write(partial, database_only=database_only)
            if target.exists():
                target.rmdir()
            partial.rename(target)
        except OSError as exc:
            raise BackupError(f"Could not write the backup: {exc}. Nothing was left behind.", FAILED) from None
        except database.DATABASE_ERRORS as exc:
            raise database.unreachable(exc) from None
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return info

    def _write(self, folder: Path, *, database_only: bool) -> dict:
        # The database first, then the files: a photo's file is stored before its row
        # commits, so every file the dump names is on disk by the time it is copied.
        if connection.vendor == "sqlite":
            database_file = SQLITE_FILE
            database.sqlite_backup(folder / database_file)
            with database.sqlite_copy(folder / database_file) as alias:
                facts = self._facts(alias, database_only=database_only)
        elif connection.vendor == "postgresql":
            database_file = POSTGRES_FILE
            with database.postgres_snapshot() as snapshot_id:
                database.postgres_dump(folder / database_file, snapshot_id)
                facts = self._facts("default", database_only=database_only)
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.", USAGE)
        head = facts.pop("tree_head")
        if database_only:
            digests = facts.pop("media_digests")
            media.write_manifest(folder / DIGESTS, digests)
            media_info = {
                "media": NOT_INCLUDED,
                "storage": media.storage_description(default_storage),
                "media_digests": {"file": DIGESTS, "files": len(digests)},
            }
        else:
            entries = (
                media.copy_tree(Path(settings.MEDIA_ROOT), folder, MEDIA) if Path(settings.MEDIA_ROOT).is_dir() else {}
            )
            media.write_manifest(folder / MANIFEST, entries)
            media_info = {
                "media": {"files": len(entries), "bytes": sum((folder / name).stat().st_size for name in entries)}
            }
        if head is not None:
            (folder / HEAD).write_text(json.dumps(head, indent=2) + "\n", encoding="utf-8")
        info = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "file": database_file},
            **facts,
            **media_info,
            "tree_head": {key: head[key] for key in ("number", "tree_size", "root_hash", "timestamp")}
            if head
            else None,
            "log_origin": settings.ARCHIVE_LOG_ORIGIN,
        }
        (folder / INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        tags = [INFO, DIGESTS if database_only else MANIFEST, database_file] + ([HEAD] if head is not None else [])
        media.write_manifest(folder / TAGMANIFEST, {name: media.digest_of(folder / name) for name in tags})
        return info

    def _facts(self, using: str, *, database_only: bool) -> dict:
        facts = {
            "migrations": snapshot.migrations(using),
            "counts": snapshot.counts(using),
            "tree_head": snapshot.latest_head(using),
        }
        if database_only:
            facts["media_digests"] = snapshot.media_digests(using)
        return facts
