"""The researcher-facing pages: home, catalog, and the error pages (the record page is
artifacts.views.record).

Every read goes through visible_to(request.user) (see artifacts.access): a restricted or
draft record is indistinguishable from one that does not exist, in pages and in counts.
A withdrawn record's address answers 410 with a tombstone instead (see artifacts.publication).
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext, pgettext
from django.views.decorators.http import require_POST

from artifacts import exports
from artifacts.choices import ArtifactType
from artifacts.facets import active_filters, build_facets, describe
from artifacts.filters import SORT_CHOICES, SORTS, catalog_filter, order_for, text_search_query
from artifacts.models import Artifact, Photo
from artifacts.paging import CappedPaginator, count_results, page_rows
from artifacts.search import attach_highlights

logger = logging.getLogger(__name__)

PER_PAGE_CHOICES = (10, 25, 50, 100)
# How results are laid out; the choice is kept in the URL (?view=grid), like every other
# state of the catalog, so that a shared link shows what its sender saw.
LAYOUTS = ("list", "grid")
DEFAULT_PER_PAGE = 25
ON_HOME = 8
GRAPHIC_SESSION_KEY = "show_graphic"
# How a relation reads from the other end. The other types are symmetric.


def shows_graphic(request) -> bool:
    """Whether this viewer chose to see graphic images (for the rest of the session)."""
    return bool(request.session.get(GRAPHIC_SESSION_KEY, False))


@dataclass
class Thumbnail:
    photo: Photo | None
    hidden: bool  # graphic content the viewer has not chosen to see


def attach_thumbnails(artifacts: list, request) -> None:
    """Give each artifact `.thumbnail`: its first photo the viewer may see. One query for
    the whole list, whatever its length."""
    photos = Photo.objects.visible_to(request.user).defer("exif").order_by("position", "pk")
    prefetch_related_objects(artifacts, Prefetch("photos", queryset=photos, to_attr="visible_photos"))
    revealed = shows_graphic(request)
    for artifact in artifacts:
        photo = artifact.visible_photos[0] if artifact.visible_photos else None
        graphic = photo is not None and (artifact.graphic_content or photo.graphic_content)
        artifact.thumbnail = Thumbnail(photo, hidden=graphic and not revealed)


def home(request):
    visible = Artifact.objects.visible_to(request.user)
    counts = {
        row["artifact_type"]: row["n"] for row in visible.order_by().values("artifact_type").annotate(n=Count("pk"))
    }
    by_type = [(value, label, counts[value]) for value, label in ArtifactType.choices if counts.get(value)]
    # The home page leads with the collection's images: records with a photograph this
    # viewer may see come first, then the most recent, each shown as a card.
    featured = list(visible.with_photo_flags(request.user).order_by("-has_photos", "-created_at", "-pk")[:ON_HOME])
    attach_thumbnails(featured, request)
    return render(
        request,
        "artifacts/home.html",
        {"by_type": by_type, "total": sum(counts.values()), "featured": featured},
    )


def _per_page(raw: str | None, notices: list[str]) -> int:
    if raw in (None, ""):
        return DEFAULT_PER_PAGE
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value not in PER_PAGE_CHOICES:
        # “10, 25, 50 or 100”: Django's own catalog translates the comma and “or”.
        choices = get_text_list([str(n) for n in PER_PAGE_CHOICES])
        notices.append(
            gettext("Results per page can be %(choices)s; showing %(default)s.")
            % {"choices": choices, "default": DEFAULT_PER_PAGE}
        )
        return DEFAULT_PER_PAGE
    return value


def _layout(raw: str | None, notices: list[str]) -> str:
    if raw in (None, "") or raw in LAYOUTS:
        return raw or LAYOUTS[0]
    notices.append(gettext("“%(value)s” is not a way to show results; showing a list.") % {"value": raw[:40]})
    return LAYOUTS[0]


def _page(paginator: Paginator, raw: str | None, notices: list[str]):
    """The requested page, clamped into range with a notice instead of an error page."""
    number = 1
    if raw not in (None, ""):
        try:
            number = int(raw)
        except ValueError:
            notices.append(gettext("“%(value)s” is not a page number; showing the first page.") % {"value": raw[:40]})
            number = 1
        else:
            if number < 1:
                notices.append(gettext("Page numbers start at 1; showing the first page."))
                number = 1
            elif number > paginator.num_pages and paginator.capped:
                notices.append(
                    ngettext(
                        "Only the first %(count)s result can be paged through; showing the last of those pages. "
                        "Narrow the search or change the sort to reach the others.",
                        "Only the first %(count)s results can be paged through; showing the last of those pages. "
                        "Narrow the search or change the sort to reach the others.",
                        paginator.limit,
                    )
                    % {"count": paginator.pageable_label}
                )
                number = paginator.num_pages
            elif number > paginator.num_pages:
                # The same English either way; other languages say “pages” in the right form.
                notices.append(
                    ngettext(
                        "There is no page %(number)s: these results fill %(pages)s; showing the last.",
                        "There is no page %(number)s: these results fill %(pages)s; showing the last.",
                        paginator.num_pages,
                    )
                    % {
                        "number": number_format(number, force_grouping=True),
                        "pages": number_format(paginator.num_pages, force_grouping=True),
                    }
                )
                number = paginator.num_pages
    return paginator.page(number)


def _filter_errors(form) -> list[str]:
    """The form's errors as sentences naming the field, for the message above the results."""
    errors = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        errors += [
            pgettext("a label and its value", "%(label)s: %(value)s") % {"label": label, "value": message}
            if label
            else message
            for message in messages
        ]
    return errors


def catalog(request, download=None):
    """The catalog page, or with ?format=csv|json (or /artifacts.csv) the same results as a
    download: every page of them, from the same queryset."""
    return catalog_page(request, download=download)


def catalog_page(
    request, *, download=None, scope=None, scope_words=None, template="artifacts/catalog.html", context=None
):
    """The catalog, or a part of it: `scope` narrows the viewer's artifacts before any
    filter (an authority's page lists its own records, with every facet, sort, page and
    download the catalog has, all in the URL), and `scope_words` says so in the sentence
    above the results. `context` adds to the page's context."""
    user = request.user
    base = Artifact.objects.visible_to(user).with_photo_flags(user)
    if scope is not None:
        base = scope(base)
    filterset = catalog_filter(request.GET, base)
    cleaned = filterset.form.cleaned_data
    query = text_search_query(filterset)
    notices: list[str] = []

    requested_sort = request.GET.get("sort", "")
    if requested_sort and requested_sort not in SORTS:
        notices.append(
            gettext("“%(value)s” is not a way to sort; sorted by the default instead.") % {"value": requested_sort[:40]}
        )
    sort, ordering = order_for(requested_sort, query)
    per_page = _per_page(request.GET.get("per_page"), notices)
    layout = _layout(request.GET.get("view"), notices)

    results = filterset.qs.order_by(*ordering)
    download = download or request.GET.get("format")
    if download in exports.FORMATS:
        if filterset.form.errors:
            return exports.refused(_filter_errors(filterset.form))
        return exports.download(request, results, download)
    if download:
        notices.append(exports.notice_for(download))

    total = count_results(filterset.qs)
    rows = page_rows(filterset.queryset, results, total, ranked_by=query if sort == "relevance" else "")
    paginator = CappedPaginator(rows, per_page, total)
    page = _page(paginator, request.GET.get("page"), notices)
    artifacts = list(page.object_list)
    attach_thumbnails(artifacts, request)
    if query:
        attach_highlights(artifacts, query)  # one query, whatever the page size

    sort_choices = [(key, label) for key, label in SORT_CHOICES if key != "relevance" or query]
    page_context = {
        "filterset": filterset,
        "form": filterset.form,
        "filter_errors": _filter_errors(filterset.form),
        "notices": notices,
        "page": page,
        "artifacts": artifacts,
        "facets": build_facets(filterset, request.GET, paginator.total),
        "active_filters": active_filters(cleaned, request.GET),
        "sentence": describe(paginator.total, cleaned, request.GET, SORTS[sort][0], scope_words),
        "sort": sort,
        "sort_choices": sort_choices,
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "layout": layout,
        "query": query,
        "graphic_hidden": any(artifact.thumbnail.hidden for artifact in artifacts),
        "show_graphic": shows_graphic(request),
        "downloads": exports.links(request, filterset.form, paginator.total),
        "catalog_url": request.path,
        **(context or {}),
    }
    return render(request, template, page_context)


@require_POST
def graphic_preference(request):
    """Show or hide graphic images for the rest of the session. A POST form, so it works
    without JavaScript and a link crawler can never flip it."""
    request.session[GRAPHIC_SESSION_KEY] = request.POST.get("show") == "1"
    # Back to the page the form was on, and only ever to a path on this site. The checked
    # (stripped) value is the one used, and it is never passed to redirect(), which would
    # try any plain word as a URL pattern name and fail on it.
    target = request.POST.get("next", "").strip()
    host, secure = request.get_host(), request.is_secure()
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(target, {host}, require_https=secure)):
        target = reverse("home")
    return HttpResponseRedirect(target)


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap}, content_type="text/plain; charset=utf-8")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    # Our own PermissionDenied messages are written for the reader (see views.media).
    message = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def server_error(request):
    # Rendered without the request's context processors: whatever failed (the database,
    # the session) must not be touched again while apologising for it.
    try:
        body = loader.get_template("500.html").render({"user": AnonymousUser()})
    except Exception:
        logger.exception("The 500 page itself failed to render")
        body = "<!doctype html><title>Server error</title><h1>Server error</h1><p>Please try again later.</p>"
    return HttpResponseServerError(body)
