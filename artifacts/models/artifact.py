"""The artifact record, its accession numbers, languages and the sources that report it."""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from artifacts import edtf_dates
from artifacts.choices import (
    AccessLevel,
    ArtifactType,
    PlacePrecision,
    PublicationStatus,
    VerificationStatus,
)
from artifacts.language_tags import validate_language_tag
from artifacts.querysets import ArtifactQuerySet


class AccessionCounter(models.Model):
    """The last accession number handed out per year; numbers only ever go up."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, help_text=_("Year of accession."))
    last_number = models.PositiveIntegerField(
        _("last number issued"), default=0, help_text=_("Never decreases, so a number is never reused.")
    )

    class Meta:
        verbose_name = _("accession counter")
        verbose_name_plural = _("accession counters")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.last_number}"

    @staticmethod
    def format(year: int, number: int) -> str:
        """The one form of an accession number: PREFIX-YEAR-NNNN (ARCHIVE_ACCESSION_PREFIX)."""
        prefix = getattr(settings, "ARCHIVE_ACCESSION_PREFIX", "BFA")
        return f"{prefix}-{year}-{number:04d}"

    @classmethod
    def reserve(cls, count: int) -> list[str]:
        """Reserve `count` consecutive numbers of this year, inside the caller's transaction
        and under the counter's row lock, so that concurrent savers and importers never
        get the same number and no number is issued twice."""
        if count < 1:
            return []
        year = timezone.now().year
        with transaction.atomic():
            cls.objects.get_or_create(year=year)
            counter = cls.objects.select_for_update().get(year=year)
            first = counter.last_number + 1
            counter.last_number += count
            counter.save(update_fields=["last_number"])
        return [cls.format(year, number) for number in range(first, first + count)]

    @classmethod
    def next_accession_number(cls) -> str:
        return cls.reserve(1)[0]


class Language(models.Model):
    code = models.CharField(
        _("language code"),
        max_length=12,
        unique=True,
        validators=[validate_language_tag],
        help_text=_("BCP 47 code, e.g. ko, ru, en, ko-Cyrl."),
    )
    name = models.CharField(pgettext_lazy("language", "name"), max_length=64, help_text=_("English name, e.g. Korean."))

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """A publication that reports an artifact (news report, NGO report, court filing…)."""

    title = models.CharField(_("title"), max_length=500, help_text=_("Title as published."))
    publisher = models.CharField(_("publisher"), max_length=200, help_text=_("e.g. The Washington Post."))
    publisher_organisation = models.ForeignKey(
        "artifacts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_sources",
        verbose_name=_("publisher (authority)"),
        help_text=_("The organisation meant, where the archive knows it; the wording above stays as printed."),
    )
    author = models.CharField(_("author(s)"), max_length=300, blank=True, help_text=_("Leave empty if not stated."))
    published_on = models.DateField(_("date published"), null=True, blank=True, help_text=_("Publication date."))
    dateline = models.CharField(
        _("dateline"), max_length=200, blank=True, help_text=_("Where the report was filed from, as printed.")
    )
    url = models.URLField(_("URL"), max_length=500, blank=True, help_text=_("Permanent address of the source."))
    archived_url = models.URLField(
        _("archived copy"), max_length=500, blank=True, help_text=_("A web-archive capture of the source.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "publisher", "published_on"], name="unique_source"),
        ]

    def __str__(self):
        date = f", {self.published_on:%-d %B %Y}" if self.published_on else ""
        return f"{self.publisher}, “{self.title}”{date}"


# Details of a record that may be empty for one of two reasons a reader must tell apart: the
# source that reported the object did not publish it, or nobody has recorded it yet.
ABSENT_DETAILS = [
    ("description", _("description")),
    ("item_count", _("number of items")),
    ("materials", _("materials")),
    ("dimensions", _("dimensions")),
    ("condition", _("condition")),
    ("languages", _("languages")),
    ("recovery_date", _("date of recovery")),
    ("recovery_place", _("place of recovery")),
    ("recovery_circumstances", _("circumstances of recovery")),
    ("recovering_unit", _("recovering unit")),
    ("current_custodian", _("current custodian")),
    ("provenance", _("provenance")),
    ("verification_assessed_by", _("who assessed it")),
    ("verification_statement", _("reasons for the verification status")),
]


class Artifact(models.Model):
    accession_number = models.CharField(
        _("accession number"),
        max_length=32,
        unique=True,
        editable=False,
        help_text=_("Assigned automatically when the record is first saved; never reused."),
    )
    title = models.CharField(_("title"), max_length=300, help_text=_("Short descriptive title."))
    artifact_type = models.CharField(
        _("type"), max_length=20, choices=ArtifactType.choices, help_text=_("What kind of object this is.")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("What the object is and what it shows."))
    materials = models.CharField(_("materials"), max_length=300, blank=True, help_text=_("e.g. paper, ink, steel."))
    dimensions = models.CharField(
        _("dimensions"), max_length=200, blank=True, help_text=_("As measured, with units; empty if not measured.")
    )
    condition = models.CharField(_("condition"), max_length=300, blank=True, help_text=_("Physical condition."))
    languages = models.ManyToManyField(
        Language, blank=True, verbose_name=_("languages"), help_text=_("Languages written on the object.")
    )
    item_count = models.PositiveIntegerField(
        _("number of items"),
        null=True,
        blank=True,
        help_text=_("For lots (e.g. two rifles) or lists (e.g. 23 phrases); empty if not stated."),
    )
    # Recovery
    recovery_date = edtf_dates.EDTFField(
        _("recovery date (EDTF)"), help_text=_("EDTF, e.g. 2024-12/2025-01 for “December 2024 – January 2025”.")
    )
    recovery_date_as_reported = models.CharField(
        _("recovery date as reported"), max_length=200, blank=True, help_text=_("The source's own words.")
    )
    recovered_earliest = models.DateField(
        _("earliest recovery day"), null=True, blank=True, editable=False, help_text=_("Derived from the EDTF date.")
    )
    recovered_latest = models.DateField(
        _("latest recovery day"), null=True, blank=True, editable=False, help_text=_("Derived from the EDTF date.")
    )
    recovery_place = models.CharField(
        _("recovery place"),
        max_length=200,
        blank=True,
        help_text=_("Only as precise as the source, e.g. “Kursk region, Russia”."),
    )
    recovery_place_precision = models.CharField(
        _("precision of the place"),
        max_length=10,
        choices=PlacePrecision.choices,
        default=PlacePrecision.UNKNOWN,
        help_text=_("How precisely the recovery place is known."),
    )
    place = models.ForeignKey(
        "artifacts.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="artifacts",
        verbose_name=_("place of recovery (authority)"),
        help_text=_("The place meant, where the archive knows it; the wording above stays as reported."),
    )
    recovery_circumstances = models.TextField(
        _("circumstances of recovery"), blank=True, help_text=_("How and from whom it was recovered, as reported.")
    )
    recovering_unit = models.CharField(
        _("recovering organisation or unit"), max_length=200, blank=True, help_text=_("Who recovered it.")
    )
    recovered_by = models.ForeignKey(
        "artifacts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recovered_artifacts",
        verbose_name=_("recovering unit (authority)"),
        help_text=_("The organisation meant, where the archive knows it; the wording above stays as reported."),
    )
    current_custodian = models.CharField(
        _("current custodian"), max_length=200, blank=True, help_text=_("Who holds the object now, as far as known.")
    )
    custodian = models.ForeignKey(
        "artifacts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_artifacts",
        verbose_name=_("current custodian (authority)"),
        help_text=_("The organisation meant, where the archive knows it; the wording above stays as reported."),
    )
    provenance = models.TextField(
        _("provenance statement"), blank=True, help_text=_("The object's history of ownership and custody, in prose.")
    )
    # Verification
    verification_status = models.CharField(
        _("verification status"),
        max_length=12,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
        help_text=_("How far the object's authenticity has been established."),
    )
    verification_assessed_by = models.CharField(
        _("assessed by"), max_length=200, blank=True, help_text=_("Who made the verification assessment.")
    )
    verification_statement = models.TextField(
        _("verification statement"), blank=True, help_text=_("Why the status was given, and on what evidence.")
    )
    sources = models.ManyToManyField(
        Source,
        through="SourceCitation",
        blank=True,
        verbose_name=_("sources"),
        help_text=_("Publications reporting it."),
    )
    # Publication and access
    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text=_("Only published records are public. Changed with the review buttons, never typed in."),
    )
    access_level = models.PositiveSmallIntegerField(
        _("access level"),
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        help_text=_("Who may see this record once published."),
    )
    graphic_content = models.BooleanField(
        _("graphic content"), default=False, help_text=_("Viewers are warned and images hidden until they choose.")
    )
    not_published = models.JSONField(
        _("not published by the source"),
        default=list,
        blank=True,
        help_text=_(
            "The details the source was consulted for and did not publish. An empty detail that is not "
            "listed here is shown as “not recorded”."
        ),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Staff-only notes; never shown on public pages.")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, help_text=_("When the record last changed."))

    history = HistoricalRecords(m2m_fields=[languages])
    objects = ArtifactQuerySet.as_manager()

    class Meta:
        verbose_name = _("artifact")
        verbose_name_plural = _("artifacts")
        ordering = ["accession_number"]
        permissions = [
            ("view_restricted_material", "Can view researcher-level material"),
            ("publish_artifact", "Can publish and withdraw records"),
        ]
        indexes = [
            models.Index(fields=["status", "access_level", "artifact_type"], name="artifact_visible_type"),
            models.Index(fields=["recovered_earliest"], name="artifact_recovered"),
            models.Index(fields=["-created_at"], name="artifact_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recovered_earliest__lte=models.F("recovered_latest"))
                | models.Q(recovered_earliest__isnull=True),
                name="artifact_recovery_bounds_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.accession_number} {self.title}"

    def save(self, *args, **kwargs):
        self.recovered_earliest, self.recovered_latest = edtf_dates.bounds(self.recovery_date)
        if not self.accession_number:
            with transaction.atomic():
                self.accession_number = AccessionCounter.next_accession_number()
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("artifact-detail", args=[self.accession_number])

    def absence(self, detail: str) -> str:
        """Why `detail` is empty: "not_published" (the source did not publish it) or
        "not_recorded" (nobody has entered it)."""
        return "not_published" if detail in (self.not_published or []) else "not_recorded"

    @property
    def recovery_date_in_words(self) -> str:
        return edtf_dates.in_words(self.recovery_date)


class SourceCitation(models.Model):
    artifact = models.ForeignKey(
        Artifact, on_delete=models.CASCADE, verbose_name=_("artifact"), help_text=_("Cited artifact.")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), help_text=_("The publication.")
    )
    locator = models.CharField(
        _("where in the source"), max_length=200, blank=True, help_text=_("Page, paragraph or timestamp, if useful.")
    )

    class Meta:
        verbose_name = _("source citation")
        verbose_name_plural = _("source citations")
        ordering = ["source__published_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["artifact", "source"], name="unique_citation")]

    def __str__(self):
        return f"{self.artifact.accession_number} ← {self.source}"


class PublicationEvent(models.Model):
    """One move of an artifact's publication status: from what to what, who, when and why.
    Append-only: the list is the record's publication history (see artifacts.publication)."""

    artifact = models.ForeignKey(
        Artifact,
        on_delete=models.CASCADE,
        related_name="publication_events",
        verbose_name=_("artifact"),
        help_text=_("The record whose status changed."),
    )
    from_status = models.CharField(
        pgettext_lazy("publication status change", "from"),
        max_length=10,
        choices=PublicationStatus.choices,
        help_text=_("Status before the change."),
    )
    to_status = models.CharField(
        pgettext_lazy("publication status change", "to"),
        max_length=10,
        choices=PublicationStatus.choices,
        help_text=_("Status after it."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="publication_events",
        verbose_name=pgettext_lazy("publication status change", "by"),
        help_text=_("The account that made the change."),
    )
    at = models.DateTimeField(
        pgettext_lazy("publication status change", "when"),
        default=timezone.now,
        help_text=_("When the change was made."),
    )
    reason = models.TextField(
        pgettext_lazy("publication status change", "reason"),
        blank=True,
        help_text=_("Why; for a withdrawal it is shown on the record's public address."),
    )

    class Meta:
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["artifact", "at"], name="publication_event_artifact")]

    def __str__(self):
        return f"{self.from_status} → {self.to_status} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Publication events are never changed; record a new one instead.")
        super().save(*args, **kwargs)
