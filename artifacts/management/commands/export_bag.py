"""Package artifacts as a BagIt bag (see artifacts.bags).

    manage.py export_bag --artifact BFA-2025-0001 --out /exports/phrase-list
    manage.py export_bag --query "rifle" --type weapon --out /exports/rifles --as-user curator

The selection is made as the exporting account sees the archive: an anonymous visitor
unless --as-user names an account, so a bag made for the public never holds restricted
records, photos or personal data. The filters are the catalog's, with the same names.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import CommandError
from django.http import QueryDict
from django.utils.translation import gettext as _

from artifacts import bags
from artifacts.access import viewer_level
from artifacts.filters import catalog_filter
from artifacts.importing.report import format_number
from artifacts.management.curator import CuratorCommand
from artifacts.models import Artifact

# Catalog filters offered as options: option name → URL parameter of the catalog.
FILTERS = {
    "type": "type",
    "verification": "verification",
    "place": "place",
    "unit": "unit",
    "recovered_from": "recovered_from",
    "recovered_to": "recovered_to",
    "photos": "photos",
}
OPTION_OF = {"q": "query"}


class Command(CuratorCommand):
    help = "Export one artifact or a search result as a BagIt bag, with what the exporting account may see."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--artifact", action="append", metavar="ACCESSION", help="An accession number; repeat for several."
        )
        which.add_argument(
            "--query", metavar="TEXT", help='Catalog search words ("" with filters, or alone for everything).'
        )
        parser.add_argument("--type", action="append", help="Catalog filter: artifact type, e.g. weapon; repeatable.")
        parser.add_argument("--verification", action="append", help="Catalog filter: verification status.")
        parser.add_argument("--place", action="append", help="Catalog filter: place of recovery, exactly as recorded.")
        parser.add_argument("--unit", action="append", help="Catalog filter: recovering unit, exactly as recorded.")
        parser.add_argument("--recovered-from", help="Catalog filter: recovered from (2024, 2024-12 or 2024-12-05).")
        parser.add_argument("--recovered-to", help="Catalog filter: recovered up to (same forms).")
        parser.add_argument("--photos", choices=["yes", "no"], help="Catalog filter: with or without photos.")
        parser.add_argument("--out", required=True, help="Folder to create for the bag (new, or empty).")
        parser.add_argument(
            "--as-user", metavar="USERNAME", help="Export what this account may see (default: an anonymous visitor)."
        )
        parser.add_argument(
            "--base-url", default="", help="Site address for record links in metadata.json, e.g. https://archive.org."
        )

    def handle(self, *args, **options):
        user = self._user(options["as_user"])
        visible = Artifact.objects.visible_to(user)
        if options["artifact"]:
            artifacts = self._by_accession(visible, options["artifact"], user)
            description = ""
        else:
            artifacts = self._by_search(visible, options, user)
            description = self._describe(options)
        try:
            summary = bags.make(
                artifacts.order_by("accession_number"),
                options["out"],
                user=user,
                base_url=options["base_url"],
                description=description,
            )
        except bags.BagError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(_written(summary, user)))

    def _user(self, username):
        if not username:
            return AnonymousUser()
        try:
            user = get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: username})
        except get_user_model().DoesNotExist:
            raise CommandError(_("There is no account named %(username)s.") % {"username": repr(username)}) from None
        if not user.is_active:
            raise CommandError(
                _("The account %(username)s is deactivated; it may not see anything restricted.")
                % {"username": repr(username)}
            )
        return user

    def _by_accession(self, visible, accessions, user):
        found = set(visible.filter(accession_number__in=accessions).values_list("accession_number", flat=True))
        missing = [a for a in accessions if a not in found]
        if missing:
            values = {"accessions": ", ".join(missing)}
            if _is_anonymous(user):
                message = _(
                    "Nothing exported: %(accessions)s does not exist or is not visible to an anonymous visitor "
                    "(public records only)."
                )
            else:
                values |= _account(user)
                message = _(
                    "Nothing exported: %(accessions)s does not exist or is not visible to the account "
                    "%(username)s (access level: %(level)s)."
                )
            raise CommandError(message % values)
        return visible.filter(accession_number__in=accessions)

    def _by_search(self, visible, options, user):
        data = QueryDict(mutable=True)
        if options["query"]:
            data["q"] = options["query"]
        for option, parameter in FILTERS.items():
            value = options.get(option)
            if isinstance(value, list):
                data.setlist(parameter, value)
            elif value:
                data[parameter] = value
        filterset = catalog_filter(data, visible.with_photo_flags(user))
        if filterset.form.errors:
            problems = "; ".join(
                f"--{OPTION_OF.get(name, name).replace('_', '-')}: {' '.join(messages)}"
                for name, messages in filterset.form.errors.items()
            )
            raise CommandError(_("The selection is not valid: %(problems)s") % {"problems": problems})
        return filterset.qs

    def _describe(self, options) -> str:
        # Recorded in the bag's metadata: English, whatever the interface language.
        parts = [f"search “{options['query']}”"] if options["query"] else []
        for option in FILTERS:
            value = options.get(option)
            if value:
                shown = ", ".join(value) if isinstance(value, list) else value
                parts.append(f"{option.replace('_', ' ')}: {shown}")
        return "Catalog selection: " + ("; ".join(parts) if parts else "every record") + "."


# Messages for the person running the command. They name the audience as bags.audience()
# does; that function's English wording is what the bag itself records, and stays English.
def _is_anonymous(user) -> bool:
    return user is None or not user.is_authenticated


def _account(user) -> dict:
    return {"username": user.get_username(), "level": viewer_level(user).label}


def _written(summary, user) -> str:
    values = {
        "path": summary.path,
        "artifacts": summary.artifacts,
        "files": summary.files,
        "bytes": format_number(summary.bytes),
    }
    if _is_anonymous(user):
        if summary.originals_included:
            message = _(
                "Wrote and validated the bag %(path)s: %(artifacts)s artifact(s), %(files)s image and attachment "
                "file(s), %(bytes)s bytes; originals included; exported for an anonymous visitor (public records "
                "only)."
            )
        else:
            message = _(
                "Wrote and validated the bag %(path)s: %(artifacts)s artifact(s), %(files)s image and attachment "
                "file(s), %(bytes)s bytes; originals withheld (staff only); exported for an anonymous visitor "
                "(public records only)."
            )
    else:
        values |= _account(user)
        if summary.originals_included:
            message = _(
                "Wrote and validated the bag %(path)s: %(artifacts)s artifact(s), %(files)s image and attachment "
                "file(s), %(bytes)s bytes; originals included; exported for the account %(username)s (access "
                "level: %(level)s)."
            )
        else:
            message = _(
                "Wrote and validated the bag %(path)s: %(artifacts)s artifact(s), %(files)s image and attachment "
                "file(s), %(bytes)s bytes; originals withheld (staff only); exported for the account "
                "%(username)s (access level: %(level)s)."
            )
    return message % values
