"""Photographs (and labelled illustrations) of artifacts.

The original upload is kept byte-for-byte with its SHA-256; what readers see are
derivatives re-encoded by Pillow with every metadata tag removed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from artifacts.choices import AccessLevel
from artifacts.models.artifact import Artifact
from artifacts.querysets import PhotoQuerySet

# In English: IIIF manifests (labelled "en"), the demo's images and tests use it as it is. Pages
# show `Photo.notice` and `Photo.alt_text`, which give it in the language of the request.
ILLUSTRATION_NOTICE = gettext_noop("Illustration made for this archive — not a photograph of the artifact.")


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
        Artifact, on_delete=models.PROTECT, related_name="photos", verbose_name=_("artifact"), help_text=_("Subject.")
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in the gallery."))
    caption = models.CharField(_("caption"), max_length=500, help_text=_("What the image shows."))
    credit = models.CharField(_("credit"), max_length=200, blank=True, help_text=_("Photographer or rights holder."))
    date_taken = models.DateField(_("date taken"), null=True, blank=True, help_text=_("Empty if not known."))
    is_illustration = models.BooleanField(
        _("illustration, not a photograph of the artifact"),
        default=False,
        help_text=_("Shown with a notice wherever the image appears."),
    )
    access_level = models.PositiveSmallIntegerField(
        _("access level"),
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        help_text=_("Who may see this image."),
    )
    shows_personal_data = models.BooleanField(
        _("shows faces or personal data"),
        default=False,
        help_text=_("Never public; the public sees a redacted version if a curator attaches one."),
    )
    graphic_content = models.BooleanField(
        _("graphic content"), default=False, help_text=_("Hidden behind a warning until the viewer chooses to see it.")
    )
    redacted_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redacted_version",
        verbose_name=_("redacted version of"),
        help_text=_("Set on a curator's redacted copy: the original photo it was made from."),
    )
    redaction_boxes = models.JSONField(
        _("redacted regions"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "On a redacted copy rendered by the archive: the boxes filled with solid colour, each "
            "[left, top, width, height] as fractions of the image."
        ),
    )
    # The original, kept unchanged.
    original = models.FileField(
        _("original file"), upload_to=original_path, max_length=200, help_text=_("As received.")
    )
    original_name = models.CharField(
        _("original file name"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("The name the file had when it was received (e.g. DSC_0042.JPG); part of its provenance."),
    )
    sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, editable=False, help_text=_("Hex digest."))
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, help_text=_("Of the original."))
    image_format = models.CharField(_("format"), max_length=10, editable=False, help_text=_("As decoded by Pillow."))
    width = models.PositiveIntegerField(_("width (px)"), editable=False, help_text=_("Of the original, as stored."))
    height = models.PositiveIntegerField(_("height (px)"), editable=False, help_text=_("Of the original, as stored."))
    exif = models.JSONField(
        _("EXIF metadata"), default=dict, blank=True, editable=False, help_text=_("From the original.")
    )
    # Derivatives, metadata-free.
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=derivative_path, max_length=200, editable=False, help_text=_("~400 px.")
    )
    thumbnail_width = models.PositiveIntegerField(_("thumbnail width"), editable=False, help_text=_("Pixels."))
    thumbnail_height = models.PositiveIntegerField(_("thumbnail height"), editable=False, help_text=_("Pixels."))
    display = models.FileField(
        _("display image"), upload_to=derivative_path, max_length=200, editable=False, help_text=_("~1600 px.")
    )
    display_width = models.PositiveIntegerField(_("display width"), editable=False, help_text=_("Pixels."))
    display_height = models.PositiveIntegerField(_("display height"), editable=False, help_text=_("Pixels."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
        help_text=_("Account that uploaded the file."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True, help_text=_("When the file was ingested."))
    history = HistoricalRecords()
    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["artifact", "position", "pk"]
        indexes = [models.Index(fields=["artifact", "access_level"], name="photo_artifact_access")]
        # Originals keep the camera's metadata (GPS, serials, names): taking them is a
        # permission of its own, given to Curators and not to Editors.
        permissions = [("view_original_files", "Can download original files, with their metadata")]

    def __str__(self):
        return self.caption

    @property
    def notice(self) -> str:
        return gettext(ILLUSTRATION_NOTICE) if self.is_illustration else ""

    @property
    def alt_text(self) -> str:
        return f"{self.caption} ({self.notice})" if self.is_illustration else self.caption

    def get_media_url(self, kind: str) -> str:
        return reverse("photo-file", args=[self.pk, kind])
