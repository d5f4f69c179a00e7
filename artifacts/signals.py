"""Keep each artifact's search text current whenever it or any of its children changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from artifacts.models import Artifact, MilitaryIDDetails, ObjectDetails, Phrase, SerialNumber, Text
from artifacts.search import refresh_search_text

CHILDREN = (Text, Phrase, SerialNumber, ObjectDetails, MilitaryIDDetails)


def _schedule(artifact_id):
    # Synchronous, inside the caller's transaction, so the text can never lag the record.
    refresh_search_text(artifact_id)


@receiver(post_save, sender=Artifact)
def artifact_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(instance.pk)


@receiver(m2m_changed, sender=Artifact.languages.through)
def languages_changed(sender, instance, **kwargs):
    if isinstance(instance, Artifact):
        _schedule(instance.pk)


def child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(instance.artifact_id)


for model in CHILDREN:
    post_save.connect(child_changed, sender=model, dispatch_uid=f"search-save-{model.__name__}")
    post_delete.connect(child_changed, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
