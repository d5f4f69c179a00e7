"""Publication needs two people: the only way a record's status changes.

    draft ──mark ready──▶ ready for review ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                          │                                                │
      └──────return to draft─────┴───────────────return to draft──────────────────┘

Editors (any staff account that may change records) mark a record ready for review and
return it to draft. Publishing and withdrawing need the permission "publish_artifact"
(the Curator group), and publishing needs a second person: the curator who publishes
must not be the record's last editor, unless ARCHIVE_PUBLISH_NEEDS_SECOND_PERSON is off.

Every move is a PublicationEvent (who, when, from, to, why) and a row of the record's edit
history whose change reason names the move. A withdrawal's reason is public: the record's
address answers 410 with it (see `tombstone`).
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryManager

from artifacts.access import viewer_level
from artifacts.choices import PublicationStatus
from artifacts.models import Artifact
from artifacts.models.artifact import PublicationEvent

PUBLISH_PERMISSION = "artifacts.publish_artifact"
EDIT_PERMISSION = "artifacts.change_artifact"
# History rows written by a move start with this; every other row is an edit of the content.
CHANGE_REASON_PREFIX = "Publication: "
REASON_MAX_LENGTH = 1000

DRAFT, READY = PublicationStatus.DRAFT, PublicationStatus.READY
PUBLISHED, WITHDRAWN = PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button (translated: see done_message for the message after it)
    sources: tuple[str, ...]
    target: str
    permission: str
    done: str  # in the history's change reason, which is stored: never translated


MOVES = {
    move.name: move
    for move in (
        Move("ready", _("Mark ready for review"), (DRAFT,), READY, EDIT_PERMISSION, "marked ready for review"),
        Move("draft", _("Return to draft"), (READY, WITHDRAWN), DRAFT, EDIT_PERMISSION, "returned to draft"),
        Move("publish", _("Publish"), (READY,), PUBLISHED, PUBLISH_PERMISSION, "published"),
        Move("withdraw", _("Withdraw…"), (PUBLISHED,), WITHDRAWN, PUBLISH_PERMISSION, "withdrawn"),
    )
}


def done_message(name: str, accession_numbers: list[str]) -> str:
    """What a curator is told once the move named `name` is made on these records."""
    count, records = len(accession_numbers), ", ".join(accession_numbers)
    if name == "ready":
        text = ngettext("%(records)s was marked ready for review.", "%(records)s were marked ready for review.", count)
    elif name == "draft":
        text = ngettext("%(records)s was returned to draft.", "%(records)s were returned to draft.", count)
    elif name == "publish":
        text = ngettext("%(records)s was published.", "%(records)s were published.", count)
    else:
        text = ngettext("%(records)s was withdrawn.", "%(records)s were withdrawn.", count)
    return text % {"records": records}


def may_publish(user) -> bool:
    return bool(user and user.is_active and user.is_staff and user.has_perm(PUBLISH_PERMISSION))


def _edit_sources(artifact: Artifact):
    """The history of the record's content: its own rows (less the moves) and those of the
    parts entered with it (texts, phrases, photos, details…)."""
    yield artifact.history.exclude(history_change_reason__startswith=CHANGE_REASON_PREFIX)
    for model in apps.get_app_config("artifacts").get_models():
        history = getattr(model, "history", None)
        if model is Artifact or not isinstance(history, HistoryManager):
            continue
        if any(field.name == "artifact" for field in model._meta.concrete_fields):
            yield history.filter(artifact_id=artifact.pk)


def last_editor(artifact: Artifact):
    """The last account that changed the record's content, read from the edit history;
    None when no account is on record (only the archive's own tools, such as the importer
    or the demo loader, wrote it)."""
    latest = None
    for rows in _edit_sources(artifact):
        row = (
            rows.filter(history_user__isnull=False)
            .order_by("-history_date", "-history_id")
            .values("history_date", "history_user_id")
            .first()
        )
        if row and (latest is None or row["history_date"] > latest["history_date"]):
            latest = row
    if latest is None:
        return None
    return apps.get_model(settings.AUTH_USER_MODEL).objects.filter(pk=latest["history_user_id"]).first()


_UNREAD = object()


def refusal(artifact: Artifact, user, name: str, *, editor=_UNREAD) -> str:
    """Why this user may not make this move on this record now; empty when they may.
    `editor`: the record's last editor when the caller has read it already (last_editor
    reads the history of the record and of each of its parts)."""
    move = MOVES[name]
    if not (user and user.is_active and user.is_staff and user.has_perm(move.permission)):
        if move.permission == PUBLISH_PERMISSION:
            if name == "publish":
                return gettext("Only curators may publish records.")
            return gettext("Only curators may withdraw records.")
        return gettext("You may not change records.")
    if artifact.status not in move.sources:
        values = {
            "record": artifact.accession_number,
            "current": PublicationStatus(artifact.status).label,
            "step": move.label.rstrip("…"),
        }
        allowed = [PublicationStatus(source).label for source in move.sources]
        if len(allowed) == 1:
            return gettext("%(record)s is “%(current)s”; “%(step)s” needs it to be “%(allowed)s”.") % {
                **values,
                "allowed": allowed[0],
            }
        return gettext("%(record)s is “%(current)s”; “%(step)s” needs it to be “%(first)s” or “%(second)s”.") % {
            **values,
            "first": "”, “".join(str(label) for label in allowed[:-1]),
            "second": allowed[-1],
        }
    if name == "publish" and getattr(settings, "ARCHIVE_PUBLISH_NEEDS_SECOND_PERSON", True):
        if editor is _UNREAD:
            editor = last_editor(artifact)
        if editor is not None and editor.pk == user.pk:
            return gettext("You edited this record last: another curator must publish it.")
    return ""


def _move(name: str, *, artifact: Artifact, user, reason: str = "") -> PublicationEvent:
    with transaction.atomic():
        # Locked, and read afresh: two curators pressing at once make one move, not two.
        locked = Artifact.objects.select_for_update().get(pk=artifact.pk)
        problem = refusal(locked, user, name)
        if problem:
            raise ValidationError(problem, code="refused")
        move = MOVES[name]
        event = PublicationEvent.objects.create(
            artifact=locked, from_status=locked.status, to_status=move.target, actor=user, reason=reason
        )
        locked.status = move.target
        locked._history_user = user
        locked._change_reason = f"{CHANGE_REASON_PREFIX}{move.done}" + (f": {reason}" if reason else "")
        locked.save()
    artifact.status, artifact.updated_at = locked.status, locked.updated_at
    return event


def mark_ready(*, artifact: Artifact, user) -> PublicationEvent:
    return _move("ready", artifact=artifact, user=user)


def return_to_draft(*, artifact: Artifact, user) -> PublicationEvent:
    return _move("draft", artifact=artifact, user=user)


def publish(*, artifact: Artifact, user) -> PublicationEvent:
    return _move("publish", artifact=artifact, user=user)


def withdraw(*, artifact: Artifact, user, reason: str) -> PublicationEvent:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Say why the record is withdrawn: the reason is shown at its public address."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            gettext("Keep the reason to %(limit)s characters; it has %(length)s.")
            % {"limit": REASON_MAX_LENGTH, "length": len(reason)}
        )
    return _move("withdraw", artifact=artifact, user=user, reason=reason)


def perform(name: str, *, artifact: Artifact, user, reason: str = "") -> PublicationEvent:
    """The move named `name` (a key of MOVES)."""
    if name == "withdraw":
        return withdraw(artifact=artifact, user=user, reason=reason)
    return _move(name, artifact=artifact, user=user)


def moves_for(artifact: Artifact, user, *, editor=_UNREAD) -> list[dict]:
    """The moves the record's status allows, each with why this user may not make it."""
    return [
        {"move": move, "refusal": refusal(artifact, user, move.name, editor=editor)}
        for move in MOVES.values()
        if artifact.status in move.sources
    ]


def events(artifact: Artifact):
    return artifact.publication_events.select_related("actor").order_by("at", "pk")


def review_queue():
    """Records waiting for review, the longest waiting first."""
    return Artifact.objects.filter(status=READY).order_by("updated_at", "pk")


def last_withdrawal(artifact: Artifact) -> PublicationEvent | None:
    """The withdrawal that keeps the record from the public, if it has not been published since."""
    last = artifact.publication_events.filter(to_status__in=[PUBLISHED, WITHDRAWN]).order_by("-at", "-pk").first()
    return last if last is not None and last.to_status == WITHDRAWN else None


def tombstone(accession: str, user) -> PublicationEvent | None:
    """For a record this viewer may not see: its withdrawal, when it was withdrawn from
    material at the viewer's level (so the address was theirs to know); otherwise None."""
    artifact = Artifact.objects.filter(accession_number=accession, access_level__lte=viewer_level(user)).first()
    if artifact is None or artifact.status == PUBLISHED:
        return None
    return last_withdrawal(artifact)


def staff_banner(artifact: Artifact) -> str:
    """What a staff viewer is told on the record's public page when the public cannot see it."""
    if artifact.status == PUBLISHED:
        return ""
    if artifact.status == WITHDRAWN:
        withdrawal = last_withdrawal(artifact)
        if withdrawal is None:
            return gettext("Withdrawn: the public sees only a notice that it was withdrawn (410 Gone).")
        return gettext(
            "Withdrawn on %(date)s: the public sees only a notice that it was withdrawn (410 Gone). "
            "Reason given: “%(reason)s”"
        ) % {
            "date": date_format(withdrawal.at),  # as the reader's language writes a day (artifacts.formats)
            "reason": withdrawal.reason,
        }
    if artifact.status == READY:
        return gettext("Ready for review, not published: only staff can see this page.")
    return gettext("Draft, not published: only staff can see this page.")
