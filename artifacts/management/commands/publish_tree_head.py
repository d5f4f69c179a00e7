"""Sign a new tree head if the log has grown, and have unstamped heads timestamped.

Run on a schedule (every few minutes; docker-compose's `signer` service does), never
inside a request: a curator's save only appends leaves. Exit status 1 when the
time-stamping authority could not stamp a head (it is tried again at the next run).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from artifacts.custody import heads, signing


class Command(BaseCommand):
    help = "Publish a signed tree head of the transparency log and have it timestamped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-stamp", action="store_true", help="Sign only; do not contact the time-stamping authority."
        )

    def handle(self, *args, **options):
        try:
            result = heads.publish(stamp_heads=not options["no_stamp"])
        except signing.SigningKeyError as exc:
            raise CommandError(str(exc)) from None
        head = result.head
        if head is None:
            self.stdout.write("The log has not grown since the last head: no new head.")
        else:
            signed = f"signed by key {head.key.key_id[:16]}…" if head.key_id else "UNSIGNED (no signing key configured)"
            self.stdout.write(f"Head {head.number}: {head.tree_size} leaves, root {head.root_hash}, {signed}.")
        for stamp in result.stamped:
            self.stdout.write(
                f"Head {stamp.head.number} timestamped by {stamp.tsa_url} at {stamp.gen_time:%Y-%m-%d %H:%M:%S} UTC."
            )
        for problem in result.problems:
            self.stderr.write(self.style.ERROR(problem))
        if result.problems:
            sys.exit(1)
