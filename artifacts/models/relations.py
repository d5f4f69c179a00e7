"""Typed links between artifacts (recovered together, same person, same cache, part of)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from artifacts.choices import RelationType
from artifacts.models.artifact import Artifact


class Relation(models.Model):
    from_artifact = models.ForeignKey(
        Artifact,
        on_delete=models.CASCADE,
        related_name="relations_out",
        verbose_name=_("artifact"),
        help_text=_("The artifact the relation is stated from."),
    )
    to_artifact = models.ForeignKey(
        Artifact,
        on_delete=models.CASCADE,
        related_name="relations_in",
        verbose_name=_("related artifact"),
        help_text=_("The artifact it is related to."),
    )
    relation_type = models.CharField(
        _("relation"), max_length=20, choices=RelationType.choices, help_text=_("How the two are related.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("The evidence for the relation."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["relation_type", "to_artifact__accession_number"]
        constraints = [
            models.UniqueConstraint(fields=["from_artifact", "to_artifact", "relation_type"], name="unique_relation"),
            models.CheckConstraint(
                condition=~models.Q(from_artifact=models.F("to_artifact")), name="relation_not_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.from_artifact_id} {self.get_relation_type_display()} {self.to_artifact_id}"
