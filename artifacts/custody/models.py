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
        verbose_name="artifact",
        help_text="The artifact whose custody this records.",
    )
    sequence = models.PositiveIntegerField(
        "sequence number", editable=False, help_text="1 for the first event of the artifact, then 2, 3…"
    )
    event_type = models.CharField(
        "event", max_length=20, choices=CustodyEventType.choices, help_text="What happened to the object."
    )
    occurred = edtf_dates.EDTFField("when (EDTF)", help_text="EDTF; uncertainty allowed, e.g. 2025-01~.")
    occurred_as_reported = models.CharField(
        "when, as reported", max_length=200, blank=True, help_text="The source's own words, if vague."
    )
    occurred_earliest = models.DateField(
        "earliest day", null=True, blank=True, editable=False, help_text="Derived from the EDTF date; for ordering."
    )
    place = models.CharField("place", max_length=200, blank=True, help_text="Where it happened, as precisely as known.")
    destination = models.CharField(
        "to place", max_length=200, blank=True, help_text="For movements and transfers: where the object went."
    )
    released_by = models.CharField("released by", max_length=200, blank=True, help_text="Person or organisation.")
    released_by_role = models.CharField("role of releaser", max_length=100, blank=True, help_text="e.g. unit.")
    received_by = models.CharField("received by", max_length=200, blank=True, help_text="Person or organisation.")
    received_by_role = models.CharField("role of receiver", max_length=100, blank=True, help_text="e.g. curator.")
    authorised_by = models.CharField("authorised by", max_length=200, blank=True, help_text="Who approved it.")
    witnesses = models.CharField("witnesses", max_length=300, blank=True, help_text="Names or roles, comma-separated.")
    purpose = models.CharField("purpose", max_length=300, blank=True, help_text="Why it happened.")
    condition_before = models.CharField("condition before", max_length=300, blank=True, help_text="As observed.")
    condition_after = models.CharField("condition after", max_length=300, blank=True, help_text="As observed.")
    seal_numbers_out = models.CharField("seal or bag numbers out", max_length=200, blank=True, help_text="Released.")
    seal_numbers_in = models.CharField("seal or bag numbers in", max_length=200, blank=True, help_text="Received.")
    seal_intact = models.BooleanField(
        "seal intact", null=True, blank=True, help_text="Whether the seal was intact on receipt; empty if no seal."
    )
    note = models.TextField("note", blank=True, help_text="Anything else, including the source of this statement.")
    outcome = models.CharField(
        "outcome",
        max_length=4,
        choices=[("pass", "Passed"), ("fail", "Failed")],
        null=True,
        blank=True,
        help_text="For fixity checks: whether every file and the chain verified.",
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="corrects event",
        help_text="For a correction: the earlier event it puts right.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="recorded by",
        help_text="The account that entered the event.",
    )
    recorded_at = models.DateTimeField("recorded at", editable=False, help_text="When the event was entered.")
    previous_hash = models.CharField(
        "previous event's hash", max_length=64, editable=False, help_text="Empty for the first event."
    )
    entry_hash = models.CharField(
        "hash", max_length=64, editable=False, unique=True, help_text="SHA-256 of this event's canonical form."
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "custody event"
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
        verbose_name="custody event",
        help_text="The event this file documents.",
    )
    file = models.FileField("file", upload_to=attachment_path, max_length=200, help_text="Stored unchanged.")
    original_name = models.CharField("original file name", max_length=255, help_text="As uploaded.")
    description = models.CharField("description", max_length=300, blank=True, help_text="e.g. signed transfer form.")
    sha256 = models.CharField("SHA-256", max_length=64, help_text="Hex digest taken at ingest; part of the event hash.")
    byte_size = models.PositiveBigIntegerField("size in bytes", help_text="At ingest.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "custody attachment"
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
                f"{self._meta.verbose_name} rows are appended by artifacts.custody and never changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} rows cannot be deleted.")


class LeafKind(models.TextChoices):
    """Which table a leaf's row is in (the leaf's own "type" and "role" say what it is)."""

    CUSTODY_EVENT = "custody-event", "custody event"
    PHOTO = "photo", "photo file"
    ATTACHMENT = "attachment", "custody attachment file"
    PHOTO_WITHDRAWN = "photo-withdrawn", "photo withdrawn"


class LogLeaf(AppendOnlyModel):
    """One entry of the transparency log: the canonical JSON that was hashed into it."""

    index = models.BigIntegerField("leaf index", primary_key=True, help_text="0 for the first leaf, then 1, 2…")
    kind = models.CharField("kind", max_length=20, choices=LeafKind.choices, help_text="What the leaf records.")
    object_id = models.BigIntegerField(
        "row", help_text="The custody event, photo or attachment it records (a withdrawal names the photo)."
    )
    accession_number = models.CharField("accession number", max_length=40, help_text="The artifact concerned.")
    data = models.TextField("leaf data", help_text="Canonical JSON; the leaf hash is SHA-256(0x00 ‖ its UTF-8 bytes).")
    appended_at = models.DateTimeField("appended", help_text="When the leaf was added to the log.")

    class Meta:
        verbose_name = "log leaf"
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

    index = models.BigIntegerField("stored index", primary_key=True, help_text="Position in creation order.")
    hash = models.BinaryField("hash", max_length=32, help_text="SHA-256 of the subtree, 32 bytes.")

    class Meta:
        verbose_name = "log subtree hash"
        ordering = ["index"]

    def __str__(self):
        return f"subtree hash {self.index}"


class SigningKey(AppendOnlyModel):
    """A public key that has signed tree heads. Kept for ever, so that heads signed
    before a key was rotated stay verifiable."""

    key_id = models.CharField(
        "key id", max_length=64, unique=True, help_text="SHA-256 (hex) of the raw 32-byte Ed25519 public key."
    )
    public_key = models.CharField("public key", max_length=64, help_text="The raw Ed25519 public key, base64.")
    first_used_at = models.DateTimeField("first used", help_text="When it signed its first head.")

    class Meta:
        verbose_name = "signing key"
        ordering = ["first_used_at"]

    def __str__(self):
        return f"Ed25519 key {self.key_id[:16]}"


class TreeHead(AppendOnlyModel):
    """A published state of the log: its size and root, signed by the archive's key."""

    number = models.PositiveIntegerField("head number", unique=True, help_text="1 for the first head, then 2, 3…")
    origin = models.CharField("log name", max_length=200, help_text="The name of the log that the head is of.")
    tree_size = models.BigIntegerField("tree size", help_text="How many leaves the head covers.")
    root_hash = models.CharField("root hash", max_length=64, help_text="MTH of the first tree_size leaves, hex.")
    timestamp = models.DateTimeField("time", help_text="When the archive signed it (milliseconds, UTC).")
    previous = models.CharField(
        "previous head", max_length=64, blank=True, help_text="SHA-256 (hex) of the previous head's text."
    )
    key = models.ForeignKey(
        SigningKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heads",
        verbose_name="signing key",
        help_text="Empty when no signing key was configured: the head is then unsigned.",
    )
    signature = models.CharField("signature", max_length=100, blank=True, help_text="Ed25519 over the text, base64.")

    class Meta:
        verbose_name = "signed tree head"
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=models.Q(tree_size__gte=0), name="treehead_size_not_negative")]

    def __str__(self):
        return f"head {self.number}: {self.tree_size} leaves"

    def get_absolute_url(self):
        return reverse("transparency-head", args=[self.number])


class HeadTimestamp(AppendOnlyModel):
    """An RFC 3161 token from a time-stamping authority over a head's text and signature."""

    head = models.ForeignKey(
        TreeHead, on_delete=models.PROTECT, related_name="timestamps", verbose_name="head", help_text="What it stamps."
    )
    tsa_url = models.URLField("authority", max_length=300, help_text="The time-stamping authority that issued it.")
    token = models.BinaryField("token", help_text="The DER-encoded TimeStampToken.")
    gen_time = models.DateTimeField("stamped at", help_text="The time the authority put in the token.")

    class Meta:
        verbose_name = "head timestamp"
        ordering = ["head", "gen_time"]

    def __str__(self):
        return f"timestamp of head {self.head_id} by {self.tsa_url}"
