"""Restore a backup made by `manage.py backup` into an empty database and media root,
then verify it against the signed tree head it holds.

Refused (exit 1), with nothing written, unless the database has no tables and MEDIA_ROOT
holds no files, and when the backup holds media files but media are kept in object
storage (MEDIA_STORAGE=s3). Every file is checked against the backup's manifests before
anything is restored (exit 2 when one differs); then the database and files are restored,
the counts compared with those the backup recorded, and `verify_integrity --no-record
--head` run against the backup's head. A backup of the database alone (`backup
--database-only`) restores the database only, leaving the media storage as it is, and
verifies it against the files there: the bucket (or MEDIA_ROOT) must still hold every
original and attachment the database names, unchanged.
Exit 0 only when all of that agrees; 2 when anything differs, naming what; 3 when the
database cannot be reached; 4 when anything else failed.
"""

import json
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from artifacts.backups import (
    DAMAGED,
    DIGESTS,
    FAILED,
    FORMAT,
    HEAD,
    INFO,
    MANIFEST,
    MEDIA,
    NOT_INCLUDED,
    TAGMANIFEST,
    UNREACHABLE,
    USAGE,
    BackupError,
    database,
    media,
    snapshot,
)


class Command(BaseCommand):
    help = "Restore a backup into an empty database and media root, then verify it against the backup's tree head."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="A folder written by `manage.py backup`.")

    def handle(self, *args, **options):
        folder = options["directory"].absolute()
        started = time.monotonic()
        try:
            info = self._restore(folder)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=exc.status) from None
        except database.DATABASE_ERRORS as exc:
            raise CommandError(str(database.unreachable(exc)), returncode=UNREACHABLE) from None
        seconds = round(time.monotonic() - started, 1)
        if info["media"] == NOT_INCLUDED:
            what = f"the database alone; its files are those in {media.storage_words(self._storage)}"
        else:
            what = f"{info['media']['files']} files"
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {info['created_at']} ({info['counts']['artifacts']} artifacts, "
                f"{what}) and verified it in {seconds} s."
            )
        )

    def _restore(self, folder: Path) -> dict:
        info = self._read_info(folder)
        database_only = info.get("media") == NOT_INCLUDED
        self._storage = media.storage_description(default_storage)
        if not database_only and not isinstance(default_storage, FileSystemStorage):
            # The files would go to MEDIA_ROOT, where an archive reading a bucket never looks.
            raise BackupError(
                "This backup holds media files, and the media of this archive are kept in object storage "
                "(MEDIA_STORAGE=s3): restore the bucket with the object store's own tools; this command restores "
                "files into MEDIA_ROOT only.",
                USAGE,
            )
        # A database-only backup is restored beside media files that are already in place.
        self._refuse_unless_empty(media_root=not database_only)
        self._check_files(folder, info, database_only=database_only)
        self.stdout.write("The backup's files match its manifests; restoring the database.")
        source = folder / info["database"]["file"]
        if connection.vendor == "sqlite":
            database.sqlite_restore(source)
        else:
            database.postgres_restore(source)
        pending = self._pending_migrations(info)
        if pending:
            self.stdout.write(f"Applying {len(pending)} migration(s) newer than the backup.")
            call_command("migrate", interactive=False, verbosity=0)
        if database_only:
            self.stdout.write(
                f"The backup holds the database only: its files are verified where they are kept, in "
                f"{media.storage_words(self._storage)}."
            )
            digests = media.read_manifest(folder / DIGESTS)
            problems = []
            if snapshot.media_digests("default") != digests:
                problems.append(f"{DIGESTS}: does not list the files the restored database names, with their SHA-256")
        else:
            entries = media.read_manifest(folder / MANIFEST)
            self.stdout.write(f"Restoring {len(entries)} media files into {settings.MEDIA_ROOT}.")
            try:
                problems = media.restore(folder, entries, MEDIA, Path(settings.MEDIA_ROOT))
            except OSError as exc:
                raise BackupError(f"Could not write the media files: {exc}.", FAILED) from None
        problems += snapshot.differences(info["counts"], snapshot.counts("default"))
        verified = self._verify(folder)
        if verified and database_only:
            # verify_integrity names artifacts and photos; name the stored files that differ too.
            verified += self._read_storage(lambda: media.check_stored(default_storage, digests, DIGESTS))
        problems += verified
        if problems:
            raise BackupError(
                "The restored archive does NOT match the backup:\n"
                + "\n".join(f"  - {problem}" for problem in problems)
                + (
                    "\nThe database holds what was restored, for inspection; empty it before restoring another backup."
                    if database_only
                    else "\nThe database and media root hold what was restored, for inspection; empty both before "
                    "restoring another backup."
                ),
                DAMAGED,
            )
        return info

    def _read_info(self, folder: Path) -> dict:
        try:
            info = json.loads((folder / INFO).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BackupError(f"{folder} is not a backup: it has no {INFO}.", USAGE) from None
        except (OSError, ValueError) as exc:
            raise BackupError(f"{folder / INFO} cannot be read: {exc}.", DAMAGED) from None
        if not isinstance(info, dict) or info.get("format") != FORMAT:
            raise BackupError(f"{folder} is not a backup made by `manage.py backup` ({FORMAT}).", USAGE)
        vendor = info.get("database", {}).get("vendor")
        if vendor != connection.vendor:
            raise BackupError(
                f"The backup is of a {vendor} database and the configured database is {connection.vendor}: "
                "restore it with the DATABASE_URL of a database of the same kind.",
                USAGE,
            )
        unknown = set(info.get("migrations", [])) - self._known_migrations()
        if unknown:
            raise BackupError(
                "The backup was made by a newer version of the archive (migrations this one does not have: "
                f"{', '.join(sorted(unknown))}): restore it with that version or a later one.",
                USAGE,
            )
        return info

    def _known_migrations(self) -> set[str]:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        return {f"{app}.{name}" for app, name in loader.disk_migrations}

    def _pending_migrations(self, info: dict) -> set[str]:
        return self._known_migrations() - set(info.get("migrations", []))

    def _refuse_unless_empty(self, *, media_root: bool) -> None:
        database.ensure_reachable()
        if not database.is_empty():
            raise BackupError(
                "The configured database is not empty: restore only into a new, empty database "
                "(PostgreSQL: createdb; SQLite: a file that does not exist yet), never over an archive.",
                USAGE,
            )
        root = Path(settings.MEDIA_ROOT)
        if media_root and root.is_dir() and media.files_under(root):
            raise BackupError(f"MEDIA_ROOT ({root}) already holds files: restore only into an empty one.", USAGE)

    def _check_files(self, folder: Path, info: dict, *, database_only: bool) -> None:
        problems = []
        try:
            tags = media.read_manifest(folder / TAGMANIFEST)
            problems += media.check(folder, tags)
            for name in (INFO, DIGESTS if database_only else MANIFEST, info["database"]["file"]):
                if name not in tags:
                    problems.append(f"{name}: not listed in {TAGMANIFEST}")
            if not problems and not database_only:
                problems += media.check(folder, media.read_manifest(folder / MANIFEST), complete_under=MEDIA)
        except (OSError, ValueError) as exc:
            problems.append(str(exc))
        if problems:
            raise BackupError(
                "The backup is damaged; nothing was restored:\n" + "\n".join(f"  - {problem}" for problem in problems),
                DAMAGED,
            )

    def _verify(self, folder: Path) -> list[str]:
        """verify_integrity without recording (the restored data stays exactly the backup's),
        against the backup's head when it has one; its report goes to the output."""
        heads = [folder / HEAD] if (folder / HEAD).is_file() else []
        report = StringIO()

        def verify() -> int:
            try:
                call_command("verify_integrity", no_record=True, head=heads, stdout=report, stderr=StringIO())
                return 0
            except SystemExit as exc:
                return exc.code
            except CommandError as exc:
                report.write(f"{exc}\n")
                return UNREACHABLE if exc.returncode == UNREACHABLE else DAMAGED

        status = self._read_storage(verify)
        self.stdout.write(report.getvalue().rstrip("\n"))
        if status == UNREACHABLE:
            raise BackupError("The database went away while the restored archive was being verified.", UNREACHABLE)
        if status:
            return ["verify_integrity did not verify the restored archive (its report is above)"]
        return []

    def _read_storage(self, read):
        """read(), with the media storage failing to answer (a bucket out of reach, wrong
        credentials) reported as such rather than as a difference."""
        try:
            return read()
        except Exception as exc:
            if not media.is_storage_error(exc):
                raise
            raise BackupError(
                f"The media files could not be read from {media.storage_words(self._storage)} ({exc}); the "
                "database was restored but not verified: empty it and try again once the store answers.",
                FAILED,
            ) from None
