"""Public custody pages and endpoints: an artifact's custody record, and the transparency
log's heads, proofs and keys for anyone to check and witness (RFC 9162 in spirit: the
answers are hashes, so no restricted record's content is exposed by a proof).
"""

import functools
import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from artifacts.custody import checker_zip, heads, log
from artifacts.custody.models import LogLeaf, SigningKey, TreeHead
from artifacts.custody.record import custody_document
from artifacts.models import Artifact, Photo

HEADS_PAGE = 1000


def custody_record(request, accession):
    try:
        artifact = Artifact.objects.visible_to(request.user).get(accession_number=accession)
    except Artifact.DoesNotExist:
        raise Http404("No such artifact.") from None
    photos = Photo.objects.visible_to(request.user).filter(artifact=artifact).order_by("position", "pk")
    document = custody_document(artifact, photos, request=request)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{artifact.accession_number}-custody.json"'
    return response


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"  # monitors and witnesses run anywhere
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _int_param(request, name: str) -> int:
    value = request.GET.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ValueError(f"'{name}' must be a whole number of at most 18 digits, e.g. {name}=12")
    return int(value)


@require_GET
def page(request):
    head = heads.latest()
    return render(
        request,
        "custody/transparency.html",
        {
            "head": head,
            "head_document": heads.document(head) if head else None,
            "leaves": log.size(),
            "keys": SigningKey.objects.all(),
            "heads_count": TreeHead.objects.count(),
            "base": request.build_absolute_uri(reverse("transparency")),
        },
    )


@require_GET
def latest_head(request):
    head = heads.latest()
    if head is None:
        return _error("The archive has published no signed tree head yet.", status=404)
    return _json(heads.document(head))


@require_GET
def head_detail(request, number: int):
    head = TreeHead.objects.select_related("key").prefetch_related("timestamps").filter(number=number).first()
    if head is None:
        return _error(f"The archive has published no signed tree head number {number}.", status=404)
    return _json(heads.document(head))


@require_GET
def head_list(request):
    try:
        start = _int_param(request, "start") if "start" in request.GET else 1
    except ValueError as exc:
        return _error(str(exc))
    rows = TreeHead.objects.select_related("key").prefetch_related("timestamps").filter(number__gte=start)
    page_rows = list(rows.order_by("number")[: HEADS_PAGE + 1])
    more = len(page_rows) > HEADS_PAGE
    data = {"heads": [heads.document(h) for h in page_rows[:HEADS_PAGE]]}
    if more:
        data["next"] = request.build_absolute_uri(f"{reverse('transparency-heads')}?start={page_rows[-1].number}")
    return _json(data)


def _proof(request, params: dict[str, str], prove) -> JsonResponse:
    """A proof endpoint: read whole-number parameters, prove, answer hashes in hex; bad
    input is a 400 that says what was wrong, never a 500."""
    try:
        values = {name: _int_param(request, param) for name, param in params.items()}
        proof = prove(*values.values())
    except (ValueError, log.LogError) as exc:
        return _error(str(exc))
    return _json({**values, "hashes": [h.hex() for h in proof]})


@require_GET
def inclusion(request):
    return _proof(request, {"leaf_index": "leaf", "tree_size": "tree_size"}, log.inclusion_proof)


@require_GET
def consistency(request):
    return _proof(request, {"first": "first", "second": "second"}, log.consistency_proof)


@require_GET
def keys(request):
    return _json(
        {
            "keys": [
                {
                    "key_id": key.key_id,
                    "algorithm": "ed25519",
                    "public_key": key.public_key,
                    "first_used_at": heads.format_time(key.first_used_at),
                }
                for key in SigningKey.objects.all()
            ]
        }
    )


@require_GET
def leaf_hash(request, index: int):
    """A leaf's hash (never its content, which may belong to a restricted record)."""
    leaf = LogLeaf.objects.filter(index=index).only("index", "data").first()
    if leaf is None:
        return _error(f"The log has no leaf {index}: it has {log.size()} leaves, numbered from 0.", status=404)
    return _json({"leaf_index": index, "leaf_hash": log.leaf_hash_of(leaf).hex()})


@functools.cache
def _checker() -> bytes:
    return checker_zip.build()


@require_GET
def checker(request):
    response = HttpResponse(_checker(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="bfa-verify.pyz"'
    return response
