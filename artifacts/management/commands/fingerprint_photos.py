"""Fingerprint the photos that have none, or one made by an older algorithm."""

import time

from django.core.management.base import BaseCommand

from artifacts.management.progress import Progress
from artifacts.models import Photo
from artifacts.similarity import hashing
from artifacts.similarity.indexing import fingerprint_photos, outdated


class Command(BaseCommand):
    help = (
        "Compute the perceptual fingerprint of every photo that has none, or one made by an older algorithm "
        f"(current: {hashing.ALGORITHM}), from its display image. Safe to run again: photos already done are "
        "skipped. Photos stored by the archive get theirs as they are saved; run this after upgrading, after "
        "loaddata (fixtures load without signals), or with --all after the hash changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Fingerprint every photo again, done or not.")
        parser.add_argument("--batch-size", type=int, default=500, help="Fingerprints written per statement.")

    def handle(self, *args, batch_size=500, **options):
        started = time.monotonic()
        photos = Photo.objects.all() if options["all"] else outdated(Photo.objects.all())
        # The ids first, then the photos a batch at a time: the fingerprints written meanwhile
        # never change what is still to be read (SQLite does not isolate a query from writes
        # made on the same connection while it is being read).
        ids = list(photos.order_by("pk").values_list("pk", flat=True))
        total = len(ids)
        progress = Progress(self.stderr, unit="photo")
        outcome = fingerprint_photos(
            self._photos(ids, batch_size),
            batch_size=batch_size,
            progress=lambda done: progress(done, total) if total else None,
        )
        progress.close()
        self.stdout.write(
            f"Fingerprinted {outcome.fingerprinted} of {total} photos in {time.monotonic() - started:.1f} s."
        )
        if outcome.failed:
            listed = ", ".join(str(pk) for pk in outcome.failed[:20])
            more = " …" if len(outcome.failed) > 20 else ""
            self.stderr.write(
                f"{len(outcome.failed)} photos could not be fingerprinted (their display images could not be "
                f"read or decoded; see the log): {listed}{more}. Their records are unchanged."
            )

    @staticmethod
    def _photos(ids: list[int], batch_size: int):
        for start in range(0, len(ids), batch_size):
            yield from Photo.objects.only("pk", "display").filter(pk__in=ids[start : start + batch_size]).order_by("pk")
