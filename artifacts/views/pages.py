"""The researcher-facing pages: home, catalog, artifact detail, and the error pages.

Every read goes through visible_to(request.user) (see artifacts.access): a restricted or
draft record is indistinguishable from one that does not exist, in pages and in counts.
A withdrawn record's address answers 410 with a tombstone instead (see artifacts.publication).
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_text_list
from django.utils.translation import get_language_info, gettext, gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from artifacts import citations, exports, publication
from artifacts.access import sees_drafts, takes_originals
from artifacts.choices import ArtifactType, CustodyEventType, RelationType
from artifacts.custody import heads
from artifacts.custody.checker.chain import verify_events
from artifacts.custody.models import LeafKind, LogLeaf
from artifacts.custody.record import event_document
from artifacts.facets import active_filters, build_facets, describe
from artifacts.filters import SORT_CHOICES, SORTS, catalog_filter, order_for, text_search_query
from artifacts.models import Artifact, Language, PersonalDatum, Photo, Relation, SourceCitation
from artifacts.paging import CappedPaginator, count_results, known_rows
from artifacts.revisions import history_summary
from artifacts.search import attach_highlights

logger = logging.getLogger(__name__)

PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 25
LATEST_ON_HOME = 6
GRAPHIC_SESSION_KEY = "show_graphic"
# How a relation reads from the other end. The other types are symmetric.
INVERSE_RELATION = {RelationType.PART_OF: gettext_lazy("Has as a part")}


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
    latest = list(visible.order_by("-created_at", "-pk")[:LATEST_ON_HOME])
    attach_thumbnails(latest, request)
    return render(
        request,
        "artifacts/home.html",
        {"by_type": by_type, "total": sum(counts.values()), "latest": latest},
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
    user = request.user
    base = Artifact.objects.visible_to(user).with_photo_flags(user)
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

    results = filterset.qs.order_by(*ordering)
    download = download or request.GET.get("format")
    if download in exports.FORMATS:
        if filterset.form.errors:
            return exports.refused(_filter_errors(filterset.form))
        return exports.download(request, results, download)
    if download:
        notices.append(exports.notice_for(download))

    total = count_results(filterset.qs)
    paginator = CappedPaginator(known_rows(filterset.queryset, results, total), per_page, total)
    page = _page(paginator, request.GET.get("page"), notices)
    artifacts = list(page.object_list)
    attach_thumbnails(artifacts, request)
    if query:
        attach_highlights(artifacts, query)  # one query, whatever the page size

    sort_choices = [(key, label) for key, label in SORT_CHOICES if key != "relevance" or query]
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "filter_errors": _filter_errors(filterset.form),
        "notices": notices,
        "page": page,
        "artifacts": artifacts,
        "facets": build_facets(filterset, request.GET, paginator.total),
        "active_filters": active_filters(cleaned, request.GET),
        "sentence": describe(paginator.total, cleaned, request.GET, SORTS[sort][0]),
        "sort": sort,
        "sort_choices": sort_choices,
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "query": query,
        "graphic_hidden": any(artifact.thumbnail.hidden for artifact in artifacts),
        "show_graphic": shows_graphic(request),
        "downloads": exports.links(request, filterset.form, paginator.total),
    }
    return render(request, "artifacts/catalog.html", context)


def _personal_data(artifact, user, texts) -> list[dict]:
    """Every personal datum's label; the value only where the viewer may see it. Values
    the viewer may not see are never read from the database for this page. Items found
    inside one of the texts (a name in a letter) go to that text as `text.personal_items`,
    to be withheld where the reader meets them; the rest are returned."""
    visible = dict(PersonalDatum.objects.visible_to(user).filter(artifact=artifact).values_list("pk", "value"))
    items = artifact.personal_data.only("pk", "field", "text_id").order_by("field", "pk")
    by_text = {text.pk: text for text in texts}
    for text in texts:
        text.personal_items = []
    rest = []
    for item in items:
        entry = {"label": item.get_field_display(), "value": visible.get(item.pk), "withheld": item.pk not in visible}
        if item.text_id in by_text:
            by_text[item.text_id].personal_items.append(entry)
        else:
            rest.append(entry)
    return rest


def _related(artifact, user) -> list[dict]:
    """Relations stated from either end, to artifacts the viewer may see."""
    visible = Artifact.objects.visible_to(user)
    related = []
    for relation in Relation.objects.filter(from_artifact=artifact, to_artifact__in=visible).select_related(
        "to_artifact"
    ):
        related.append(
            {"label": relation.get_relation_type_display(), "artifact": relation.to_artifact, "note": relation.note}
        )
    for relation in Relation.objects.filter(to_artifact=artifact, from_artifact__in=visible).select_related(
        "from_artifact"
    ):
        label = INVERSE_RELATION.get(relation.relation_type, relation.get_relation_type_display())
        related.append({"label": label, "artifact": relation.from_artifact, "note": relation.note})
    return sorted(related, key=lambda item: (item["label"], item["artifact"].accession_number))


PHRASE_PARTS = [
    ("original_text", gettext_lazy("the original wording")),
    ("transliteration", gettext_lazy("a transliteration")),
    ("translation", gettext_lazy("a translation")),
    ("translation_source", gettext_lazy("where a translation was published")),
]


def _phrase_columns(phrases) -> tuple[set[str], str]:
    """The phrase table's columns that hold something, and one sentence for those that hold
    nothing in any row, rather than "not published" repeated in every row."""
    shown = {field for field, _ in PHRASE_PARTS if any(getattr(phrase, field) for phrase in phrases)}
    missing = [label for field, label in PHRASE_PARTS if field not in shown]
    if not phrases or not missing:
        return shown, ""
    listed = get_text_list([str(label) for label in missing])
    return shown, gettext("Not published for any of them: %(parts)s.") % {"parts": listed}


def _phrase_note(artifact, published: int) -> str:
    if artifact.item_count:
        # The same English either way; other languages need the form that goes with the total.
        return ngettext(
            "%(published)s of %(total)s phrases published.",
            "%(published)s of %(total)s phrases published.",
            artifact.item_count,
        ) % {"published": published, "total": artifact.item_count}
    return ngettext(
        "%(published)s phrase published; how many the list holds is not published.",
        "%(published)s phrases published; how many the list holds is not published.",
        published,
    ) % {"published": published}


def _language_name(code: str, names: dict) -> str:
    if not code:
        return ""
    if code in names:
        return names[code]
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _texts(artifact) -> list:
    """The artifact's texts, each with the names of its languages for the column headings."""
    texts = list(artifact.texts.all())
    names = dict(Language.objects.values_list("code", "name")) if texts else {}
    for text in texts:
        text.original_language_name = _language_name(text.original_language, names)
        text.translation_language_name = _language_name(text.translation_language, names)
    return texts


def artifact_detail(request, accession):
    user = request.user
    if "\x00" in accession:
        # No accession number holds a NUL, and PostgreSQL refuses one in a query parameter.
        raise Http404("No artifact with that accession number is available.")
    try:
        artifact = (
            Artifact.objects.visible_to(user)
            .select_related("military_id", "object_details")
            .prefetch_related("languages", "texts", "phrases", "serial_numbers")
            .get(accession_number=accession)
        )
    except Artifact.DoesNotExist:
        withdrawal = publication.tombstone(accession, user)
        if withdrawal is not None:
            return render(request, "artifacts/withdrawn.html", {"withdrawal": withdrawal}, status=410)
        raise Http404("No artifact with that accession number is available.") from None

    photos = list(Photo.objects.visible_to(user).filter(artifact=artifact).defer("exif").order_by("position", "pk"))
    revealed = shows_graphic(request)
    for photo in photos:
        photo.hidden = (artifact.graphic_content or photo.graphic_content) and not revealed
    phrases = list(artifact.phrases.all())
    phrase_columns, phrase_missing = _phrase_columns(phrases)
    custody = list(
        artifact.custody_events.select_related("recorded_by", "corrects")
        .prefetch_related("corrections", "attachments")
        .order_by("sequence")
    )
    sources = list(SourceCitation.objects.filter(artifact=artifact).select_related("source"))
    texts = _texts(artifact)
    languages = list(artifact.languages.all())
    shown_photos = [photo for photo in photos if not photo.hidden]
    metadata = citations.json_ld(
        artifact, request, sources=sources, photos=shown_photos, texts=texts, languages=languages
    )
    context = {
        "artifact": artifact,
        "integrity": _integrity(artifact, custody),
        "history": history_summary(artifact, user),
        "photos": photos,
        "any_hidden": any(photo.hidden for photo in photos),
        "any_graphic": artifact.graphic_content or any(photo.graphic_content for photo in photos),
        "show_graphic": revealed,
        "texts": texts,
        "phrases": phrases,
        "phrase_note": _phrase_note(artifact, len(phrases)),
        "phrase_columns": phrase_columns,
        "phrase_missing": phrase_missing,
        "military_id": getattr(artifact, "military_id", None),
        "object_details": getattr(artifact, "object_details", None),
        "serial_numbers": list(artifact.serial_numbers.all()),
        "personal_data": _personal_data(artifact, user, texts),
        "custody": custody,
        "citations": sources,
        "related": _related(artifact, user),
        "cite": citations.for_artifact(artifact, request),
        "json_ld": citations.json_ld_script(metadata),
        "languages": languages,
        # Staff-level viewers: the same test that reveals drafts reveals internal notes.
        "staff_view": sees_drafts(user),
        "publication_banner": publication.staff_banner(artifact),
        "takes_originals": takes_originals(user),
    }
    return render(request, "artifacts/artifact_detail.html", context)


def _integrity(artifact, custody) -> dict:
    """Recompute the hash chain now (cheap: a few events) and report the last full fixity
    check, which also re-hashed the files."""
    problems = verify_events([event_document(e) for e in custody], artifact.accession_number)
    checks = [e for e in custody if e.event_type == CustodyEventType.FIXITY_CHECK]
    head = heads.latest()
    indexes = LogLeaf.objects.filter(kind=LeafKind.CUSTODY_EVENT, object_id__in=[e.pk for e in custody])
    last_leaf = max(indexes.values_list("index", flat=True), default=None)
    return {
        "log_head": head,
        "logged": indexes.count() if custody else 0,
        "all_covered": head is not None and last_leaf is not None and last_leaf < head.tree_size,
        "chain_head": custody[-1].entry_hash if custody else "",
        "chain_ok": not problems,
        "problems": problems,
        "checked_at": timezone.now(),
        "last_fixity": checks[-1] if checks else None,
    }


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
