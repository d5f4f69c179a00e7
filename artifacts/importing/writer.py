"""Write checked rows, a chunk at a time, in bulk.

Saving 10,000 artifacts one by one costs dozens of queries each (accession counter,
history, search text rebuilt on every child save), hours on a busy server. So the writer
does per chunk what the models' save() and signals do per object, in a few bulk queries:

* accession numbers are reserved as a block under the counter's row lock (numbers are
  never reused) by AccessionCounter.reserve, the one place numbers are issued;
* the EDTF bounds and a serial number's normalised form are derived as save() derives them;
* every object written gets its edit-history entry, with the change reason
  “import FILE” and the importing account, including the snapshot of the languages;
* each touched artifact's search document is rebuilt once, at the end of its chunk, in
  bulk (search_index.py); the runner wraps each chunk in the search index's deferred()
  block, so the signals of the few per-object saves do not index one by one either.

Changes to children that already exist (a text or phrase at a given position, weapon
details) are rare and go through save() as the admin does. Photos are stored one at a
time through services.fill_photo_from_upload; the names of the files written are
collected so that the caller can delete them if the transaction rolls back.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from artifacts import edtf_dates, services
from artifacts.authorities.services import WordingLinker
from artifacts.importing.bulk import update_rows
from artifacts.importing.parts import SourcePlan
from artifacts.importing.search_index import index_in_bulk
from artifacts.importing.validation import RowPlan
from artifacts.models import (
    AccessionCounter,
    Artifact,
    MilitaryIDDetails,
    ObjectDetails,
    Photo,
    Phrase,
    SerialNumber,
    Source,
    SourceCitation,
    Text,
    normalize_serial,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# The name under which the search document builder takes each kind of child.
CHILD_KEYS = {Text: "texts", Phrase: "phrases", ObjectDetails: "object_details", MilitaryIDDetails: "military_id"}
NO_DETAILS = {"object_details": None, "military_id": None}
REASON_LENGTH = 100  # history change reasons hold at most 100 characters


class ImportChanged(Exception):
    """A file changed between the check and the write; the import stops and rolls back."""


def _history(model, objects, *, reason, user, update=False):
    if objects:
        return model.history.bulk_history_create(
            objects, update=update, default_user=user, default_change_reason=reason, default_date=timezone.now()
        )
    return []


class Writer:
    def __init__(self, *, file_name: str, user, photos, report):
        self.reason = f"import {file_name}"[:REASON_LENGTH]
        self.user = user
        self.photos = photos
        self.report = report
        self.sources: dict[tuple, Source] = {}
        self.written_files: list[str] = []
        self.linker = WordingLinker()  # bulk writes fire no pre_save: links are filled here

    def _mark(self, instance):
        instance._change_reason = self.reason
        if self.user is not None:
            instance._history_user = self.user
        return instance

    def write_chunk(self, plans: list[RowPlan]) -> list[str]:
        """Write the rows; returns created/updated/unchanged for each, in order."""
        changed = {id(plan) for plan in plans if plan.is_new or plan.changed_fields or plan.languages is not None}
        # What each new artifact was given, kept to build its search document from memory
        # (a new artifact has no transcribed regions: they are marked on stored photos).
        self.built = {
            id(plan): {
                **{key: [] for key in ("texts", "phrases", "serial_numbers", "sources", "annotations")},
                **NO_DETAILS,
            }
            for plan in plans
            if plan.is_new
        }
        for plan in plans:
            if plan.is_new:
                self.built[id(plan)]["languages"] = plan.languages or []
        self._artifacts(plans)
        changed |= self._serials(plans)
        changed |= self._citations(plans)
        changed |= self._children(plans)
        changed |= self._photos(plans)
        # An artifact whose parts alone changed has still changed: its “last changed” moves.
        touched = [plan.artifact for plan in plans if id(plan) in changed and not (plan.is_new or plan.changed_fields)]
        for artifact in touched:
            artifact.updated_at = timezone.now()
        update_rows(Artifact, touched, ["updated_at"])
        # Bulk writes fire no signals: the search index is told which artifacts changed.
        index_in_bulk(
            [plan.artifact.pk for plan in plans if id(plan) in changed and not plan.is_new],
            new=[(plan.artifact, self.built[id(plan)]) for plan in plans if plan.is_new],
        )
        outcomes = []
        for plan in plans:
            if plan.is_new:
                self.report.accession_numbers.append(plan.artifact.accession_number)
                outcomes.append(CREATED)
            else:
                outcomes.append(UPDATED if id(plan) in changed else UNCHANGED)
        return outcomes

    # The artifact rows, their languages and their history --------------------------------

    def _artifacts(self, plans: list[RowPlan]) -> None:
        new = [plan.artifact for plan in plans if plan.is_new]
        for artifact, number in zip(new, AccessionCounter.reserve(len(new)), strict=True):
            artifact.accession_number = number
            artifact.recovered_earliest, artifact.recovered_latest = edtf_dates.bounds(artifact.recovery_date)
            self.linker.link(artifact)
        Artifact.objects.bulk_create(new)
        edited = [plan for plan in plans if not plan.is_new and plan.changed_fields]
        now = timezone.now()
        groups: dict[tuple, list] = {}
        for plan in edited:
            artifact = plan.artifact
            unlinked = {name for name in ("place", "recovered_by") if getattr(artifact, f"{name}_id") is None}
            self.linker.link(artifact)
            plan.changed_fields += [name for name in unlinked if getattr(artifact, f"{name}_id") is not None]
            artifact.recovered_earliest, artifact.recovered_latest = edtf_dates.bounds(artifact.recovery_date)
            artifact.updated_at = now
            fields = {"updated_at", "recovered_earliest", "recovered_latest", *plan.changed_fields}
            groups.setdefault(tuple(sorted(fields)), []).append(artifact)
        for fields, artifacts in groups.items():
            update_rows(Artifact, artifacts, list(fields))
        relinked = [plan for plan in plans if plan.languages is not None]
        relinked_ids = {id(plan) for plan in relinked}
        through = Artifact.languages.through
        stale = [plan.artifact.pk for plan in relinked if not plan.is_new]
        if stale:
            through.objects.filter(artifact_id__in=stale).delete()
        links = through.objects.bulk_create(
            [through(artifact=plan.artifact, language=language) for plan in relinked for language in plan.languages]
        )
        # One history entry per artifact written, after its languages, so that the entry's
        # snapshot of the languages is the one the row gave.
        updated = [
            plan.artifact for plan in plans if not plan.is_new and (plan.changed_fields or id(plan) in relinked_ids)
        ]
        entries = _history(Artifact, new, reason=self.reason, user=self.user)
        entries += _history(Artifact, updated, reason=self.reason, user=self.user, update=True)
        self._language_history(entries, relinked, links)

    def _language_history(self, entries, relinked: list[RowPlan], links) -> None:
        by_artifact = {}
        for plan in relinked:
            by_artifact[plan.artifact.pk] = []
        for link in links:
            by_artifact[link.artifact_id].append(link)
        unchanged = [entry.id for entry in entries if entry.id not in by_artifact]
        if unchanged:
            # Artifacts whose languages the row left alone: their snapshot is what is stored.
            for link in Artifact.languages.through.objects.filter(artifact_id__in=unchanged):
                by_artifact.setdefault(link.artifact_id, []).append(link)
        m2m_model = Artifact.history.model.languages.model
        m2m_model.objects.bulk_create(
            [
                m2m_model(history=entry, id=link.id, artifact_id=link.artifact_id, language_id=link.language_id)
                for entry in entries
                for link in by_artifact.get(entry.id, [])
            ]
        )

    # Children -----------------------------------------------------------------------------

    def _serials(self, plans: list[RowPlan]) -> set[int]:
        serials = []
        for plan in plans:
            for value in plan.new_serials:
                serials.append(SerialNumber(artifact=plan.artifact, value=value, normalized=normalize_serial(value)))
                if plan.is_new:
                    self.built[id(plan)]["serial_numbers"].append(serials[-1])
        _history(SerialNumber, SerialNumber.objects.bulk_create(serials), reason=self.reason, user=self.user)
        return {id(plan) for plan in plans if plan.new_serials}

    def _source(self, source_plan: SourcePlan) -> Source:
        source = self.sources.get(source_plan.key)
        if source is None:
            title, publisher, published_on = source_plan.key
            source = Source.objects.filter(title=title, publisher=publisher, published_on=published_on).first()
            if source is None:
                # A new publication; one already in the archive is cited as it is, never edited.
                source = self._mark(Source(**source_plan.values))
                source.save()
                self.report.sources_created += 1
            self.sources[source_plan.key] = source
        return source

    def _citations(self, plans: list[RowPlan]) -> set[int]:
        wanted = [(plan, self._source(sp), sp.locator) for plan in plans for sp in plan.parts.sources]
        existing = set(
            SourceCitation.objects.filter(
                artifact_id__in=[plan.artifact.pk for plan, _source, _locator in wanted if not plan.is_new]
            ).values_list("artifact_id", "source_id")
        )
        citations, changed = [], set()
        for plan, source, locator in wanted:
            if plan.is_new:
                self.built[id(plan)]["sources"].append(source)
            if (plan.artifact.pk, source.pk) not in existing:
                existing.add((plan.artifact.pk, source.pk))
                citations.append(SourceCitation(artifact=plan.artifact, source=source, locator=locator))
                changed.add(id(plan))
        SourceCitation.objects.bulk_create(citations)
        return changed

    def _children(self, plans: list[RowPlan]) -> set[int]:
        """Texts, phrases and weapon/ID details: bulk for new artifacts; for existing ones,
        matched by position (or the one details record) and saved only when they differ."""
        fresh: dict[type, list] = {}
        changed = set()
        for plan in plans:
            artifact = plan.artifact
            wanted = [(model, [values]) for model, values in plan.parts.details.items()]
            wanted += [(artifact.texts.model, plan.parts.texts), (artifact.phrases.model, plan.parts.phrases)]
            for model, items in wanted:
                for values in items:
                    if plan.is_new:
                        child = model(artifact=artifact, **values)
                        self.linker.link(child)
                        fresh.setdefault(model, []).append(child)
                        built = self.built[id(plan)]
                        if CHILD_KEYS[model] in NO_DETAILS:
                            built[CHILD_KEYS[model]] = child
                        else:
                            built[CHILD_KEYS[model]].append(child)
                        changed.add(id(plan))
                    elif self._update_child(artifact, model, values):
                        changed.add(id(plan))
        for model, objects in fresh.items():
            _history(model, model.objects.bulk_create(objects), reason=self.reason, user=self.user)
        return changed

    def _update_child(self, artifact, model, values: dict) -> bool:
        found = model.objects.filter(artifact=artifact)
        if "position" in values:
            found = found.filter(position=values["position"]).order_by("pk")
        instance = found.first()
        if instance is not None and all(getattr(instance, name) == value for name, value in values.items()):
            return False
        instance = instance or model(artifact=artifact)
        for name, value in values.items():
            setattr(instance, name, value)
        self._mark(instance).save()  # nothing is ever deleted: a row only adds or amends
        return True

    # Photos -------------------------------------------------------------------------------

    def _photos(self, plans: list[RowPlan]) -> set[int]:
        changed = set()
        for plan in plans:
            wanted = [photo for photo in plan.parts.photos if not photo.already_present]
            self.report.photos_already_present += len(plan.parts.photos) - len(wanted)
            if not wanted:
                continue
            changed.add(id(plan))
            position = 0 if plan.is_new else plan.artifact.photos.count()
            for photo_plan in wanted:
                # One image in memory at a time: read, checked again, stored, released.
                uploaded, prepared = self.photos.prepare(photo_plan.name)
                if prepared.info.sha256 != photo_plan.sha256:
                    raise ImportChanged(
                        _("“%(name)s” changed while the import was running.") % {"name": photo_plan.name}
                    )
                photo = Photo(artifact=plan.artifact, position=position, uploaded_by=self.user, **photo_plan.values)
                self.written_files += services.fill_photo_from_upload(photo=photo, uploaded=uploaded, prepared=prepared)
                self._mark(photo).save()
                position += 1
                self.report.photos_added += 1
        return changed
