"""Refuse NUL characters before they reach forms that write to the database.

PostgreSQL cannot store NUL in text, and Django's admin search, list filters and the
login form (whose attempts django-axes records) pass request values to the database
unchecked. The public catalog reports such input as a filter error itself; these
staff and account pages answer 400 with a plain explanation instead of failing.
"""

from django.http import HttpResponseBadRequest

from artifacts.i18n import without_language

GUARDED_PREFIXES = ("/admin/", "/accounts/")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        sources.append(request.POST)
    return any("\x00" in key or any("\x00" in v for v in values) for qd in sources for key, values in qd.lists())


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if without_language(request.path).startswith(GUARDED_PREFIXES) and _has_nul(request):
            return HttpResponseBadRequest(
                "The request contains a null character (\\0), which no field of this archive accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def axes_username(request, credentials) -> str:
    """The user name django-axes records for an attempt, cut to its 255-character column
    (Django's login form does not validate length, and PostgreSQL refuses longer values)."""
    source = credentials or getattr(request, "data", request.POST)
    return (source.get("username") or "")[:255]
