"""Custody's tables: each artifact's hash-chained events, and the archive's transparency log.

Rows are never updated or deleted: the models refuse it, their QuerySets refuse it, and
database triggers (artifacts.custody.triggers, created by the migrations) refuse it for
raw SQL too, TRUNCATE included. A mistake is put right by a new event of type
“correction” that points at the event it corrects.

The log (RFC 9162) has one leaf per custody event and per evidential file
(artifacts.custody.leaves), the hash of every complete subtree (LogNode, so that
appending and proving take O(log n)), and the heads that the archive signs and has
timestamped (TreeHead, HeadTimestamp) under its published keys (SigningKey).
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from artifacts import edtf_dates
from artifacts.choices import CUSTODY_TERM_MAP, CustodyEventType
from artifacts.models.artifact import Artifact


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a custody record."""


class AppendOnlyQuerySet(models.QuerySet):
    """A QuerySet that adds rows and never changes or removes one."""

    def update(self, **kwargs):
        raise AppendOnlyError("Custody records are append-only: record a correction event instead.")

    def delete(self):
        raise AppendOnlyError("Custody records are append-only: record a correction event instead.")

    _raw_delete = delete


class CustodyEvent(models.Model):
    artifact = models.ForeignKey(
        Artifact,
        on_delete=models.PROTECT,
        related_name="custody_events",
        verbose_name=_("artifact"),
        help_text=_("The artifact whose custody this records."),
    )
    sequence = models.PositiveIntegerField(
        _("sequence number"), editable=False, help_text=_("1 for the first event of the artifact, then 2, 3…")
    )
    event_type = models.CharField(
        _("event"), max_length=20, choices=CustodyEventType.choices, help_text=_("What happened to the object.")
    )
    occurred = edtf_dates.EDTFField(_("when (EDTF)"), help_text=_("EDTF; uncertainty allowed, e.g. 2025-01~."))
    occurred_as_reported = models.CharField(
        _("when, as reported"), max_length=200, blank=True, help_text=_("The source's own words, if vague.")
    )
    occurred_earliest = models.DateField(
        _("earliest day"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Derived from the EDTF date; for ordering."),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where it happened, as precisely as known.")
    )
    destination = models.CharField(
        _("to place"), max_length=200, blank=True, help_text=_("For movements and transfers: where the object went.")
    )
    released_by = models.CharField(_("released by"), max_length=200, blank=True, help_text=_("Person or organisation."))
    released_by_role = models.CharField(_("role of releaser"), max_length=100, blank=True, help_text=_("e.g. unit."))
    received_by = models.CharField(_("received by"), max_length=200, blank=True, help_text=_("Person or organisation."))
    received_by_role = models.CharField(_("role of receiver"), max_length=100, blank=True, help_text=_("e.g. curator."))
    authorised_by = models.CharField(_("authorised by"), max_length=200, blank=True, help_text=_("Who approved it."))
    witnesses = models.CharField(
        _("witnesses"), max_length=300, blank=True, help_text=_("Names or roles, comma-separated.")
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True, help_text=_("Why it happened."))
    condition_before = models.CharField(_("condition before"), max_length=300, blank=True, help_text=_("As observed."))
    condition_after = models.CharField(_("condition after"), max_length=300, blank=True, help_text=_("As observed."))
    seal_numbers_out = models.CharField(
        _("seal or bag numbers out"), max_length=200, blank=True, help_text=_("Released.")
    )
    seal_numbers_in = models.CharField(
        _("seal or bag numbers in"), max_length=200, blank=True, help_text=_("Received.")
    )
    seal_intact = models.BooleanField(
        _("seal intact"),
        null=True,
        blank=True,
        help_text=_("Whether the seal was intact on receipt; empty if no seal."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Anything else, including the source of this statement.")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=4,
        choices=[
            ("pass", pgettext_lazy("fixity check outcome", "Passed")),
            ("fail", pgettext_lazy("fixity check outcome", "Failed")),
        ],
        null=True,
        blank=True,
        help_text=_("For fixity checks: whether every file and the chain verified."),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects event"),
        help_text=_("For a correction: the earlier event it puts right."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The account that entered the event."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), editable=False, help_text=_("When the event was entered."))
    previous_hash = models.CharField(
        _("previous event's hash"), max_length=64, editable=False, help_text=_("Empty for the first event.")
    )
    entry_hash = models.CharField(
        _("hash"), max_length=64, editable=False, unique=True, help_text=_("SHA-256 of this event's canonical form.")
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["artifact", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["artifact", "sequence"], name="unique_custody_sequence"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="custody_sequence_positive"),
        ]

    def __str__(self):
        return f"{self.artifact.accession_number} #{self.sequence} {self.get_event_type_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not kwargs.get("force_insert"):
            # Only artifacts.custody.services.record_custody_event inserts, with force_insert.
            raise AppendOnlyError(
                "Custody events are added with custody.services.record_custody_event and never changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Custody events cannot be deleted: record a correction event instead.")

    @property
    def occurred_in_words(self) -> str:
        return edtf_dates.in_words(self.occurred)

    @property
    def premis_term(self) -> str:
        return CUSTODY_TERM_MAP[self.event_type][0]

    @property
    def spectrum_term(self) -> str:
        return CUSTODY_TERM_MAP[self.event_type][1]


def attachment_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    token = uuid.uuid4().hex
    return f"custody/{token[:2]}/{token}.{ext}"


class CustodyAttachment(models.Model):
    """A file that documents an event (a scanned signed form, a seal photo), hashed at ingest."""

    event = models.ForeignKey(
        CustodyEvent,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("custody event"),
        help_text=_("The event this file documents."),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200, help_text=_("Stored unchanged."))
    original_name = models.CharField(_("original file name"), max_length=255, help_text=_("As uploaded."))
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("e.g. signed transfer form.")
    )
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, help_text=_("Hex digest taken at ingest; part of the event hash.")
    )
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), help_text=_("At ingest."))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody attachment")
        verbose_name_plural = _("custody attachments")
        ordering = ["event", "sha256"]

    def __str__(self):
        return self.description or self.original_name

    def save(self, *args, **kwargs):
        if self.pk is not None or not kwargs.get("force_insert"):
            raise AppendOnlyError("Custody attachments are added with their event and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Custody attachments cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Rows written once, by the custody services, and never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not kwargs.get("force_insert"):
            raise AppendOnlyError(
                f"{self._meta.verbose_name_raw} rows are appended by artifacts.custody and never changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name_raw} rows cannot be deleted.")


class LeafKind(models.TextChoices):
    """Which table a leaf's row is in (the leaf's own "type" and "role" say what it is)."""

    CUSTODY_EVENT = "custody-event", "custody event"
    PHOTO = "photo", "photo file"
    ATTACHMENT = "attachment", "custody attachment file"
    PHOTO_WITHDRAWN = "photo-withdrawn", "photo withdrawn"


class LogLeaf(AppendOnlyModel):
    """One entry of the transparency log: the canonical JSON that was hashed into it."""

    index = models.BigIntegerField(_("leaf index"), primary_key=True, help_text=_("0 for the first leaf, then 1, 2…"))
    kind = models.CharField(_("kind"), max_length=20, choices=LeafKind.choices, help_text=_("What the leaf records."))
    object_id = models.BigIntegerField(
        _("row"), help_text=_("The custody event, photo or attachment it records (a withdrawal names the photo).")
    )
    accession_number = models.CharField(_("accession number"), max_length=40, help_text=_("The artifact concerned."))
    data = models.TextField(
        _("leaf data"), help_text=_("Canonical JSON; the leaf hash is SHA-256(0x00 ‖ its UTF-8 bytes).")
    )
    appended_at = models.DateTimeField(_("appended"), help_text=_("When the leaf was added to the log."))

    class Meta:
        verbose_name = _("log leaf")
        verbose_name_plural = _("log leaves")
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="logleaf_one_per_row")]
        indexes = [
            models.Index(fields=["accession_number"], name="logleaf_accession"),
        ]

    def __str__(self):
        return f"leaf {self.index}: {self.get_kind_display()} of {self.accession_number}"


class LogNode(AppendOnlyModel):
    """The hash of one complete subtree of the log, numbered in the order it was completed
    (artifacts.custody.checker.merkle.stored_index)."""

    index = models.BigIntegerField(_("stored index"), primary_key=True, help_text=_("Position in creation order."))
    hash = models.BinaryField(_("hash"), max_length=32, help_text=_("SHA-256 of the subtree, 32 bytes."))

    class Meta:
        verbose_name = _("log subtree hash")
        verbose_name_plural = _("log subtree hashes")
        ordering = ["index"]

    def __str__(self):
        return f"subtree hash {self.index}"


class SigningKey(AppendOnlyModel):
    """A public key that has signed tree heads. Kept for ever, so that heads signed
    before a key was rotated stay verifiable."""

    key_id = models.CharField(
        _("key id"), max_length=64, unique=True, help_text=_("SHA-256 (hex) of the raw 32-byte Ed25519 public key.")
    )
    public_key = models.CharField(_("public key"), max_length=64, help_text=_("The raw Ed25519 public key, base64."))
    first_used_at = models.DateTimeField(_("first used"), help_text=_("When it signed its first head."))

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["first_used_at"]

    def __str__(self):
        return f"Ed25519 key {self.key_id[:16]}"


class TreeHead(AppendOnlyModel):
    """A published state of the log: its size and root, signed by the archive's key."""

    number = models.PositiveIntegerField(_("head number"), unique=True, help_text=_("1 for the first head, then 2, 3…"))
    origin = models.CharField(_("log name"), max_length=200, help_text=_("The name of the log that the head is of."))
    tree_size = models.BigIntegerField(_("tree size"), help_text=_("How many leaves the head covers."))
    root_hash = models.CharField(_("root hash"), max_length=64, help_text=_("MTH of the first tree_size leaves, hex."))
    timestamp = models.DateTimeField(_("time"), help_text=_("When the archive signed it (milliseconds, UTC)."))
    previous = models.CharField(
        _("previous head"), max_length=64, blank=True, help_text=_("SHA-256 (hex) of the previous head's text.")
    )
    key = models.ForeignKey(
        SigningKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heads",
        verbose_name=_("signing key"),
        help_text=_("Empty when no signing key was configured: the head is then unsigned."),
    )
    signature = models.CharField(
        _("signature"), max_length=100, blank=True, help_text=_("Ed25519 over the text, base64.")
    )

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=models.Q(tree_size__gte=0), name="treehead_size_not_negative")]

    def __str__(self):
        return f"head {self.number}: {self.tree_size} leaves"

    def get_absolute_url(self):
        return reverse("transparency-head", args=[self.number])


class HeadTimestamp(AppendOnlyModel):
    """An RFC 3161 token from a time-stamping authority over a head's text and signature."""

    head = models.ForeignKey(
        TreeHead,
        on_delete=models.PROTECT,
        related_name="timestamps",
        verbose_name=pgettext_lazy("signed tree head", "head"),
        help_text=_("What it stamps."),
    )
    tsa_url = models.URLField(
        pgettext_lazy("time-stamping authority", "authority"),
        max_length=300,
        help_text=_("The time-stamping authority that issued it."),
    )
    token = models.BinaryField(_("token"), help_text=_("The DER-encoded TimeStampToken."))
    gen_time = models.DateTimeField(_("stamped at"), help_text=_("The time the authority put in the token."))

    class Meta:
        verbose_name = _("head timestamp")
        verbose_name_plural = _("head timestamps")
        ordering = ["head", "gen_time"]

    def __str__(self):
        return f"timestamp of head {self.head_id} by {self.tsa_url}"
