"""Photographs (and labelled illustrations) of artifacts.

The original upload is kept byte-for-byte with its SHA-256; what readers see are
derivatives re-encoded by Pillow with every metadata tag removed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from artifacts.choices import AccessLevel
from artifacts.models.artifact import Artifact
from artifacts.querysets import PhotoQuerySet

ILLUSTRATION_NOTICE = "Illustration made for this archive — not a photograph of the artifact."


def _random_name(folder: str, filename: str) -> str:
    # Names on disk are random so that no file can be guessed from a record's content.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    token = uuid.uuid4().hex
    return f"{folder}/{token[:2]}/{token}.{ext[:5]}"


def original_path(instance, filename):
    return _random_name("originals", filename)


def derivative_path(instance, filename):
    return _random_name("derivatives", filename)


class Photo(models.Model):
    artifact = models.ForeignKey(
        Artifact, on_delete=models.PROTECT, related_name="photos", verbose_name="artifact", help_text="Subject."
    )
    position = models.PositiveIntegerField("position", default=0, help_text="Order in the gallery.")
    caption = models.CharField("caption", max_length=500, help_text="What the image shows.")
    credit = models.CharField("credit", max_length=200, blank=True, help_text="Photographer or rights holder.")
    date_taken = models.DateField("date taken", null=True, blank=True, help_text="Empty if not known.")
    is_illustration = models.BooleanField(
        "illustration, not a photograph of the artifact",
        default=False,
        help_text="Shown with a notice wherever the image appears.",
    )
    access_level = models.PositiveSmallIntegerField(
        "access level", choices=AccessLevel.choices, default=AccessLevel.PUBLIC, help_text="Who may see this image."
    )
    shows_personal_data = models.BooleanField(
        "shows faces or personal data",
        default=False,
        help_text="Never public; the public sees a redacted version if a curator attaches one.",
    )
    graphic_content = models.BooleanField(
        "graphic content", default=False, help_text="Hidden behind a warning until the viewer chooses to see it."
    )
    redacted_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redacted_version",
        verbose_name="redacted version of",
        help_text="Set on a curator's redacted copy: the original photo it was made from.",
    )
    # The original, kept unchanged.
    original = models.FileField("original file", upload_to=original_path, max_length=200, help_text="As received.")
    original_name = models.CharField(
        "original file name",
        max_length=255,
        blank=True,
        editable=False,
        help_text="The name the file had when it was received (e.g. DSC_0042.JPG); part of its provenance.",
    )
    sha256 = models.CharField("SHA-256 of the original", max_length=64, editable=False, help_text="Hex digest.")
    byte_size = models.PositiveBigIntegerField("size in bytes", editable=False, help_text="Of the original.")
    image_format = models.CharField("format", max_length=10, editable=False, help_text="As decoded by Pillow.")
    width = models.PositiveIntegerField("width (px)", editable=False, help_text="Of the original, as stored.")
    height = models.PositiveIntegerField("height (px)", editable=False, help_text="Of the original, as stored.")
    exif = models.JSONField("EXIF metadata", default=dict, blank=True, editable=False, help_text="From the original.")
    # Derivatives, metadata-free.
    thumbnail = models.FileField(
        "thumbnail", upload_to=derivative_path, max_length=200, editable=False, help_text="~400 px."
    )
    thumbnail_width = models.PositiveIntegerField("thumbnail width", editable=False, help_text="Pixels.")
    thumbnail_height = models.PositiveIntegerField("thumbnail height", editable=False, help_text="Pixels.")
    display = models.FileField(
        "display image", upload_to=derivative_path, max_length=200, editable=False, help_text="~1600 px."
    )
    display_width = models.PositiveIntegerField("display width", editable=False, help_text="Pixels.")
    display_height = models.PositiveIntegerField("display height", editable=False, help_text="Pixels.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="uploaded by",
        help_text="Account that uploaded the file.",
    )
    uploaded_at = models.DateTimeField("uploaded", auto_now_add=True, help_text="When the file was ingested.")
    history = HistoricalRecords()
    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = "photo"
        ordering = ["artifact", "position", "pk"]
        indexes = [models.Index(fields=["artifact", "access_level"], name="photo_artifact_access")]
        # Originals keep the camera's metadata (GPS, serials, names): taking them is a
        # permission of its own, given to Curators and not to Editors.
        permissions = [("view_original_files", "Can download original files, with their metadata")]

    def __str__(self):
        return self.caption

    @property
    def notice(self) -> str:
        return ILLUSTRATION_NOTICE if self.is_illustration else ""

    @property
    def alt_text(self) -> str:
        return f"{self.caption} ({ILLUSTRATION_NOTICE})" if self.is_illustration else self.caption

    def get_media_url(self, kind: str) -> str:
        return reverse("photo-file", args=[self.pk, kind])
