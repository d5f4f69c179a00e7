"""Upgrading a database that holds records: each step of the way, on a database of its own.

Migrations are frozen (they carry their own SQL); derived data is written afterwards by
the live code. Here a database is migrated to just before the search index (0006), given
an artifact the way that schema stored it, and then migrated to the end: the artifact
must be found by search, which needs the index table, the database's own index and the
document the live indexer wrote after `migrate`.
"""

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tests.browser_server import ROOT, temporary_database

BEFORE_SEARCH_INDEX = "0006_photo_original_name"

# Written with the historical models of 0006, as a record of that time would be.
OLD_RECORD = f"""
from django.db import connection
from django.db.migrations.loader import MigrationLoader
apps = MigrationLoader(connection).project_state(("artifacts", {BEFORE_SEARCH_INDEX!r})).apps
Artifact = apps.get_model("artifacts", "Artifact")
Artifact.objects.create(accession_number="BAA-2025-0001", title="Propaganda booklet from Kursk", status="published")
"""
SEARCH = """
import json
from artifacts.models import Artifact
from artifacts.search import search_artifacts
found = search_artifacts(Artifact.objects.all(), "propaganda booklet")
print(json.dumps([a.accession_number for a in found]))
"""


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@contextmanager
def archive_env():
    """The environment of `manage.py` on a database of its own, removed afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="archive-migrations-") as workdir,
        temporary_database(Path(workdir)) as database_url,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
        env.update(DJANGO_SETTINGS_MODULE="artifacts.settings", DJANGO_DEBUG="1", DATABASE_URL=database_url)
        env["MEDIA_ROOT"] = str(Path(workdir) / "media")
        yield env


def test_records_from_before_the_search_index_are_found_after_migrating():
    with archive_env() as env:
        manage(env, "migrate", "artifacts", BEFORE_SEARCH_INDEX, "--noinput")
        manage(env, "shell", "-c", OLD_RECORD)

        manage(env, "migrate", "--noinput")

        found = json.loads(manage(env, "shell", "-c", SEARCH).stdout.strip().splitlines()[-1])
        assert found == ["BAA-2025-0001"]


BEFORE_AUTHORITIES = "0014_not_published_details"
# Free text as curators typed it before authorities: one place in three spellings (two only
# differ by spaces), a unit named as recoverer, as custodian and as publisher of a source.
VARIANT_SPELLINGS = f"""
from django.db import connection
from django.db.migrations.loader import MigrationLoader
apps = MigrationLoader(connection).project_state(("artifacts", {BEFORE_AUTHORITIES!r})).apps
Artifact = apps.get_model("artifacts", "Artifact")
Source = apps.get_model("artifacts", "Source")
SourceCitation = apps.get_model("artifacts", "SourceCitation")
MilitaryIDDetails = apps.get_model("artifacts", "MilitaryIDDetails")
rows = [
    ("BAA-2025-0001", "Kursk region, Russia", "8th Regiment", ""),
    ("BAA-2025-0002", "Kursk  region, Russia ", "", "8th Regiment"),
    ("BAA-2025-0003", "Kursk Region, Russia", "Ukrainian special forces", ""),
    ("BAA-2025-0004", "Курська область", "", ""),
    ("BAA-2025-0005", "", "", ""),
]
for number, place, unit, custodian in rows:
    artifact = Artifact.objects.create(
        accession_number=number, title="Record " + number, status="published",
        recovery_place=place, recovering_unit=unit, current_custodian=custodian,
    )
source = Source.objects.create(title="Report", publisher="8th Regiment")
SourceCitation.objects.create(artifact=Artifact.objects.get(accession_number="BAA-2025-0005"), source=source)
MilitaryIDDetails.objects.create(
    artifact=Artifact.objects.get(accession_number="BAA-2025-0004"), issuing_authority="8th Regiment"
)
"""
AFTER_AUTHORITIES = """
import json
from artifacts.models import Artifact, Place, Organisation, Source, MilitaryIDDetails
from artifacts.search import search_artifacts
places = {p.pk: [n.name for n in p.names.all()] for p in Place.objects.all()}
artifacts = {
    a.accession_number: [
        a.recovery_place, a.place_id, a.recovering_unit, a.recovered_by_id, a.current_custodian, a.custodian_id
    ]
    for a in Artifact.objects.all()
}
print(json.dumps({
    "places": places,
    "organisations": {o.pk: [n.name for n in o.names.all()] for o in Organisation.objects.all()},
    "artifacts": artifacts,
    "publisher": Source.objects.get().publisher_organisation_id,
    "issuer": MilitaryIDDetails.objects.get().issuer_id,
    "found": sorted(a.accession_number for a in search_artifacts(Artifact.objects.all(), "8th regiment")),
}))
"""


def test_free_text_places_and_units_become_authorities_and_nothing_near_identical_is_merged():
    with archive_env() as env:
        manage(env, "migrate", "artifacts", BEFORE_AUTHORITIES, "--noinput")
        manage(env, "shell", "-c", VARIANT_SPELLINGS)

        manage(env, "migrate", "--noinput")

        state = json.loads(manage(env, "shell", "-c", AFTER_AUTHORITIES).stdout.strip().splitlines()[-1])
        by_name = {names[0]: int(pk) for pk, names in state["places"].items()}
        # Identical once spaces are collapsed: one place. A capital letter or another script:
        # a place of its own, for a curator to merge. Every wording stays as it was typed.
        assert sorted(by_name) == ["Kursk Region, Russia", "Kursk region, Russia", "Курська область"]
        rows = state["artifacts"]
        assert rows["BAA-2025-0001"][:2] == ["Kursk region, Russia", by_name["Kursk region, Russia"]]
        assert rows["BAA-2025-0002"][:2] == ["Kursk  region, Russia ", by_name["Kursk region, Russia"]]
        assert rows["BAA-2025-0003"][1] == by_name["Kursk Region, Russia"]
        assert rows["BAA-2025-0005"][1] is None
        # One organisation for one text, in whichever field it was typed.
        regiment = next(int(pk) for pk, names in state["organisations"].items() if names == ["8th Regiment"])
        assert len(state["organisations"]) == 2
        assert rows["BAA-2025-0001"][3] == regiment and rows["BAA-2025-0002"][5] == regiment
        assert state["publisher"] == regiment and state["issuer"] == regiment
        # The search documents were rebuilt with the authorities' names after migrating.
        assert state["found"] == ["BAA-2025-0001", "BAA-2025-0002", "BAA-2025-0004", "BAA-2025-0005"]

        candidates = manage(env, "authority_candidates", "--kind", "place").stdout
        upper, lower = by_name["Kursk Region, Russia"], by_name["Kursk region, Russia"]
        line = (
            f"Place #{upper} “Kursk Region, Russia” (1 record) and "
            f"#{lower} “Kursk region, Russia” (2 records): 100% alike"
        )
        assert candidates.splitlines()[0] == line
        assert "Курська" not in candidates and len(candidates.splitlines()) == 2  # the pair, then the advice
