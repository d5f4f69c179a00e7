"""Keep each artifact's search document current whenever it or anything it shows changes:
the record, its texts, phrases, serials, details, languages and cited sources, and the
transcribed regions of its public photos (a region saved or deleted, or its photo's access
changed).

Admin forms, services, the importer and the demo loader all save through the ORM, so
these receivers see every change. (Raw SQL and QuerySet.update() bypass them; after such
a change run `manage.py rebuild_search_index`.) A deleted artifact's document goes with
it: it is a child row that cascades.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from artifacts.annotations.models import PhotoAnnotation
from artifacts.models import (
    Artifact,
    MilitaryIDDetails,
    ObjectDetails,
    Photo,
    Phrase,
    SerialNumber,
    Source,
    SourceCitation,
    Text,
)
from artifacts.search.indexing import index_artifact

CHILDREN = (Text, Phrase, SerialNumber, ObjectDetails, MilitaryIDDetails, SourceCitation)


@receiver(post_save, sender=Artifact)
def artifact_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_artifact(instance.pk)


@receiver(m2m_changed, sender=Artifact.languages.through)
def languages_changed(sender, instance, action, **kwargs):
    if isinstance(instance, Artifact) and action.startswith("post_"):
        index_artifact(instance.pk)


def _deleting_the_artifact(origin) -> bool:
    # When a whole artifact is deleted its children go first; indexing it again after
    # each would only recreate the document the cascade is about to remove.
    return isinstance(origin, Artifact) or getattr(origin, "model", None) is Artifact


def child_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_artifact(instance.artifact_id)


def child_deleted(sender, instance, origin=None, **kwargs):
    if not _deleting_the_artifact(origin):
        index_artifact(instance.artifact_id)


for model in CHILDREN:
    post_save.connect(child_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
    post_delete.connect(child_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")


@receiver(post_save, sender=Source)
def source_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        index_artifact(*SourceCitation.objects.filter(source=instance).values_list("artifact_id", flat=True))


@receiver(post_save, sender=PhotoAnnotation)
def annotation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_artifact(Photo.objects.filter(pk=instance.photo_id).values_list("artifact_id", flat=True).get())


@receiver(post_delete, sender=PhotoAnnotation)
def annotation_deleted(sender, instance, origin=None, **kwargs):
    if _deleting_the_artifact(origin):
        return
    # Deleted with its photo, the photo's row is still there (children go first); once it
    # goes, the document is rebuilt without the photo's regions.
    artifact_id = Photo.objects.filter(pk=instance.photo_id).values_list("artifact_id", flat=True).first()
    if artifact_id is not None:
        index_artifact(artifact_id)


@receiver(post_save, sender=Photo)
def photo_saved(sender, instance, raw=False, created=False, **kwargs):
    # Whether a photo is public decides whether its regions are searchable: a photo made
    # public or restricted re-indexes its artifact. A new photo has no regions yet.
    if not raw and not created and PhotoAnnotation.objects.filter(photo=instance).exists():
        index_artifact(instance.artifact_id)
