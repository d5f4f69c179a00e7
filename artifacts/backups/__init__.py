"""Backups that restore and verify: `manage.py backup DIR` and `manage.py restore DIR`.

A backup is a folder:

- the database: `database.sqlite3` (SQLite's online backup API, so that what is still in
  the write-ahead log is included) or `database.dump` (`pg_dump --format=custom`, taken
  in the same snapshot as everything the backup says about it);
- `media/`, a copy of MEDIA_ROOT, with `manifest-sha256.txt` listing each file's SHA-256
  (BagIt's manifest format);
  or, with `--database-only` (media kept elsewhere, e.g. in a bucket), `media-digests.txt`
  instead: the SHA-256 and storage name of every photo original and custody attachment
  the database records, so that the store can be checked against it;
- `tree-head.json`, the latest signed tree head in the backup's database (the format a
  witness keeps, which `verify_integrity --head` takes), when one was published;
- `backup-info.json`: when, from which database vendor, the migrations applied and what
  the database held (counts);
- `tagmanifest-sha256.txt`, the SHA-256 of every file above.

- database.py takes and restores the database (SQLite, PostgreSQL);
- media.py copies files with their digests and checks them;
- snapshot.py reads what a database holds (counts, migrations, the latest head).
"""

FORMAT = "battlefield-artifacts-archive-backup/1"
INFO = "backup-info.json"
HEAD = "tree-head.json"
MANIFEST = "manifest-sha256.txt"
DIGESTS = "media-digests.txt"
# backup-info.json's "media" for a backup of the database alone (`backup --database-only`).
NOT_INCLUDED = "not included"
TAGMANIFEST = "tagmanifest-sha256.txt"
MEDIA = "media"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"

# Exit statuses of both commands (README, "Backup and restore"); 3 is the status every
# command gives when the database is unavailable (artifacts/management/exit_codes.py).
USAGE = 1  # refused before anything was written: wrong arguments, DIR not empty, target not empty
DAMAGED = 2  # the backup is damaged, or what was restored does not verify
UNREACHABLE = 3  # the database went away or cannot be reached: try again when it is back
FAILED = 4  # anything else went wrong (pg_dump missing, disk full); nothing half-written is left


class BackupError(Exception):
    """An expected failure, with the exit status it means."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status
