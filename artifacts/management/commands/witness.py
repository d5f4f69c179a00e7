"""Witness another archive's transparency log: keep its heads, fail on a fork or a shrink.

    manage.py witness https://archive.example/transparency/ --store /var/lib/witness/archive-example

The same as the researchers' checker: `python3 bfa-verify.pyz witness URL --store DIR`.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from artifacts.custody.checker import witness


class Command(BaseCommand):
    help = "Fetch an archive's latest signed head, check it extends the last one kept, and keep it."

    def add_arguments(self, parser):
        parser.add_argument("url", help="The archive's transparency URL, e.g. https://archive.example/transparency/")
        parser.add_argument("--store", type=Path, required=True, help="The folder where this witness keeps heads.")

    def handle(self, *args, url: str, store: Path, **options):
        try:
            outcome = witness.witness(url, store)
        except witness.FetchError as exc:
            raise CommandError(str(exc)) from None
        for message in outcome.messages:
            self.stdout.write(("  " if outcome.ok else "  ! ") + message)
        if not outcome.ok:
            self.stdout.write(self.style.ERROR("FAILED: the log is not consistent with the heads this witness kept."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("OK"))
