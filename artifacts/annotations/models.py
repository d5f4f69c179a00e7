from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from artifacts.choices import Script
from artifacts.language_tags import language_tag_field, with_script
from artifacts.querysets import PhotoAnnotationQuerySet

FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class PhotoAnnotation(models.Model):
    """One region of a photo and what is written in it. The region is stored as fractions
    of the image's width and height, so it lands on the same place in the original, the
    display image, a IIIF canvas and a thumbnail alike. An annotation is seen by exactly
    those who may see its photo."""

    photo = models.ForeignKey(
        "artifacts.Photo",
        on_delete=models.CASCADE,
        related_name="annotations",
        verbose_name=_("photo"),
        help_text=_("The page or side the region is on."),
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Reading order on the page."))
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("e.g. “Line 3” or “Stamp”."))
    x = models.FloatField(_("left"), validators=FRACTION, help_text=_("Left edge, as a fraction of the width."))
    y = models.FloatField(_("top"), validators=FRACTION, help_text=_("Top edge, as a fraction of the height."))
    width = models.FloatField(_("width"), validators=FRACTION, help_text=_("As a fraction of the image's width."))
    height = models.FloatField(_("height"), validators=FRACTION, help_text=_("As a fraction of the image's height."))
    transcription = models.TextField(_("transcription"), blank=True, help_text=_("Exactly as written in the region."))
    original_language = language_tag_field(_("language of the original"), help_text=_("BCP 47 code, e.g. ko."))
    transliteration = models.TextField(_("transliteration"), blank=True, help_text=_("If one is made."))
    transliteration_script = models.CharField(
        _("transliteration script"), max_length=4, choices=Script.choices, blank=True, help_text=_("Script used.")
    )
    translation = models.TextField(_("translation"), blank=True, help_text=_("Of the region's text."))
    translation_language = language_tag_field(
        _("language of the translation"), help_text=_("BCP 47 code."), default="en"
    )
    note = models.TextField(_("note"), blank=True, help_text=_("e.g. illegible words, who read it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Account that marked the region."),
    )
    history = HistoricalRecords()
    objects = PhotoAnnotationQuerySet.as_manager()

    class Meta:
        verbose_name = _("transcribed region")
        verbose_name_plural = _("transcribed regions")
        ordering = ["photo", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(x__gte=0, y__gte=0, width__gt=0, height__gt=0)
                & models.Q(x__lte=1 - models.F("width") + 1e-9, y__lte=1 - models.F("height") + 1e-9),
                name="annotation_region_inside_image",
            ),
        ]

    def __str__(self):
        return self.label or gettext("Region %(position)s of photo %(photo)s") % {
            "position": self.position,
            "photo": self.photo_id,
        }

    def clean(self):
        super().clean()
        for start, size, name in ((self.x, self.width, "width"), (self.y, self.height, "height")):
            if None not in (start, size) and (size <= 0 or start + size > 1 + 1e-9):
                raise ValidationError({name: gettext("The region must lie inside the image.")})
        if not (self.transcription or self.transliteration or self.translation):
            raise ValidationError(gettext("Give the transcription, transliteration or translation of the region."))

    @property
    def transliteration_lang(self) -> str:
        return with_script(self.original_language, self.transliteration_script)

    def xywh(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The region in pixels of an image of this size (a W3C media fragment's xywh)."""
        left, top = round(self.x * width), round(self.y * height)
        return left, top, max(1, round(self.width * width)), max(1, round(self.height * height))
