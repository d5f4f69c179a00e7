"""Every photo stored, by any path (admin form, importer, demo loader, services), gets
its leaf in the transparency log in the same transaction as its row."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from artifacts.custody import services
from artifacts.models import Photo


@receiver(post_save, sender=Photo, dispatch_uid="custody-register-photo")
def photo_stored(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.register_photos([instance])
