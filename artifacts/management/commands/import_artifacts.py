"""`manage.py import_artifacts FILE.csv|FILE.json [--photos DIR|ZIP] [--dry-run]`.

Checks every row first and lists every problem by row and column; writes only a clean
file, all of it in one transaction. Exit status 0 when the file was imported (or, with
--dry-run, would import cleanly), 1 when it has problems and nothing was written, 3 when
the database was unavailable or went away (nothing was written; the file is not at fault).
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from artifacts.importing import run_import
from artifacts.importing.report import format_number
from artifacts.management.curator import CuratorCommand
from artifacts.management.exit_codes import PROBLEMS, database_outage_exits
from artifacts.management.progress import Progress


class Command(CuratorCommand):
    help = (
        "Import artifacts from a CSV or JSON file (format: README, “Bulk import format”). Every row is checked "
        "before anything is written; any problem means nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .json file to import.")
        parser.add_argument("--photos", help="Folder or .zip file holding the image files the rows name.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--user", help="Username recorded in the edit history and as uploader of the photos.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, file, photos, dry_run, user, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s is not a file.") % {"file": file})
        outage = _(
            "The database is unavailable or went away during the import. Nothing was written, and the file "
            "is not at fault: run the import again once the database answers."
        )
        progress = None if no_progress else Progress(self.stderr, unit="row")
        try:
            with database_outage_exits(outage):
                account = self._account(user)
                with path.open("rb") as handle:
                    report = run_import(
                        handle, name=path.name, photos=photos, dry_run=dry_run, user=account, progress=progress
                    )
        finally:
            if progress is not None:
                progress.close()
        for line in report.lines():
            self.stdout.write(line)
        if report.problems:
            count = len(report.problems)
            # The English keeps “problem(s)” in both forms; other languages inflect.
            message = ngettext(
                "Nothing was written: fix the %(count)s problem(s).",
                "Nothing was written: fix the %(count)s problem(s).",
                count,
            ) % {"count": format_number(count)}
            self.stdout.write(self.style.ERROR(message))
            sys.exit(PROBLEMS)
        rate = report.rows / report.seconds if report.seconds else 0
        message = _("Done in %(seconds)s s (%(rate)s rows a second).") % {
            "seconds": format_number(round(report.seconds, 1), 1, grouping=False),
            "rate": format_number(round(rate)),
        }
        self.stdout.write(self.style.SUCCESS(message))

    def _account(self, username):
        if not username:
            return None
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            raise CommandError(_("There is no account with the username %(username)s.") % {"username": username})
        return account
