"""The write of this package's own: two records linked as the same object."""

from django.db import transaction
from django.db.models import Q

from artifacts.choices import RelationType
from artifacts.models import Artifact, Relation

CHANGE_REASON = "linked as the same object from similar images"


def same_object_relation(a: Artifact, b: Artifact) -> Relation | None:
    """The "same object" relation between two records, stated from either one."""
    return (
        Relation.objects.filter(relation_type=RelationType.SAME_OBJECT)
        .filter(Q(from_artifact=a, to_artifact=b) | Q(from_artifact=b, to_artifact=a))
        .first()
    )


def link_same_object(*, artifact: Artifact, other: Artifact, note: str, linked_by=None) -> tuple[Relation, bool]:
    """Record that `artifact` and `other` show the same object, with the evidence in
    `note`. "The same object" holds both ways, so a relation stated from either record
    already says it: that one is returned, unchanged, with created=False."""
    with transaction.atomic():
        # Locks the pair's records in a fixed order, so that two curators linking the same
        # pair at once (from either page) make one relation, not two.
        list(Artifact.objects.select_for_update().filter(pk__in=[artifact.pk, other.pk]).order_by("pk"))
        existing = same_object_relation(artifact, other)
        if existing is not None:
            return existing, False
        relation = Relation(
            from_artifact=artifact, to_artifact=other, relation_type=RelationType.SAME_OBJECT, note=note.strip()
        )
        relation.full_clean()
        if linked_by is not None:
            relation._history_user = linked_by
        relation._change_reason = CHANGE_REASON
        relation.save()
        return relation, True
