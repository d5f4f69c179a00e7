"""The stored search document of each artifact (see artifacts.search)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from artifacts.models.artifact import Artifact


class SearchDocument(models.Model):
    """An artifact's public text, already analyzed: one string of tokens per weight.

    The same tokens are stored on every database; each database derives its own index
    from them, inside the database, so the index can never disagree with this row:
    PostgreSQL a generated tsvector column `vector` with a GIN index, SQLite an FTS5 table
    kept in step by triggers (both created by migration 0007, see artifacts.search.schema).
    """

    artifact = models.OneToOneField(
        Artifact,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("artifact"),
        help_text=_("The artifact this document indexes."),
    )
    title = models.TextField(_("title tokens (weight A)"), blank=True, help_text=_("Analyzed tokens of the title."))
    body = models.TextField(
        _("body tokens (weight B)"),
        blank=True,
        help_text=_("Texts, phrases, serial numbers, markings and identifying details."),
    )
    description = models.TextField(
        _("description tokens (weight C)"), blank=True, help_text=_("Description and the facts of recovery.")
    )
    notes = models.TextField(
        _("notes tokens (weight D)"), blank=True, help_text=_("Notes, attributions, provenance, verification, sources.")
    )

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        ordering = ["artifact"]

    def __str__(self):
        return f"Search document of artifact {self.artifact_id}"
