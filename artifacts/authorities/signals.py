"""An authority's names are part of the search documents of the records linked to it
(artifacts.search.document): when a name is added, changed or removed, those documents
are written again, in the same transaction."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from artifacts.authorities.models import Organisation, OrganisationName, Person, PersonName, Place, PlaceName
from artifacts.authorities.services import ARTIFACT_PATHS, link_event, link_wording
from artifacts.search.indexing import index_artifact


def _reindex(authority) -> None:
    from django.db.models import Q

    from artifacts.models import Artifact

    condition = Q()
    for path in ARTIFACT_PATHS[type(authority).__name__]:
        condition |= Q(**{path: authority.pk})
    if condition:
        ids = set(Artifact.objects.filter(condition).values_list("pk", flat=True))
        if ids:
            index_artifact(*ids)


OWNERS = {PlaceName: "place", OrganisationName: "organisation", PersonName: "person"}


@receiver(post_save, sender=PlaceName)
@receiver(post_save, sender=OrganisationName)
@receiver(post_save, sender=PersonName)
@receiver(post_delete, sender=PlaceName)
@receiver(post_delete, sender=OrganisationName)
@receiver(post_delete, sender=PersonName)
def name_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    owner_id = getattr(instance, f"{OWNERS[sender]}_id")
    owner_model = {PlaceName: Place, OrganisationName: Organisation, PersonName: Person}[sender]
    owner = owner_model.objects.filter(pk=owner_id).first()
    if owner is not None:  # gone with its names: the links were checked before it could go
        _reindex(owner)


def _link_before_save(sender, instance, raw=False, **kwargs):
    if not raw:
        link_wording(instance)


def _event_recorded(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        link_event(instance)


def connect_wording() -> None:
    from django.db.models.signals import pre_save

    from artifacts.models import Artifact, CustodyEvent, MilitaryIDDetails, Source

    for model in (Artifact, Source, MilitaryIDDetails):
        pre_save.connect(_link_before_save, sender=model, dispatch_uid=f"authorities.wording.{model.__name__}")
    post_save.connect(_event_recorded, sender=CustodyEvent, dispatch_uid="authorities.event_links")


connect_wording()
