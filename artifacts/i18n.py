"""The interface languages: English (default, unprefixed URLs), Ukrainian (/uk/…) and
Korean (/ko/…).

The URL is the state: a link to /uk/artifacts/… opens in Ukrainian for whoever follows it,
and every page names its other-language versions (hreflang). An unprefixed page is
English, except for a reader who has said otherwise: the language chosen with the
switcher (a cookie, set by `choose_language`), or before any choice the browser's
Accept-Language, sends a GET for an unprefixed page to the same page in that language.
Crawlers send neither, so they index the English pages and find the others through
hreflang. Machine endpoints (the JSON API, OAI-PMH, IIIF, the transparency log's JSON,
downloads) have no language prefix and always answer in English, so that what a program
reads never depends on who asked; the API's documentation page follows the reader's
language.
"""

import re

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

# Pages outside the language-prefixed URLs that a person reads: they follow the reader's
# language (cookie, then Accept-Language) without a prefix of their own.
NEGOTIATED = ("/api/docs/",)
_PREFIX = re.compile(r"^/([a-z]{2})(/|$)")


def without_language(path: str) -> str:
    """`path` without its language prefix: /uk/admin/ → /admin/."""
    match = _PREFIX.match(path)
    if match and match.group(1) in dict(settings.LANGUAGES) and match.group(1) != settings.LANGUAGE_CODE:
        return path[len(match.group(1)) + 1 :]
    return path


def preferred_language(request) -> str | None:
    """The language a reader has asked for, by cookie or, failing that, Accept-Language;
    None when they have said nothing the archive offers."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in dict(settings.LANGUAGES):
        return chosen
    if not request.headers.get("Accept-Language"):
        return None
    return translation.get_language_from_request(request, check_path=False)


class ArchiveLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        super().process_request(request)
        if request.path_info.startswith(NEGOTIATED):
            translation.activate(preferred_language(request) or settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return None
        if request.method not in ("GET", "HEAD") or translation.get_language_from_path(request.path_info):
            return None
        preferred = preferred_language(request)
        if not preferred or preferred == settings.LANGUAGE_CODE:
            return None
        # An unprefixed page that exists in the reader's language: send them there.
        # (Prefixed patterns match the active language's prefix only, hence the override.)
        with translation.override(preferred):
            exists = is_valid_path(f"/{preferred}{request.path_info}", getattr(request, "urlconf", None))
        if exists:
            target = translate_url(request.get_full_path(), preferred)
            if target != request.get_full_path():
                redirect = HttpResponseRedirect(target)
                patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                return redirect
        return None

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if request.path_info.startswith(NEGOTIATED):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def alternates(request) -> list[dict]:
    """This page in each interface language: code, name in that language, absolute URL and
    whether it is the current one. Empty for a page that has no language versions."""
    path = request.get_full_path()
    current = translation.get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        versions.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": request.build_absolute_uri(url),
                "path": url,
                "current": code == current,
            }
        )
    if len({version["path"] for version in versions}) < len(versions):
        return []
    return versions


@csrf_exempt
@require_POST
def choose_language(request):
    """The switcher's target: Django's set_language, which remembers the choice in the
    language cookie and answers with `next` in that language. POST only, so that no link or
    crawler flips a reader's language; without CSRF protection, because a forged request
    could do no more than change the interface language, and a CSRF cookie on every public
    page is not worth that."""
    response = set_language(request)
    language = request.POST.get("language")
    next_url = response.get("Location") if response.status_code == 302 else None
    if next_url and language in dict(settings.LANGUAGES):
        # set_language resolves `next` in the active language (the default, on this
        # unprefixed URL), so it cannot translate /uk/… itself: resolve it in its own.
        with translation.override(translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE):
            response["Location"] = translate_url(next_url, language)
    return response


def catalogue_language(request) -> dict:
    """Context processor: `catalogue_lang` is the language curators write records in
    (ARCHIVE_CATALOGUE_LANGUAGE), for a `lang` attribute on titles, descriptions and
    captions wherever the interface is in another language; empty when they agree."""
    written_in = getattr(settings, "ARCHIVE_CATALOGUE_LANGUAGE", "en")
    return {"catalogue_lang": "" if translation.get_language() == written_in else written_in}
