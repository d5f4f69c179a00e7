from django.db import models
from django.utils.translation import gettext_lazy as _


class DataGeneration(models.Model):
    """One row: a number that changes whenever the archive's data does (see
    artifacts.caching). Cached values are filed under it, so a write makes every older
    entry unreachable at once, in every process, on every replica."""

    value = models.BigIntegerField(
        _("generation"), help_text=_("Changes with every committed write to the archive's records.")
    )

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generations")
        default_permissions = ()

    def __str__(self):
        return str(self.value)
