"""Resumption tokens: stateless, signed, expiring.

A token carries everything needed to continue a list (verb, metadata format, set, the
from/until window, the last artifact id sent and how many items were sent) signed with
the site's secret key, so the server keeps no state and a forged or altered token is
refused. The list is walked in artifact-id order after the last id sent, not by offset,
so records published or withdrawn during a harvest never shift the pages; and `until`
is fixed when the harvest starts, so a record edited mid-harvest moves to the next
incremental harvest instead of appearing twice.
"""

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

from artifacts.oai.protocol import OAIError

SALT = "artifacts.oai.resumption-token"
DEFAULT_LIFETIME_HOURS = 24


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "ARCHIVE_OAI_TOKEN_HOURS", DEFAULT_LIFETIME_HOURS))


@dataclass(frozen=True)
class Position:
    """Where a list stands: its parameters and how far it has been sent."""

    verb: str
    metadata_prefix: str
    set_spec: str | None
    start: str | None  # ISO datetimes (UTC); until is always fixed once a list starts
    end: str
    after_id: int
    cursor: int
    complete_size: int  # counted on the first page; later pages repeat it


def issue(position: Position) -> tuple[str, datetime.datetime]:
    """The token for `position` and the moment it expires."""
    token = signing.dumps(asdict(position), salt=SALT, compress=True)
    return token, timezone.now() + lifetime()


def redeem(token: str, verb: str) -> Position:
    try:
        data = signing.loads(token, salt=SALT, max_age=lifetime())
    except signing.SignatureExpired:
        raise OAIError("badResumptionToken", "This resumptionToken has expired; start the list again.") from None
    except signing.BadSignature:
        raise OAIError("badResumptionToken", "This resumptionToken is not one this repository issued.") from None
    try:
        position = Position(**data)
    except TypeError:
        raise OAIError("badResumptionToken", "This resumptionToken is not one this repository issued.") from None
    if position.verb != verb:
        raise OAIError("badResumptionToken", f"This resumptionToken continues {position.verb}, not {verb}.")
    return position
