"""Texts written on artifacts: letters, documents, booklets, and the phrases of phrase lists.

An empty field means the source did not publish it; pages say “not published”, never guess.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from artifacts import edtf_dates
from artifacts.choices import AttributionConfidence, Script, TextKind
from artifacts.language_tags import language_tag_field, with_script
from artifacts.models.artifact import Artifact


class Transliterated:
    """For a text or phrase that has an original language and may have a transliteration."""

    @property
    def transliteration_lang(self) -> str:
        """The `lang` of the transliteration: the original's language in its script."""
        return with_script(self.original_language, self.transliteration_script)


class Text(Transliterated, models.Model):
    artifact = models.ForeignKey(
        Artifact, on_delete=models.CASCADE, related_name="texts", verbose_name=_("artifact"), help_text=_("Carrier.")
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order on the detail page."))
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("e.g. “Published excerpt 1”."))
    kind = models.CharField(
        _("kind of text"),
        max_length=10,
        choices=TextKind.choices,
        default=TextKind.WHOLE,
        help_text=_("Whether this is the whole text, an excerpt, a quoted fragment, or only a source's summary."),
    )
    original_text = models.TextField(
        _("original transcription"), blank=True, help_text=_("Exactly as written; empty if not published.")
    )
    original_language = language_tag_field(_("language of the original"), help_text=_("BCP 47 code, e.g. ko."))
    transliteration = models.TextField(_("transliteration"), blank=True, help_text=_("If one is written or published."))
    transliteration_script = models.CharField(
        _("transliteration script"), max_length=4, choices=Script.choices, blank=True, help_text=_("Script used.")
    )
    translation = models.TextField(_("translation"), blank=True, help_text=_("Quoted verbatim from its source."))
    translation_language = language_tag_field(
        _("language of the translation"), help_text=_("BCP 47 code."), default="en"
    )
    translator = models.CharField(
        _("translator"), max_length=200, blank=True, help_text=_("Person or organisation that translated it.")
    )
    translation_source = models.CharField(
        _("translation published in"), max_length=300, blank=True, help_text=_("Where the translation was published.")
    )
    date_written = edtf_dates.EDTFField(_("date written (EDTF)"), help_text=_("EDTF; uncertainty allowed."))
    attributed_author = models.CharField(
        _("attributed author"), max_length=200, blank=True, help_text=_("Who the text is attributed to.")
    )
    attribution_confidence = models.CharField(
        _("confidence of attribution"),
        max_length=12,
        choices=AttributionConfidence.choices,
        default=AttributionConfidence.UNKNOWN,
        help_text=_("How certain the attribution is."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Context, e.g. which page an excerpt comes from."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("text")
        verbose_name_plural = _("texts")
        ordering = ["artifact", "position", "pk"]

    def __str__(self):
        if self.label:
            return self.label
        return gettext("Text %(position)s of %(accession_number)s") % {
            "position": self.position,
            "accession_number": self.artifact.accession_number,
        }

    @property
    def date_written_in_words(self) -> str:
        return edtf_dates.in_words(self.date_written)


class Phrase(Transliterated, models.Model):
    artifact = models.ForeignKey(
        Artifact, on_delete=models.CASCADE, related_name="phrases", verbose_name=_("phrase list"), help_text=_("List.")
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Order on the object when known; otherwise the order in the publishing source.")
    )
    order_known = models.BooleanField(
        _("order on the object known"),
        default=True,
        help_text=_("Untick when the position follows a source's order, not the order on the object."),
    )
    original_text = models.TextField(_("original text"), blank=True, help_text=_("Empty if not published."))
    original_language = language_tag_field(
        _("language of the original"),
        help_text=_("BCP 47 code, e.g. ko; empty if not known. Its transliteration is tagged with it too."),
    )
    transliteration = models.TextField(_("transliteration"), blank=True, help_text=_("Empty if not published."))
    transliteration_script = models.CharField(
        _("transliteration script"), max_length=4, choices=Script.choices, blank=True, help_text=_("Script used.")
    )
    translation = models.TextField(_("translation"), blank=True, help_text=_("Verbatim from its source."))
    translation_language = language_tag_field(
        _("language of the translation"), help_text=_("BCP 47 code."), default="en"
    )
    translation_source = models.CharField(
        _("source of the translation"), max_length=300, blank=True, help_text=_("Who translated or published it.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phrase")
        verbose_name_plural = _("phrases")
        ordering = ["artifact", "position"]
        constraints = [models.UniqueConstraint(fields=["artifact", "position"], name="unique_phrase_position")]

    def __str__(self):
        return self.translation or self.original_text or gettext("Phrase %(position)s") % {"position": self.position}
