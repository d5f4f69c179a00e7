"""Template helpers for the archive's pages."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from artifacts import edtf_dates

register = template.Library()

DEFAULT_ARCHIVE_NAME = "Battlefield Artifacts Archive"


def archive_name() -> str:
    """The archive's name as data (citations, OAI-PMH, IIIF, bags): never translated."""
    return getattr(settings, "ARCHIVE_NAME", DEFAULT_ARCHIVE_NAME)


@register.simple_tag(name="archive_name")
def archive_name_on_page() -> str:
    """The archive's name as readers see it: the default name in the page's language; a
    name configured in settings as it is written there."""
    name = archive_name()
    return gettext("Battlefield Artifacts Archive") if name == DEFAULT_ARCHIVE_NAME else name


@register.simple_tag
def accession_example() -> str:
    """An accession number in the form this archive issues (its prefix, this year)."""
    from django.utils import timezone

    from artifacts.models import AccessionCounter

    return AccessionCounter.format(timezone.now().year, 1)


@register.filter
def or_not_published(value):
    """An empty field means the source did not publish it: say so, never guess."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return format_html('<span class="not-published">{}</span>', pgettext("by the source", "not published"))
    return value


@register.simple_tag
def absent(artifact, detail: str):
    """An empty detail of a record, with the reason it is empty: the source did not publish
    it, or it has not been recorded (ABSENT_DETAILS)."""
    if artifact.absence(detail) == "not_published":
        return format_html('<span class="not-published">{}</span>', pgettext("by the source", "not published"))
    return format_html('<span class="not-recorded">{}</span>', gettext("not recorded"))


@register.filter
def edtf_in_words(value: str) -> str:
    """An EDTF date in words; a value that does not parse is shown as stored."""
    if not value:
        return ""
    try:
        return edtf_dates.in_words(value)
    except (ValidationError, ValueError, IndexError):
        return value


WEB_SCHEMES = ("http", "https")


@register.filter
def web_url(value) -> str:
    """The address if it is an http(s) URL, else "". Only these become links: a source
    imported or loaded without the form's validation could hold `javascript:` or `data:`,
    and a browser ignores tabs, newlines and leading control characters when it reads a
    scheme, so anything holding those is refused too."""
    value = (value or "").strip()
    if not value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return ""
    try:
        scheme = urlsplit(value).scheme
    except ValueError:  # e.g. an unbalanced [ in the host
        return ""
    return value if scheme.lower() in WEB_SCHEMES else ""


@register.simple_tag
def authority_ref(authority):
    """A link to the authority a record's wording names, labelled in the reader's language
    (a merged authority's link goes to the one it was merged into). Empty without one."""
    if authority is None:
        return ""
    if authority.merged_into_id is not None:
        from artifacts.authorities.services import final

        authority = final(authority)
    language = authority.label_language()
    return format_html(
        '<span class="authority-ref">{} <a href="{}"{}>{}</a></span>',
        gettext("Authority record:"),
        authority.get_absolute_url(),
        format_html(' lang="{}"', language) if language else "",
        authority.label(),
    )
