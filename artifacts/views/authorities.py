"""The page of a place or an organisation: its names in every language, where it belongs,
its identifiers with links out, and the catalog of the records linked to it (or to any
place or organisation below it), as this viewer may see them, with the catalog's facets.

An authority this viewer may see no record of does not exist for them (404), as a record
they may not see does not: its name may have come from a restricted record's wording.
A merged authority's address redirects, permanently, to the one it was merged into.
"""

from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext

from artifacts.authorities import services
from artifacts.authorities.models import Organisation, Place
from artifacts.models import Artifact, EventLink
from artifacts.views.pages import catalog_page


def _authority_page(request, model, pk: int, *, kind: str):
    authority = (
        model.objects.filter(pk=pk)
        .select_related("merged_into")
        .prefetch_related("names", "parent__names", "parent__parent__names")  # the breadcrumb's names
        .first()
    )
    if authority is None:
        raise Http404
    if authority.merged_into_id is not None:
        return redirect(services.final(authority), permanent=True)
    visible = Artifact.objects.visible_to(request.user)
    # The tree is read once; which authorities in this one's subtree have a record the viewer
    # may see is one query per way of linking, for the page and every child alike.
    children_of = services.tree(model)
    subtree = services.with_descendants(model, authority.pk, children_of)
    linked = services.linked_ids(model, visible, subtree)
    if not linked:
        raise Http404
    names = sorted(authority.names.all(), key=lambda name: (name.language, not name.preferred, name.name))
    children = [
        child
        for child in model.objects.current().filter(parent=authority).prefetch_related("names")
        if services.with_descendants(model, child.pk, children_of) & linked
    ]
    context = {
        "authority": authority,
        "authority_kind": kind,
        "label": authority.label(),
        "label_lang": authority.label_language(),
        "names": names,
        "ancestors": authority.ancestors(),
        "children": sorted(children, key=lambda child: child.label().casefold()),
        "identifiers": authority.identifiers(),
        "events": _events(authority, visible, subtree),
    }
    quoted = gettext("“%(value)s”") % {"value": context["label"]}
    if kind == "place":
        words = gettext("recovered in %(places)s") % {"places": quoted}
    else:
        words = gettext("linked to %(organisations)s") % {"organisations": quoted}
    return catalog_page(
        request,
        scope=lambda artifacts: services.artifacts_of(authority, artifacts, subtree),
        scope_words=words,
        template="artifacts/authority.html",
        context=context,
    )


EVENTS_SHOWN = 50


def _events(authority, visible, ids: set[int]) -> dict:
    """Custody events whose place or party names this authority (or one within it: `ids`),
    of records the viewer may see, in the order they happened."""
    model = type(authority)
    links = (
        EventLink.objects.filter(**{f"{model._meta.model_name}__in": ids}, event__artifact__in=visible)
        .select_related("event__artifact")
        .order_by(
            F("event__occurred_earliest").asc(nulls_last=True), "event__artifact__accession_number", "event__sequence"
        )
    )
    return {"shown": list(links[:EVENTS_SHOWN]), "total": links.count()}


def place_detail(request, pk: int):
    return _authority_page(request, Place, pk, kind="place")


def organisation_detail(request, pk: int):
    return _authority_page(request, Organisation, pk, kind="organisation")
