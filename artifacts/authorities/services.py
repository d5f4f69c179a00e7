"""Changing authorities: merging two into one, and finding the records an authority covers.

Keyword-only functions, each in one transaction, used by the admin and the commands alike.
"""

import difflib
import unicodedata
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from artifacts.authorities.models import MAX_DEPTH, Organisation, Person, Place
from artifacts.search.indexing import index_artifact

# Fields that point at each kind of authority, as (model label, field name). The history
# tables point at authorities too, but history is never rewritten: an old version of a
# record keeps the link it had.
LINKS = {
    Place: [("artifacts.Artifact", "place")],
    Organisation: [
        ("artifacts.Artifact", "recovered_by"),
        ("artifacts.Artifact", "custodian"),
        ("artifacts.Source", "publisher_organisation"),
        ("artifacts.MilitaryIDDetails", "issuer"),
    ],
    Person: [],
}
# How an authority reaches an artifact, for the artifacts its page lists and search indexes.
ARTIFACT_PATHS = {
    "Place": ("place",),
    "Organisation": ("recovered_by", "custodian", "military_id__issuer", "sources__publisher_organisation"),
    "Person": (),
}


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def tree(model) -> dict[int, list[int]]:
    """{parent: [children]} for every authority of a kind, in one query: they are few next
    to records, so a page or a filter reads the tree once and walks it in memory."""
    children = defaultdict(list)
    if hasattr(model, "parent"):
        for child, parent in model.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
            children[parent].append(child)
    return children


def with_descendants(model, pk: int, children: dict | None = None) -> set[int]:
    """`pk` and every authority below it (a region and its settlements); `children` is the
    kind's tree() when the caller has read it already."""
    children = tree(model) if children is None else children
    found, frontier = {pk}, [pk]
    for _level in range(MAX_DEPTH):
        frontier = [child for node in frontier for child in children.get(node, ()) if child not in found]
        if not frontier:
            break
        found.update(frontier)
    return found


def _linked(model, ids) -> Q:
    condition = Q()
    for path in ARTIFACT_PATHS[model.__name__]:
        condition |= Q(**{f"{path}__in": ids})
    return condition


def artifacts_of(authority, queryset, ids: set[int] | None = None):
    """The artifacts in `queryset` that `authority` (or one below it: `ids`, if the caller
    has them) is linked to."""
    model = type(authority)
    condition = _linked(model, with_descendants(model, authority.pk) if ids is None else ids)
    if not condition:
        return queryset.none()
    # A subquery rather than a join, so that an artifact cited by two of an organisation's
    # sources is listed once and the caller's ordering (search rank included) still works.
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def linked_ids(model, artifacts, among: set[int]) -> set[int]:
    """Which of the authorities `among` the artifacts in `artifacts` are linked to: one
    query per way of linking, whatever the number of authorities."""
    found = set()
    for path in ARTIFACT_PATHS[model.__name__]:
        found.update(artifacts.filter(**{f"{path}__in": among}).values_list(path, flat=True))
    return found - {None}


def final(authority):
    """The authority a merged one now lives on as (itself if not merged)."""
    seen = 0
    while authority.merged_into_id is not None and seen < MAX_DEPTH:
        authority, seen = authority.merged_into, seen + 1
    return authority


@transaction.atomic
def merge(*, survivor, merged, user=None):
    """Merge `merged` into `survivor`: every link to `merged` now points at `survivor`,
    its names become the survivor's variants, an identifier it alone had moves over, and
    `merged` stays, marked, so that its address redirects and its history is kept.
    ValidationError if the two cannot be merged."""
    model = type(survivor)
    if type(merged) is not model:
        raise ValidationError(_("Only two records of the same kind can be merged."))
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records has already been merged; merge into the record it leads to."))
    for field in ("wikidata", "geonames"):
        mine, theirs = getattr(survivor, field, None), getattr(merged, field, None)
        if mine and theirs and mine != theirs:
            raise ValidationError(
                _("The two records have different %(scheme)s identifiers (%(kept)s, %(merged)s): they are not one.")
                % {"scheme": model._meta.get_field(field).verbose_name, "kept": mine, "merged": theirs}
            )
        if theirs and not mine:
            setattr(survivor, field, theirs)
    if hasattr(model, "parent"):
        if merged.pk in {a.pk for a in survivor.ancestors()}:
            # The survivor lay inside the merged record: it takes the merged record's place.
            survivor.parent = merged.parent
        model.objects.filter(parent=merged).exclude(pk=survivor.pk).update(parent=survivor)

    touched = set()
    for label, field in LINKS[model]:
        related = _model(label)
        rows = list(related.objects.filter(**{field: merged}))
        for row in rows:
            setattr(row, field, survivor)
        if rows:
            if hasattr(related, "history"):
                bulk_update_with_history(rows, related, [field], default_user=user, default_change_reason="merge")
            else:
                related.objects.filter(pk__in=[row.pk for row in rows]).update(**{field: survivor})
        touched |= _artifact_ids(label, rows)

    names = survivor.names.model
    kept = {(name.language, name.name) for name in survivor.names.all()}
    link = names._meta.get_field(model._meta.model_name).name
    for name in merged.names.all():
        if (name.language, name.name) not in kept:
            names.objects.create(**{link: survivor}, language=name.language, name=name.name, preferred=False)

    survivor._change_reason = "merge"
    survivor.save()
    merged.merged_into = survivor
    merged._change_reason = f"merged into #{survivor.pk}"
    if user is not None:
        merged._history_user = survivor._history_user = user
    merged.save()
    model.objects.filter(merged_into=merged).update(merged_into=survivor)  # no chains of redirects
    touched |= set(artifacts_of(survivor, _model("artifacts.Artifact").objects.all()).values_list("pk", flat=True))
    if touched:
        index_artifact(*touched)  # the survivor's names now find them
    return survivor


def _artifact_ids(label: str, rows) -> set[int]:
    if label == "artifacts.Artifact":
        return {row.pk for row in rows}
    if label == "artifacts.MilitaryIDDetails":
        return {row.artifact_id for row in rows}
    if label == "artifacts.Source":
        through = _model("artifacts.SourceCitation")
        return set(through.objects.filter(source__in=rows).values_list("artifact_id", flat=True))
    return set()


def fold(text: str) -> str:
    """A name reduced for comparison: case, accents, punctuation and spacing folded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def merge_candidates(model, *, threshold: float = 0.85):
    """Pairs of current authorities whose names look alike, most alike first: (similarity,
    a, b, name of a, name of b). For a curator to decide; nothing is merged here."""
    names = defaultdict(set)
    link = model._meta.model_name
    name_model = model.names.rel.related_model
    rows = name_model.objects.filter(**{f"{link}__merged_into__isnull": True}).values_list(link, "name")
    for owner, name in rows:
        names[owner].add(name)
    owners = sorted(names)
    pairs = []
    for position, first in enumerate(owners):
        for second in owners[position + 1 :]:
            best = (0.0, "", "")
            for a in names[first]:
                for b in names[second]:
                    score = 1.0 if fold(a) == fold(b) else difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()
                    best = max(best, (score, a, b))
            if best[0] >= threshold:
                pairs.append((best[0], first, second, best[1], best[2]))
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    return pairs


# Wording that names an authority outright, and the link it fills when a curator, an import
# or the generator gives the wording without choosing an authority: (text field, link
# field, authority model name). The current custodian is left out: its wording is often a
# statement ("Reported held by … (January 2025)"), not a name, so a curator links it.
WORDING = {
    "Artifact": [("recovery_place", "place", "Place"), ("recovering_unit", "recovered_by", "Organisation")],
    "Source": [("publisher", "publisher_organisation", "Organisation")],
    "MilitaryIDDetails": [("issuing_authority", "issuer", "Organisation")],
}


class WordingLinker:
    """Fills empty authority links from the wording beside them: the current authority
    that has exactly that name in any language, else a new one named so, in the
    catalogue's language. The same rule the migration that introduced authorities used,
    so that a record never drops out of the place or unit facets. Remembers what it found,
    so that an import of thousands of rows naming one place asks once."""

    def __init__(self):
        self.found = {}

    def authority(self, model_name: str, text: str):
        from django.conf import settings

        key = " ".join(text.split())[:200]
        if (model_name, key) in self.found:
            return self.found[model_name, key]
        model = _model(f"artifacts.{model_name}")
        link = model._meta.model_name
        name_model = model.names.rel.related_model
        named = (
            name_model.objects.filter(name=key, **{f"{link}__merged_into__isnull": True})
            .order_by(link)
            .values_list(link, flat=True)
            .first()
        )
        if named is not None:
            authority = model.objects.get(pk=named)
        else:
            authority = model.objects.create()
            language = settings.ARCHIVE_CATALOGUE_LANGUAGE or "en"
            name_model.objects.create(**{link: authority}, language=language, name=key, preferred=True)
        # Its names ride along, so that search documents built from records in memory (an
        # import) read them once, not once per record.
        prefetch_related_objects([authority], "names")
        self.found[model_name, key] = authority
        return authority

    def link(self, instance) -> None:
        for text_field, link_field, model_name in WORDING.get(type(instance).__name__, []):
            text = getattr(instance, text_field) or ""
            if " ".join(text.split()) and getattr(instance, f"{link_field}_id") is None:
                setattr(instance, link_field, self.authority(model_name, text))


def link_wording(instance, linker: WordingLinker | None = None) -> None:
    (linker or WordingLinker()).link(instance)


def link_event(event) -> list:
    """Link a custody event's place and parties to the current authorities that carry
    exactly their wording as a name (a place or destination to a place; a party to a
    person, else an organisation). Only links, never creates: an event's parties are often
    described rather than named ("recovering troops"), and an event's wording is fixed.
    A role already linked is left as it is."""
    from artifacts.authorities.events import EVENT_ROLE_KINDS, EventLink

    made = []
    linked = set(event.authority_links.values_list("role", flat=True))
    for role, kinds in EVENT_ROLE_KINDS.items():
        key = " ".join((getattr(event, role) or "").split())
        if not key or role in linked:
            continue
        for kind in sorted(kinds, reverse=True):  # a person before an organisation of the same name
            model = _model(f"artifacts.{kind.capitalize()}")
            name_model = model.names.rel.related_model
            link = model._meta.model_name
            named = (
                name_model.objects.filter(name=key, **{f"{link}__merged_into__isnull": True})
                .order_by(link)
                .values_list(link, flat=True)
                .first()
            )
            if named is not None:
                made.append(EventLink.objects.create(event=event, role=role, **{f"{kind}_id": named}))
                break
    return made
