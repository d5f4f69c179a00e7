"""Language tags (BCP 47) on what the archive holds, so that each text says its language.

Pages put these tags in `lang` attributes: a screen reader then reads Hangul with a
Korean voice, and a browser picks Korean glyphs and line breaking. A transliteration is
tagged with the language it renders and the script it is written in (`ko-Latn` for
romanized Korean, `ko-Cyrl` for Korean in Cyrillic letters), as BCP 47 intends.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# language (2–3 letters), then optional subtags: script (4 letters), region (2 letters or
# 3 digits), variants. Well-formed is enough here: the archive does not keep a registry.
_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*\Z")


def validate_language_tag(value: str) -> None:
    if value and not _TAG.match(value):
        raise ValidationError(
            _("“%(value)s” is not a language tag. Use a BCP 47 code such as ko, ru, uk, en or ko-Latn."),
            params={"value": value},
            code="invalid_language_tag",
        )


def language_tag_field(verbose_name, *, help_text, **options):
    """A model field for an optional language tag: the same length and check everywhere a
    text says its language (texts, phrases, markings)."""
    from django.db import models

    return models.CharField(
        verbose_name, max_length=12, blank=True, validators=[validate_language_tag], help_text=help_text, **options
    )


def with_script(language: str, script: str) -> str:
    """The tag of a text in `language` written in `script` (an ISO 15924 code); empty when
    the language is not known, since a script alone says nothing a screen reader can use."""
    if not language:
        return ""
    base = language.split("-", 1)[0]
    return f"{base}-{script}" if script else language
