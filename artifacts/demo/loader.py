"""Load the demo collection into the archive, idempotently and all-or-nothing.

A demo record is found again by its exact title among the records citing the report
(there is no import key on the models). Found records are left as they are, so a curator's
edits survive a rerun; the summary says which differ from the demo data, and `update=True`
brings them back to it. Nothing is ever deleted. Custody events are append-only: one
already present is never changed, a missing one is appended. Illustrations are rendered
and stored only when the record has none, so a rerun writes no file.

Everything happens in one transaction; if anything fails, the image files written so far
are removed as well, leaving the archive exactly as it was.
"""

from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from artifacts import services
from artifacts.custody import services as custody_services
from artifacts.demo import authorities, collection, illustrations
from artifacts.models import (
    Artifact,
    EventLink,
    Language,
    ObjectDetails,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Phrase,
    Place,
    PlaceName,
    Source,
    SourceCitation,
    Text,
)
from artifacts.models.artifact import ABSENT_DETAILS

LOADER_USERNAME = "demo-loader"
CREATED, UPDATED, UNCHANGED, DIFFERS = "created", "updated", "unchanged", "differ from the demo data"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, DIFFERS)
# The fields that identify a custody event of the demo data; the rest (notes) may be refined.
CUSTODY_KEY = ("event_type", "occurred", "occurred_as_reported", "released_by", "received_by")


class Tally:
    """What the load did, per kind of record, for the summary printed by the command."""

    def __init__(self):
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        width = max(len(kind) for kind in self.counts)
        return [
            f"  {kind:<{width}}  " + ", ".join(f"{counter[o]} {o}" for o in OUTCOMES if counter[o])
            for kind, counter in self.counts.items()
        ]


class Loader:
    def __init__(self, *, update: bool):
        self.update = update
        self.tally = Tally()
        self.written_files: list[str] = []
        self.account = None
        self.source = None
        self.languages: dict[str, Language] = {}
        self.authorities: dict = {}

    def run(self) -> Tally:
        try:
            with transaction.atomic():
                self.account = self._loader_account()
                self._authorities("places", Place, PlaceName, authorities.PLACES)
                self._authorities("organisations", Organisation, OrganisationName, authorities.ORGANISATIONS)
                self._authorities("people", Person, PersonName, authorities.PEOPLE)
                source = {**collection.SOURCE, **authorities.links(collection.SOURCE, self.authorities)}
                self.source = self._put("sources", self._find_source(), source)
                for code, name in collection.LANGUAGES.items():
                    found = Language.objects.filter(code=code).first() or Language()
                    self.languages[code] = self._put("languages", found, {"code": code, "name": name})
                for record in collection.ARTIFACTS:
                    self._load_record(record)
        except BaseException:
            services.remove_files(self.written_files)
            raise
        return self.tally

    # Generic create-or-compare ------------------------------------------------------------

    def _put(self, kind: str, instance, values: dict, *, exclude=()):
        """Create `instance` with `values` if it is new; otherwise compare, and overwrite
        only when updating. Every write is validated first, like a form would."""
        if instance.pk is not None:
            if all(getattr(instance, name) == value for name, value in values.items()):
                self.tally.add(kind, UNCHANGED)
                return instance
            if not self.update:
                self.tally.add(kind, DIFFERS)
                return instance
        outcome = CREATED if instance.pk is None else UPDATED
        for name, value in values.items():
            setattr(instance, name, value)
        instance.full_clean(exclude=list(exclude))
        instance._history_user = self.account  # attributes the history entry to the loader
        instance.save()
        self.tally.add(kind, outcome)
        return instance

    def _authorities(self, kind: str, model, name_model, data: dict) -> None:
        """Each authority of the demo, found again by its first English name among those
        not merged away, or created with all its names."""
        link = model._meta.model_name
        for key, (fields, names) in data.items():
            fields = {name: self.authorities[value] if name == "parent" else value for name, value in fields.items()}
            english = names[0][1]
            named = name_model.objects.filter(name=english, language="en", **{f"{link}__merged_into__isnull": True})
            found = model.objects.filter(pk__in=named.values(link)).order_by("pk").first()
            authority = self._put(kind, found or model(), fields)
            for language, name, preferred in names:
                existing = name_model.objects.filter(**{link: authority}, language=language, name=name).first()
                values = {link: authority, "language": language, "name": name, "preferred": preferred}
                self._put(f"names of {kind}", existing or name_model(), values)
            self.authorities[key] = authority

    def _loader_account(self):
        """The account named as recorder of custody events and uploader of illustrations.
        Inactive, with no usable password: it can never sign in."""
        User = get_user_model()
        account = User.objects.filter(username=LOADER_USERNAME).first()
        if account is not None:
            self.tally.add("accounts", UNCHANGED)
            return account
        account = User(username=LOADER_USERNAME, first_name="Demo data loader", is_active=False)
        account.set_unusable_password()
        account.save()
        self.tally.add("accounts", CREATED)
        return account

    def _find_source(self) -> Source:
        data = collection.SOURCE
        found = Source.objects.filter(
            title=data["title"], publisher=data["publisher"], published_on=data["published_on"]
        ).first()
        return found or Source()

    # One record and its parts -------------------------------------------------------------

    def _load_record(self, record: dict) -> None:
        values = {
            **record["artifact"],
            **authorities.links(record["artifact"], self.authorities),
            "not_published": not_published_by_the_report(record),
        }
        existing = (
            Artifact.objects.filter(title=values["title"], sourcecitation__source=self.source).order_by("pk").first()
        )
        artifact = self._put("artifacts", existing or Artifact(), values, exclude=["accession_number"])
        citation = SourceCitation.objects.filter(artifact=artifact, source=self.source).first()
        self._put("source citations", citation or SourceCitation(artifact=artifact, source=self.source), {})
        self._languages(artifact, record.get("languages", []))
        for text in record.get("texts", []):
            found = artifact.texts.filter(position=text["position"]).order_by("pk").first()
            self._put("texts", found or Text(artifact=artifact), text)
        for phrase in record.get("phrases", []):
            found = artifact.phrases.filter(position=phrase["position"]).first()
            self._put("phrases", found or Phrase(artifact=artifact), phrase)
        if "object_details" in record:
            found = ObjectDetails.objects.filter(artifact=artifact).first()
            self._put("weapon and gear details", found or ObjectDetails(artifact=artifact), record["object_details"])
        self._custody(artifact, record.get("custody", []))
        if record.get("illustration"):
            self._illustration(artifact, record)

    def _languages(self, artifact: Artifact, codes: list[str]) -> None:
        if not codes:
            return
        wanted = {self.languages[code] for code in codes}
        current = set(artifact.languages.all())
        if current == wanted:
            self.tally.add("language lists", UNCHANGED)
        elif not current or self.update:
            artifact.languages.set(wanted)
            self.tally.add("language lists", CREATED if not current else UPDATED)
        else:
            self.tally.add("language lists", DIFFERS)

    def _custody(self, artifact: Artifact, events: list[dict]) -> None:
        recorded = list(artifact.custody_events.all())
        for planned in events:
            key = tuple(planned.get(name, "") for name in CUSTODY_KEY)
            match = next((e for e in recorded if tuple(getattr(e, n) for n in CUSTODY_KEY) == key), None)
            if match is None:
                match = custody_services.record_custody_event(artifact=artifact, recorded_by=self.account, **planned)
                self.tally.add("custody events", CREATED)
            elif all(getattr(match, name) == value for name, value in planned.items()):
                self.tally.add("custody events", UNCHANGED)
            else:
                # Append-only: a differing event is put right by a correction, never rewritten.
                self.tally.add("custody events", DIFFERS)
            self._event_links(match, planned)

    def _event_links(self, event, planned: dict) -> None:
        """Links beside the event for the wording that names an authority without being one
        of its names (the rest was linked when the event was recorded)."""
        linked = set(event.authority_links.values_list("role", flat=True))
        for role in ("place", "released_by", "received_by"):
            key = authorities.EVENT_WORDING.get((role, planned.get(role)))
            if key and role not in linked:
                authority = self.authorities[key]
                EventLink.objects.create(event=event, role=role, **{authority._meta.model_name: authority})
                self.tally.add("custody event links", CREATED)

    def _illustration(self, artifact: Artifact, record: dict) -> None:
        found = artifact.photos.filter(is_illustration=True, credit=illustrations.CREDIT).order_by("pk").first()
        if found is not None:
            # Captions may be brought up to date; the stored image is never re-rendered.
            self._put("illustrations", found, {"caption": illustrations.caption(record["illustration"])})
            return
        name = record["illustration"]
        photo = services.add_photo(
            artifact=artifact,
            uploaded=SimpleUploadedFile(f"{name}.png", illustrations.render(name, record), content_type="image/png"),
            caption=illustrations.caption(name),
            credit=illustrations.CREDIT,
            is_illustration=True,
            uploaded_by=self.account,
        )
        self.written_files += [photo.original.name, photo.thumbnail.name, photo.display.name]
        self.tally.add("illustrations", CREATED)


def not_published_by_the_report(record: dict) -> list[str]:
    """The demo records only what its one source, a news report, published: every detail it
    leaves empty is one the report did not publish (pages say so, not "not recorded")."""
    given = {**record["artifact"], "languages": record.get("languages")}
    return [name for name, _label in ABSENT_DETAILS if not given.get(name)]


def load(*, update: bool = False) -> Tally:
    """Load the demo collection; see the module docstring for what a rerun does."""
    return Loader(update=update).run()
