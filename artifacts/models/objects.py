"""Type-specific details: military identity documents, weapons and gear, serial numbers,
and personal data, which is held apart so that access rules can withhold each item."""

import re

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from artifacts.choices import AccessLevel, ObjectCategory, PersonalField
from artifacts.language_tags import language_tag_field
from artifacts.models.artifact import Artifact
from artifacts.querysets import PersonalDataQuerySet

_SERIAL_NOISE = re.compile(r"[\s\-‐‑‒–—_./]+")


def normalize_serial(value: str) -> str:
    """“ab 12-34” and “AB1234” are the same serial: drop separators, fold case."""
    return _SERIAL_NOISE.sub("", value).casefold()


class MilitaryIDDetails(models.Model):
    artifact = models.OneToOneField(
        Artifact,
        on_delete=models.CASCADE,
        related_name="military_id",
        verbose_name=_("artifact"),
        help_text=_("The ID."),
    )
    document_type = models.CharField(_("document type"), max_length=200, blank=True, help_text=_("As printed."))
    issuing_authority = models.CharField(
        _("issuing authority"), max_length=200, blank=True, help_text=_("Who issued it, if legible and published.")
    )
    issuer = models.ForeignKey(
        "artifacts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_ids",
        verbose_name=_("issuing authority (authority record)"),
        help_text=_("The organisation meant, where the archive knows it; the wording above stays as printed."),
    )
    issued_on = models.CharField(_("date of issue (EDTF)"), max_length=64, blank=True, help_text=_("EDTF, if known."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("military ID details")
        verbose_name_plural = _("military ID details")

    def __str__(self):
        return gettext("ID details of %(accession_number)s") % {"accession_number": self.artifact.accession_number}


class ObjectDetails(models.Model):
    artifact = models.OneToOneField(
        Artifact,
        on_delete=models.CASCADE,
        related_name="object_details",
        verbose_name=_("artifact"),
        help_text=_("Object."),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=ObjectCategory.choices, blank=True, help_text=_("Kind of weapon or gear.")
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True, help_text=_("Empty if not known."))
    model = models.CharField(
        pgettext_lazy("weapon or gear", "model"), max_length=200, blank=True, help_text=_("Empty if not known.")
    )
    calibre = models.CharField(_("calibre"), max_length=50, blank=True, help_text=_("Weapons only, e.g. 5.45×39 mm."))
    country_of_manufacture = models.CharField(
        _("country of manufacture"), max_length=100, blank=True, help_text=_("As reported or as marked.")
    )
    markings = models.TextField(_("markings"), blank=True, help_text=_("Stamps, proof marks, inscriptions."))
    markings_language = language_tag_field(
        _("language of the markings"),
        help_text=_("BCP 47 code of the words marked, e.g. ko; empty for numbers and symbols alone."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weapon or gear details")
        verbose_name_plural = _("weapon or gear details")

    def __str__(self):
        return gettext("Details of %(accession_number)s") % {"accession_number": self.artifact.accession_number}


class SerialNumber(models.Model):
    artifact = models.ForeignKey(
        Artifact,
        on_delete=models.CASCADE,
        related_name="serial_numbers",
        verbose_name=_("artifact"),
        help_text=_("Object."),
    )
    value = models.CharField(_("serial number"), max_length=100, help_text=_("Exactly as marked."))
    normalized = models.CharField(
        _("normalised"), max_length=100, editable=False, db_index=True, help_text=_("Without separators, case-folded.")
    )
    location = models.CharField(
        _("where marked"), max_length=200, blank=True, help_text=_("e.g. receiver, bolt carrier, magazine.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        ordering = ["artifact", "value"]
        constraints = [models.UniqueConstraint(fields=["artifact", "value"], name="unique_serial_per_artifact")]

    def __str__(self):
        return self.value

    def save(self, *args, **kwargs):
        self.normalized = normalize_serial(self.value)
        super().save(*args, **kwargs)


class PersonalDatum(models.Model):
    """One item of personal data (a name, a service number…) with its own access level."""

    artifact = models.ForeignKey(
        Artifact,
        on_delete=models.CASCADE,
        related_name="personal_data",
        verbose_name=_("artifact"),
        help_text=_("Where."),
    )
    text = models.ForeignKey(
        "artifacts.Text",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_data",
        verbose_name=_("in text"),
        help_text=_("Set when the name or detail occurs inside one of the artifact's texts."),
    )
    field = models.CharField(
        _("kind of data"), max_length=20, choices=PersonalField.choices, help_text=_("What it is.")
    )
    value = models.CharField(_("value"), max_length=300, help_text=_("As written on the object."))
    access_level = models.PositiveSmallIntegerField(
        _("access level"),
        choices=AccessLevel.choices,
        default=AccessLevel.STAFF,
        help_text=_("Personal data of soldiers is staff-only unless a curator decides otherwise."),
    )
    history = HistoricalRecords()
    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal datum")
        verbose_name_plural = _("personal data")
        ordering = ["artifact", "field", "pk"]

    def __str__(self):
        return f"{self.get_field_display()} on {self.artifact.accession_number}"
