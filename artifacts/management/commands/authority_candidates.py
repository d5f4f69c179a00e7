"""`manage.py authority_candidates [--kind place|organisation|person] [--threshold 0.85]`.

Lists pairs of authority records whose names look alike ("Kursk region, Russia" and
"Kursk Region, Russia"), most alike first, with the number of records each is linked to,
for a curator to merge in the admin (Places or Organisations → tick both → "Merge").
Nothing is merged here. Exit status 0 either way.
"""

from django.core.management.base import CommandError

from artifacts.authorities import services
from artifacts.authorities.models import Organisation, Person, Place
from artifacts.management.curator import CuratorCommand
from artifacts.models import Artifact

KINDS = {"place": Place, "organisation": Organisation, "person": Person}


class Command(CuratorCommand):
    help = "List pairs of places, organisations or people whose names look alike, for a curator to merge."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=list(KINDS), action="append", help="Only this kind; repeat for several.")
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.85,
            help=(
                "How alike two names must be, from 0 to 1 "
                "(1: the same once case, accents and punctuation are set aside)."
            ),
        )

    def handle(self, *args, kind, threshold, **options):
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        if not 0 < threshold <= 1:
            raise CommandError(_("The threshold is a number above 0 and at most 1, e.g. 0.85."))
        found = 0
        for name in kind or list(KINDS):
            model = KINDS[name]
            for score, first, second, first_name, second_name in services.merge_candidates(model, threshold=threshold):
                counts = [services.artifacts_of(model(pk=pk), Artifact.objects.all()).count() for pk in (first, second)]
                self.stdout.write(
                    _(
                        "%(kind)s #%(a)s “%(a_name)s” (%(a_count)s) and "
                        "#%(b)s “%(b_name)s” (%(b_count)s): %(score)s alike"
                    )
                    % {
                        "kind": model._meta.verbose_name.capitalize(),
                        "a": first,
                        "a_name": first_name,
                        "a_count": ngettext("%(count)s record", "%(count)s records", counts[0]) % {"count": counts[0]},
                        "b": second,
                        "b_name": second_name,
                        "b_count": ngettext("%(count)s record", "%(count)s records", counts[1]) % {"count": counts[1]},
                        "score": f"{score:.0%}",
                    }
                )
                found += 1
        if found:
            self.stdout.write(
                _(
                    "Merge those that are one in the admin: tick both in the list, "
                    "then “Merge the two selected records”."
                )
            )
        else:
            self.stdout.write(_("No two records look alike at this threshold."))
