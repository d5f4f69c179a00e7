"""Make the archive's Ed25519 signing key, as a file outside the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from artifacts.custody import signing


class Command(BaseCommand):
    help = "Write a new Ed25519 private key for signing tree heads (never overwrites a file)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Where to write the key; point ARCHIVE_SIGNING_KEY_FILE at it.")

    def handle(self, *args, path: Path, **options):
        try:
            key_id = signing.make_key_file(path)
        except FileExistsError:
            raise CommandError(f"{path} exists already; a key is never overwritten (rotate with a new file).") from None
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote a new Ed25519 key to {path} (readable by its owner only).")
        self.stdout.write(f"Key id: {key_id}")
        self.stdout.write(
            f"Set ARCHIVE_SIGNING_KEY_FILE={path}, keep a copy offline, and publish the key id where readers "
            "can compare it (README, Transparency log)."
        )
