"""Commands that curators run speak their language.

Django runs commands in LANGUAGE_CODE (English here). A curator at a Ukrainian or Korean
terminal expects the report in the language their system is set to, the way any Unix
tool reads it: `--language` if given, otherwise the first of LANGUAGE, LC_ALL,
LC_MESSAGES and LANG that names one of the archive's languages (`uk_UA.UTF-8` → uk,
`ko_KR.UTF-8` → ko); "C", "POSIX" and anything else give English.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_from_environment(environ=os.environ) -> str:
    """The archive language a POSIX locale setting names, or the default one."""
    supported = supported_languages()
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if not value:
            continue
        # LANGUAGE may list several, "uk:ru:en"; a locale is "ll_CC.charset@modifier".
        for entry in value.split(":"):
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in supported:
                return code
        if variable != "LANGUAGE":
            break  # the first locale variable that is set decides, as in POSIX
    return settings.LANGUAGE_CODE


class CuratorCommand(BaseCommand):
    """A command whose messages are meant for a curator, in the curator's language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            help=(
                "Language of the report: "
                + ", ".join(supported_languages())
                + ". Default: the one your system's locale (LANG, LC_MESSAGES…) names, else English."
            ),
        )
        return parser

    def execute(self, *args, **options):
        language = options.get("language") or language_from_environment()
        if language not in supported_languages():
            raise CommandError(
                gettext("--language must be one of %(choices)s, not %(value)s.")
                % {"choices": ", ".join(supported_languages()), "value": language}
            )
        with translation.override(language):
            return super().execute(*args, **options)
