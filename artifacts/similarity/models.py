from django.db import models
from django.utils.translation import gettext_lazy as _

# A 64-bit fingerprint is split into four 16-bit bands, each indexed. Two fingerprints
# within distance d differ by at most d // 4 bits in at least one band (pigeonhole), so
# the search asks the indexes for band values near the query's and checks the full
# distance only on those candidates: exact, and fast at millions of photos on any database.
BANDS = 4
BAND_BITS = 16


class ImageFingerprint(models.Model):
    """A photo's perceptual hash: close for the same picture resized, recompressed,
    brightened or re-photographed with a border; far for unrelated pictures."""

    photo = models.OneToOneField(
        "artifacts.Photo",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="fingerprint",
        verbose_name=_("photo"),
        help_text=_("The photo whose display image was hashed."),
    )
    algorithm = models.CharField(
        _("algorithm"), max_length=20, help_text=_("Name and version of the hash, e.g. phash-64.")
    )
    value = models.BigIntegerField(_("hash"), help_text=_("The 64 bits as a signed integer."))
    band0 = models.PositiveIntegerField(_("bits 63–48"), db_index=True, help_text=_("For the indexed search."))
    band1 = models.PositiveIntegerField(_("bits 47–32"), db_index=True, help_text=_("For the indexed search."))
    band2 = models.PositiveIntegerField(_("bits 31–16"), db_index=True, help_text=_("For the indexed search."))
    band3 = models.PositiveIntegerField(_("bits 15–0"), db_index=True, help_text=_("For the indexed search."))

    class Meta:
        verbose_name = _("image fingerprint")
        verbose_name_plural = _("image fingerprints")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.algorithm} {self.value & 0xFFFFFFFFFFFFFFFF:016x}"
