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


def test_records_from_before_the_search_index_are_found_after_migrating():
    with (
        tempfile.TemporaryDirectory(prefix="archive-migrations-") as workdir,
        temporary_database(Path(workdir)) as database_url,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
        env.update(DJANGO_SETTINGS_MODULE="artifacts.settings", DJANGO_DEBUG="1", DATABASE_URL=database_url)
        env["MEDIA_ROOT"] = str(Path(workdir) / "media")
        manage(env, "migrate", "artifacts", BEFORE_SEARCH_INDEX, "--noinput")
        manage(env, "shell", "-c", OLD_RECORD)

        manage(env, "migrate", "--noinput")

        found = json.loads(manage(env, "shell", "-c", SEARCH).stdout.strip().splitlines()[-1])
        assert found == ["BAA-2025-0001"]
