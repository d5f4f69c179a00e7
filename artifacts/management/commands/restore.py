"""Restore a backup made by `manage.py backup` into an empty database and media root,
then verify it against the signed tree head it holds.

Refused (exit 1), with nothing written, unless the database has no tables and MEDIA_ROOT
holds no files, and when media are kept in object storage (MEDIA_STORAGE=s3). Every file
is checked against the backup's manifests before anything is restored (exit 2 when one
differs); then the database and files are restored, the counts compared with those the
backup recorded, and `verify_integrity --no-record --head` run against the backup's head.
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
    FAILED,
    FORMAT,
    HEAD,
    INFO,
    MANIFEST,
    MEDIA,
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
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {info['created_at']} ({info['counts']['artifacts']} artifacts, "
                f"{info['media']['files']} files) and verified it in {seconds} s."
            )
        )

    def _restore(self, folder: Path) -> dict:
        if not isinstance(default_storage, FileSystemStorage):
            # The files would go to MEDIA_ROOT, where an archive reading a bucket never looks.
            raise BackupError(
                "Media files are kept in object storage (MEDIA_STORAGE): restore the bucket with the object "
                "store's own tools; this command restores into MEDIA_ROOT.",
                USAGE,
            )
        info = self._read_info(folder)
        self._refuse_unless_empty()
        self._check_files(folder, info)
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
        entries = media.read_manifest(folder / MANIFEST)
        self.stdout.write(f"Restoring {len(entries)} media files into {settings.MEDIA_ROOT}.")
        try:
            problems = media.restore(folder, entries, MEDIA, Path(settings.MEDIA_ROOT))
        except OSError as exc:
            raise BackupError(f"Could not write the media files: {exc}.", FAILED) from None
        problems += snapshot.differences(info["counts"], snapshot.counts("default"))
        problems += self._verify(folder)
        if problems:
            raise BackupError(
                "The restored archive does NOT match the backup:\n"
                + "\n".join(f"  - {problem}" for problem in problems)
                + "\nThe database and media root hold what was restored, for inspection; empty both before "
                "restoring another backup.",
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

    def _refuse_unless_empty(self) -> None:
        database.ensure_reachable()
        if not database.is_empty():
            raise BackupError(
                "The configured database is not empty: restore only into a new, empty database "
                "(PostgreSQL: createdb; SQLite: a file that does not exist yet), never over an archive.",
                USAGE,
            )
        root = Path(settings.MEDIA_ROOT)
        if root.is_dir() and media.files_under(root):
            raise BackupError(f"MEDIA_ROOT ({root}) already holds files: restore only into an empty one.", USAGE)

    def _check_files(self, folder: Path, info: dict) -> None:
        problems = []
        try:
            tags = media.read_manifest(folder / TAGMANIFEST)
            problems += media.check(folder, tags)
            for name in (INFO, MANIFEST, info["database"]["file"]):
                if name not in tags:
                    problems.append(f"{name}: not listed in {TAGMANIFEST}")
            if not problems:
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
        try:
            call_command("verify_integrity", no_record=True, head=heads, stdout=report, stderr=StringIO())
            status = 0
        except SystemExit as exc:
            status = exc.code
        except CommandError as exc:
            report.write(f"{exc}\n")
            status = UNREACHABLE if exc.returncode == UNREACHABLE else DAMAGED
        self.stdout.write(report.getvalue().rstrip("\n"))
        if status == UNREACHABLE:
            raise BackupError("The database went away while the restored archive was being verified.", UNREACHABLE)
        if status:
            return ["verify_integrity did not verify the restored archive (its report is above)"]
        return []
