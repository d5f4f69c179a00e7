"""Rebuild every artifact's search document and the database's index over them."""

import time

from django.core.management.base import BaseCommand

from artifacts.management.progress import Progress
from artifacts.search.indexing import reindex_all


class Command(BaseCommand):
    help = (
        "Re-analyze every artifact into its search document and rebuild the database's full-text index. "
        "Run it after changing the analyzer, after raw SQL edits or QuerySet.update() on records, or after "
        "loaddata (fixtures load without signals)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        progress = Progress(self.stderr)
        count = reindex_all(progress=progress)
        progress.close()
        self.stdout.write(f"Indexed {count} artifacts in {time.monotonic() - started:.1f} s.")
