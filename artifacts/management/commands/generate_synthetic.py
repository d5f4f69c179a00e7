"""Fill the database with synthetic artifacts for benchmarks (never for the public site)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from artifacts import synthetic
from artifacts.management.progress import Progress


class Command(BaseCommand):
    help = "Generate N synthetic, clearly marked artifacts (accession prefix SYN) for benchmarking."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many artifacts to add.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")
        parser.add_argument("--photo-share", type=float, default=0.3, help="Share of artifacts with a photo.")

    def handle(self, *args, count, seed, photo_share, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        started = time.monotonic()
        progress = Progress(self.stderr)
        synthetic.generate(count, seed=seed, photo_share=photo_share, progress=progress)
        progress.close()
        # Statistics after loading, so the planner and GIN pending lists reflect the data.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Generated {count} synthetic artifacts in {time.monotonic() - started:.1f} s.")
