"""The downloadable custody record of one artifact, with its proofs from the log.

Served at /artifacts/<accession>/custody.json, included in the API's record and in BagIt
exports, and verified by the researchers' checker (artifacts.custody.checker). Each event
and each file carries the index of its leaf and an inclusion proof to the latest signed
head, which the record includes with the archive's public keys. Only what the requester
may see is listed: pass the photos already filtered by the access policy.
"""

from django.urls import reverse
from django.utils import timezone

from artifacts.custody import chain, heads, log
from artifacts.custody.checker import merkle
from artifacts.custody.checker.record import FORMAT
from artifacts.custody.models import LeafKind, LogLeaf


def event_document(event) -> dict:
    """One event as a custody record lists it: canonical fields, hash, file list."""
    files = [
        {
            "name": a.original_name,
            "description": a.description,
            "role": "custody-attachment",
            "attachment": a.pk,
            "sha256": a.sha256,
            "byte_size": a.byte_size,
        }
        for a in event.attachments.all()
    ]
    document = chain.canonical_record(event, [f["sha256"] for f in files])
    document["entry_hash"] = event.entry_hash
    document["attachment_files"] = files
    return document


def photo_entry(photo) -> dict:
    return {
        "name": f"photo-{photo.pk}-original.{photo.image_format.lower()}",
        "role": "photo",
        "photo": photo.pk,
        "redacted_from": photo.redacted_from_id,
        "sha256": photo.sha256,
        "byte_size": photo.byte_size,
    }


def _placements(wanted: list[tuple[str, int]], head) -> dict[tuple[str, int], dict]:
    """Leaf index and inclusion proof (to `head`) of each (kind, row id), in two reads."""
    found = {}
    for kind in {k for k, _ in wanted}:
        ids = [i for k, i in wanted if k == kind]
        rows = LogLeaf.objects.filter(kind=kind, object_id__in=ids).values_list("object_id", "index")
        found.update({(kind, object_id): index for object_id, index in rows})
    covered = {key: index for key, index in found.items() if head is not None and index < head.tree_size}
    ranges = {key: merkle.inclusion_ranges(index, head.tree_size) for key, index in covered.items()}
    hashes = log.read_hashes(merkle.needed([r for rs in ranges.values() for r in rs]))
    return {
        key: {
            "leaf_index": index,
            "head": head.number if key in ranges else None,
            "proof": [value.hex() for value in merkle.resolve(ranges[key], hashes)] if key in ranges else None,
        }
        for key, index in found.items()
    }


def custody_document(artifact, photos, *, request=None) -> dict:
    """The downloadable custody record; `photos` already filtered for the requester."""
    events = list(artifact.custody_events.select_related("corrects", "recorded_by").prefetch_related("attachments"))
    photos = list(photos)
    head = heads.latest()
    wanted = [(LeafKind.CUSTODY_EVENT, e.pk) for e in events]
    wanted += [(LeafKind.ATTACHMENT, a.pk) for e in events for a in e.attachments.all()]
    wanted += [(LeafKind.PHOTO, p.pk) for p in photos]
    placements = _placements(wanted, head)
    documents = []
    for event in events:
        document = event_document(event)
        document["log"] = placements.get((LeafKind.CUSTODY_EVENT, event.pk))
        for entry in document["attachment_files"]:
            entry["log"] = placements.get((LeafKind.ATTACHMENT, entry["attachment"]))
        documents.append(document)
    files = [dict(photo_entry(p), log=placements.get((LeafKind.PHOTO, p.pk))) for p in photos]
    transparency = reverse("transparency")
    return {
        "format": FORMAT,
        "accession_number": artifact.accession_number,
        "title": artifact.title,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "chain_head": events[-1].entry_hash if events else "",
        "events": documents,
        "files": files,
        "log": {
            "url": request.build_absolute_uri(transparency) if request is not None else transparency,
            "head": heads.document(head) if head is not None else None,
            "keys": heads.public_keys(),
        },
    }
