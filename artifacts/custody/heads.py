"""Publishing signed tree heads, in batches, and giving them out as JSON.

`publish` is what `manage.py publish_tree_head` runs on a schedule (README, "Transparency
log"): when the log has grown since the last head it signs a new one, then asks the
time-stamping authority to stamp every head that has no token yet. A curator's save never
waits for either: appending a leaf is all that happens inside a request.
"""

import base64
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from artifacts.custody import log, signing, timestamps
from artifacts.custody.checker import heads as head_format
from artifacts.custody.checker import tsa
from artifacts.custody.models import HeadTimestamp, SigningKey, TreeHead

STAMP_AT_MOST = 100  # heads stamped per run, newest first, so a long outage catches up in steps


def format_time(moment: datetime.datetime) -> str:
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _fields(head: TreeHead) -> dict:
    return {
        "origin": head.origin,
        "number": head.number,
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "timestamp": format_time(head.timestamp),
        "previous": head.previous,
    }


def document(head: TreeHead) -> dict:
    """A head as the API gives it and the checker reads it."""
    return {
        "format": head_format.FORMAT,
        **_fields(head),
        "key_id": head.key.key_id if head.key_id else None,
        "signature": head.signature or None,
        "timestamps": [
            {
                "tsa": stamp.tsa_url,
                "gen_time": format_time(stamp.gen_time),
                "token": base64.b64encode(stamp.token).decode(),
            }
            for stamp in head.timestamps.all()
        ],
    }


def latest() -> TreeHead | None:
    return TreeHead.objects.select_related("key").prefetch_related("timestamps").order_by("-number").first()


def covering(index: int) -> TreeHead | None:
    """The earliest head that covers leaf `index` (proofs to it stay valid for ever)."""
    return (
        TreeHead.objects.select_related("key")
        .prefetch_related("timestamps")
        .filter(tree_size__gt=index)
        .order_by("number")
        .first()
    )


def public_keys() -> dict[str, str]:
    return dict(SigningKey.objects.values_list("key_id", "public_key"))


def tsa_roots() -> bytes | None:
    name = settings.ARCHIVE_TSA_CA_FILE
    return Path(name).read_bytes() if name else None


@dataclass
class Published:
    head: TreeHead | None = None
    stamped: list[HeadTimestamp] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _registered(key) -> SigningKey:
    raw_id = head_format.key_id(signing.public_bytes(key))
    found = SigningKey.objects.filter(key_id=raw_id).first()
    if found is None:
        found = SigningKey(key_id=raw_id, public_key=signing.public_b64(key), first_used_at=timezone.now())
        found.save(force_insert=True)
    return found


def _sign_if_grown(key) -> TreeHead | None:
    with transaction.atomic():
        log.lock()
        tree_size = log.size()
        last = TreeHead.objects.select_related("key").order_by("-number").first()
        key_row = _registered(key) if key is not None else None
        unchanged = last is not None and last.tree_size == tree_size
        if unchanged and (last.key_id == (key_row.pk if key_row else None)):
            return None
        now = timezone.now()
        head = TreeHead(
            number=(last.number + 1) if last else 1,
            origin=settings.ARCHIVE_LOG_ORIGIN,
            tree_size=tree_size,
            root_hash=log.root(tree_size).hex(),
            timestamp=now.replace(microsecond=now.microsecond // 1000 * 1000),
            previous=head_format.head_hash(_fields(last)) if last else "",
            key=key_row,
        )
        if key is not None:
            head.signature = signing.sign(key, head_format.head_text(_fields(head)))
        head.save(force_insert=True)
        return head


def stamp(head: TreeHead) -> HeadTimestamp:
    """Have the configured authority stamp one head; raises timestamps.TimestampError."""
    data = head_format.stamped_bytes(document(head))
    token = timestamps.request_token(url=settings.ARCHIVE_TSA_URL, data=data)
    try:
        result = tsa.verify_token(token, data, tsa_roots())
    except tsa.TokenError as exc:
        raise timestamps.TimestampError(f"the authority's token does not verify: {exc}") from None
    row = HeadTimestamp(head=head, tsa_url=settings.ARCHIVE_TSA_URL, token=token, gen_time=result.info.gen_time)
    row.save(force_insert=True)
    return row


def publish(*, stamp_heads: bool = True) -> Published:
    """Sign a head if the log grew (or the key changed), then stamp unstamped heads."""
    result = Published(head=_sign_if_grown(signing.configured_key()))
    if stamp_heads and settings.ARCHIVE_TSA_URL:
        pending = TreeHead.objects.select_related("key").filter(timestamps__isnull=True).order_by("-number")
        for head in pending[:STAMP_AT_MOST]:
            try:
                result.stamped.append(stamp(head))
            except timestamps.TimestampError as exc:
                result.problems.append(f"head {head.number} not stamped: {exc}")
                break  # the authority is failing: try again at the next run
    return result
