"""The stored search document of each artifact (see artifacts.search)."""

from django.db import models

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
        verbose_name="artifact",
        help_text="The artifact this document indexes.",
    )
    title = models.TextField("title tokens (weight A)", blank=True, help_text="Analyzed tokens of the title.")
    body = models.TextField(
        "body tokens (weight B)",
        blank=True,
        help_text="Texts, phrases, serial numbers, markings and identifying details.",
    )
    description = models.TextField(
        "description tokens (weight C)", blank=True, help_text="Description and the facts of recovery."
    )
    notes = models.TextField(
        "notes tokens (weight D)", blank=True, help_text="Notes, attributions, provenance, verification, sources."
    )

    class Meta:
        verbose_name = "search document"
        ordering = ["artifact"]

    def __str__(self):
        return f"Search document of artifact {self.artifact_id}"
