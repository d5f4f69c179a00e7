"""Remove uploads held for admin forms that were never resubmitted."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from artifacts import held_uploads


class Command(BaseCommand):
    help = (
        "Delete files kept in MEDIA_ROOT/held/ for admin forms that failed and were abandoned. "
        "Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=held_uploads.MAX_AGE.total_seconds() / 3600,
            metavar="HOURS",
            help="Only files held longer than this many hours (default: %(default)s, when their tokens expire).",
        )

    def handle(self, *args, older_than: float, **options):
        if older_than < 0:
            raise CommandError("--older-than must be zero or more hours.")
        removed = held_uploads.clear(datetime.timedelta(hours=older_than))
        self.stdout.write(f"Removed {len(removed)} held upload(s) older than {older_than:g} hour(s).")
