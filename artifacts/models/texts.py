"""Texts written on artifacts: letters, documents, booklets, and the phrases of phrase lists.

An empty field means the source did not publish it; pages say “not published”, never guess.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from artifacts import edtf_dates
from artifacts.choices import AttributionConfidence, Script, TextKind
from artifacts.language_tags import validate_language_tag, with_script
from artifacts.models.artifact import Artifact


class Text(models.Model):
    artifact = models.ForeignKey(
        Artifact, on_delete=models.CASCADE, related_name="texts", verbose_name="artifact", help_text="Carrier."
    )
    position = models.PositiveIntegerField("position", default=0, help_text="Order on the detail page.")
    label = models.CharField("label", max_length=200, blank=True, help_text="e.g. “Published excerpt 1”.")
    kind = models.CharField(
        "kind of text",
        max_length=10,
        choices=TextKind.choices,
        default=TextKind.WHOLE,
        help_text="Whether this is the whole text, an excerpt, a quoted fragment, or only a source's summary.",
    )
    original_text = models.TextField(
        "original transcription", blank=True, help_text="Exactly as written; empty if not published."
    )
    original_language = models.CharField(
        "language of the original",
        max_length=12,
        blank=True,
        validators=[validate_language_tag],
        help_text="BCP 47 code, e.g. ko.",
    )
    transliteration = models.TextField("transliteration", blank=True, help_text="If one is written or published.")
    transliteration_script = models.CharField(
        "transliteration script", max_length=4, choices=Script.choices, blank=True, help_text="Script used."
    )
    translation = models.TextField("translation", blank=True, help_text="Quoted verbatim from its source.")
    translation_language = models.CharField(
        "language of the translation",
        max_length=12,
        blank=True,
        default="en",
        validators=[validate_language_tag],
        help_text="BCP 47 code.",
    )
    translator = models.CharField(
        "translator", max_length=200, blank=True, help_text="Person or organisation that translated it."
    )
    translation_source = models.CharField(
        "translation published in", max_length=300, blank=True, help_text="Where the translation was published."
    )
    date_written = edtf_dates.EDTFField("date written (EDTF)", help_text="EDTF; uncertainty allowed.")
    attributed_author = models.CharField(
        "attributed author", max_length=200, blank=True, help_text="Who the text is attributed to."
    )
    attribution_confidence = models.CharField(
        "confidence of attribution",
        max_length=12,
        choices=AttributionConfidence.choices,
        default=AttributionConfidence.UNKNOWN,
        help_text="How certain the attribution is.",
    )
    note = models.TextField("note", blank=True, help_text="Context, e.g. which page an excerpt comes from.")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "text"
        ordering = ["artifact", "position", "pk"]

    def __str__(self):
        return self.label or f"Text {self.position} of {self.artifact.accession_number}"

    @property
    def date_written_in_words(self) -> str:
        return edtf_dates.in_words(self.date_written)

    @property
    def transliteration_lang(self) -> str:
        """The `lang` of the transliteration: the original's language in its script."""
        return with_script(self.original_language, self.transliteration_script)


class Phrase(models.Model):
    artifact = models.ForeignKey(
        Artifact, on_delete=models.CASCADE, related_name="phrases", verbose_name="phrase list", help_text="List."
    )
    position = models.PositiveIntegerField(
        "position", help_text="Order on the object when known; otherwise the order in the publishing source."
    )
    order_known = models.BooleanField(
        "order on the object known",
        default=True,
        help_text="Untick when the position follows a source's order, not the order on the object.",
    )
    original_text = models.TextField("original text", blank=True, help_text="Empty if not published.")
    original_language = models.CharField(
        "language of the original",
        max_length=12,
        blank=True,
        validators=[validate_language_tag],
        help_text="BCP 47 code, e.g. ko; empty if not known. Its transliteration is tagged with it too.",
    )
    transliteration = models.TextField("transliteration", blank=True, help_text="Empty if not published.")
    transliteration_script = models.CharField(
        "transliteration script", max_length=4, choices=Script.choices, blank=True, help_text="Script used."
    )
    translation = models.TextField("translation", blank=True, help_text="Verbatim from its source.")
    translation_language = models.CharField(
        "language of the translation",
        max_length=12,
        blank=True,
        default="en",
        validators=[validate_language_tag],
        help_text="BCP 47 code.",
    )
    translation_source = models.CharField(
        "source of the translation", max_length=300, blank=True, help_text="Who translated or published it."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phrase"
        ordering = ["artifact", "position"]
        constraints = [models.UniqueConstraint(fields=["artifact", "position"], name="unique_phrase_position")]

    def __str__(self):
        return self.translation or self.original_text or f"Phrase {self.position}"

    @property
    def transliteration_lang(self) -> str:
        """The `lang` of the transliteration: the original's language in its script."""
        return with_script(self.original_language, self.transliteration_script)
