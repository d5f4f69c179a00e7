"""Pages of this package: the record page's "Similar images in the archive", the link of
two records as the same object, and search by picture.

Everything shown goes through Photo.objects.visible_to(user) (artifacts.similarity.search):
only photos the viewer may see are hashed for the query, listed, or counted.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from artifacts.access import sees_drafts
from artifacts.choices import RelationType
from artifacts.models import Artifact, Relation
from artifacts.similarity import hashing, picture
from artifacts.similarity.forms import PictureSearchForm, SameObjectForm
from artifacts.similarity.models import ImageFingerprint
from artifacts.similarity.search import find_similar
from artifacts.similarity.services import link_same_object
from artifacts.views.pages import shows_graphic

ON_RECORD = 24  # similar photos listed on a record page
PICTURE_RESULTS = 50
LINK_PERMISSION = "artifacts.add_relation"


def may_link(user) -> bool:
    """Staff who may add relations: curators, and editors given the permission."""
    return sees_drafts(user) and user.has_perm(LINK_PERMISSION)


def _hidden(photo, revealed: bool) -> bool:
    return (photo.graphic_content or photo.artifact.graphic_content) and not revealed


def evidence_note(own_photo, artifact, match) -> str:
    other = match.photo
    return gettext(
        "The photo “%(own_caption)s” (no. %(own_id)s) of %(own_accession)s and the photo “%(caption)s” (no. "
        "%(id)s) of %(accession)s are %(words)s: their perceptual fingerprints (%(algorithm)s) differ in "
        "%(bits)s of 64 bits."
    ) % {
        "own_caption": own_photo.caption,
        "own_id": own_photo.pk,
        "own_accession": artifact.accession_number,
        "caption": other.caption,
        "id": other.pk,
        "accession": other.artifact.accession_number,
        "words": match.words,
        "algorithm": hashing.ALGORITHM,
        "bits": match.distance,
    }


def similar_on_record(artifact, photos: list, request) -> list[dict]:
    """Photos of other records within the threshold of one of `photos` (the record's photos
    this viewer may see), nearest first: one search for all of them. Each item names the
    record's photo it is nearest to, and for curators the evidence a link would note."""
    if not photos:
        return []
    user = request.user
    own = dict(
        ImageFingerprint.objects.filter(
            photo_id__in=[photo.pk for photo in photos], algorithm=hashing.ALGORITHM
        ).values_list("photo_id", "value")
    )
    if not own:
        return []
    by_pk = {photo.pk: photo for photo in photos}
    matches = find_similar(fingerprints=list(own.values()), user=user, exclude_photo_ids=list(by_pk), limit=ON_RECORD)
    matches = [match for match in matches if match.photo.artifact_id != artifact.pk]
    if not matches:
        return []
    linking = may_link(user)
    linked = set()
    if linking:
        pairs = Relation.objects.filter(
            Q(from_artifact=artifact) | Q(to_artifact=artifact), relation_type=RelationType.SAME_OBJECT
        ).values_list("from_artifact_id", "to_artifact_id")
        for pair in pairs:
            linked.update(pair)
    revealed = shows_graphic(request)
    items = []
    for match in matches:
        value = match.photo.fingerprint.value
        nearest_pk = min(own, key=lambda pk: (hashing.distance(own[pk], value), pk))
        item = {
            "photo": match.photo,
            "artifact": match.photo.artifact,
            "distance": match.distance,
            "words": match.words,
            "own_photo": by_pk[nearest_pk],
            "hidden": _hidden(match.photo, revealed),
            "linked": match.photo.artifact_id in linked,
        }
        if linking and not item["linked"]:
            item["form"] = SameObjectForm(
                initial={
                    "other": match.photo.artifact.accession_number,
                    "note": evidence_note(by_pk[nearest_pk], artifact, match),
                },
                auto_id=f"same-object-{match.photo.pk}-%s",
            )
        items.append(item)
    return items


@require_POST
def same_object(request, accession):
    """Link this record and another as the same object (curators); back to the record."""
    user = request.user
    if not may_link(user):
        raise PermissionDenied(gettext("Only curators may link records as the same object."))
    visible = Artifact.objects.visible_to(user)
    artifact = visible.filter(accession_number=accession).first()
    if artifact is None:
        raise Http404("No artifact with that accession number is available.")
    back = HttpResponseRedirect(artifact.get_absolute_url() + "#similar")
    form = SameObjectForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    other = visible.filter(accession_number=form.cleaned_data["other"]).first()
    if other is None or other.pk == artifact.pk:
        messages.error(request, gettext("No other record with that accession number is available."))
        return back
    _relation, created = link_same_object(
        artifact=artifact, other=other, note=form.cleaned_data["note"], linked_by=user
    )
    values = {"accession": artifact.accession_number, "other": other.accession_number}
    if created:
        messages.success(request, gettext("%(accession)s and %(other)s are now linked as the same object.") % values)
    else:
        messages.info(request, gettext("%(accession)s and %(other)s were already linked as the same object.") % values)
    return back


def _results(matches, request) -> list[dict]:
    revealed = shows_graphic(request)
    return [
        {
            "photo": match.photo,
            "artifact": match.photo.artifact,
            "distance": match.distance,
            "words": match.words,
            "hidden": _hidden(match.photo, revealed),
        }
        for match in matches
    ]


def _page(request, form, *, results=None, refusal: str = "", status: int = 200):
    context = {
        "form": form,
        "results": results,
        "refusal": refusal,
        "max_results": PICTURE_RESULTS,
        "any_graphic": any(item["photo"].graphic_content or item["artifact"].graphic_content for item in results or []),
        "show_graphic": shows_graphic(request),
    }
    return render(request, "artifacts/search_by_picture.html", context, status=status)


@csrf_exempt  # checked below, once the upload is known to be read into memory only
def search_by_picture(request):
    """Upload a picture, see the visible photos that match it, nearest first. A plain form:
    it works without JavaScript. The picture is never stored (artifacts.similarity.picture)."""
    if request.method != "POST":
        return _page(request, PictureSearchForm())
    if not picture.allow_search(request):
        return _page(request, PictureSearchForm(), refusal=picture.rate_message(), status=429)
    declared = picture.declared_too_large(request)
    if declared:
        # Refused before the body is read: a large upload costs the server nothing.
        return _page(request, PictureSearchForm(), refusal=picture.too_large_message(declared), status=413)
    handler = picture.hold_in_memory(request)
    return _search(request, handler)


@csrf_protect
def _search(request, handler):
    files = request.FILES  # reads the body: a file past the limit is dropped while read
    if handler.too_large:
        return _page(request, PictureSearchForm(), refusal=picture.too_large_message(handler.received), status=413)
    form = PictureSearchForm(request.POST, files)
    if not form.is_valid():
        return _page(request, form, status=400)
    matches = find_similar(fingerprints=form.fingerprints, user=request.user, limit=PICTURE_RESULTS)
    return _page(request, PictureSearchForm(), results=_results(matches, request))
