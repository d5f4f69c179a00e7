"""Every photo stored, by any path (admin form, importer, demo loader, services), gets its
fingerprint in the same transaction as its row; a photo whose display image is replaced
gets a new one. Saves that change nothing of the image (a caption, an access level) do
not hash it again."""

import logging

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from artifacts.models import Photo
from artifacts.similarity.indexing import fingerprint_photos

logger = logging.getLogger(__name__)


def _display_name(instance) -> str | None:
    # Read from the instance's own dict: a deferred display is not fetched just to compare.
    value = instance.__dict__.get("display")
    return getattr(value, "name", value)


@receiver(post_init, sender=Photo, dispatch_uid="similarity-remember-display")
def photo_loaded(sender, instance, **kwargs):
    instance._fingerprinted_display = _display_name(instance)


@receiver(post_save, sender=Photo, dispatch_uid="similarity-fingerprint-photo")
def photo_stored(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    name = _display_name(instance)
    if not name or (not created and name == instance._fingerprinted_display):
        return
    try:
        fingerprint_photos([instance])
    except Exception:  # never let a convenience undo the save of evidence
        logger.exception("Photo %s: its fingerprint could not be stored.", instance.pk)
    instance._fingerprinted_display = name
