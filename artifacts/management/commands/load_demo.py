"""`python manage.py load_demo`: load the demo collection; safe to run again at any time."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from artifacts.demo import collection, loader


class Command(BaseCommand):
    help = (
        "Load the demo collection: the objects described in one news report, each citing it. "
        "Running it again adds nothing and changes nothing; records edited since are left as they are "
        "unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Bring demo records that were edited back to the demo data. Nothing is deleted, "
            "and custody events are never changed.",
        )

    def handle(self, *args, update=False, **options):
        try:
            tally = loader.load(update=update)
        except ValidationError as exc:
            raise CommandError(f"The demo data did not validate, so nothing was loaded: {exc}") from exc
        source = collection.SOURCE
        self.stdout.write(f"Demo collection from {source['publisher']}, “{source['title']}”:")
        for line in tally.lines():
            self.stdout.write(line)
        differing = tally.total(loader.DIFFERS)
        if differing:
            self.stdout.write(
                self.style.WARNING(
                    f"{differing} record(s) differ from the demo data and were left as they are. "
                    "Run with --update to restore them; a custody event is put right by recording a correction."
                )
            )
        elif tally.total(loader.CREATED) or tally.total(loader.UPDATED):
            self.stdout.write(self.style.SUCCESS("Done."))
        else:
            self.stdout.write(self.style.SUCCESS("Already loaded: nothing changed."))
