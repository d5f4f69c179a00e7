"""`manage.py backup` and `manage.py restore`, as an operator runs them: on a real archive
(SQLite, or PostgreSQL when DATABASE_URL points at it) while a curator keeps writing,
restored into a second, empty database and media root and verified there; a damaged or
forged backup is refused.

Each command runs in a subprocess, as from cron or compose. The archive to back up is a
copy of the migrated template (tests/browser_server.py) loaded with the demo collection
and a signed tree head, made once for the module.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import dj_database_url
import pytest

from artifacts.backups import DAMAGED, UNREACHABLE, USAGE
from tests.browser_server import (
    ROOT,
    _archive_env,
    _copy_of,
    _manage,
    _template,
    run_manage,
    temporary_database,
)

WRITER = """
import os
from pathlib import Path
from django.db import transaction
from artifacts.custody import heads
from tests.factories import ArtifactFactory, make_custody_event, make_photo
stop, n = Path(os.environ["BACKUP_TEST_STOP"]), 0
while not stop.exists():
    with transaction.atomic():
        artifact = ArtifactFactory(title=f"Written during the backup {n}")
        make_photo(artifact)
        make_custody_event(artifact, event_type="recovery", occurred="2025-01-03", place="Sudzha")
    print(artifact.accession_number, flush=True)
    n += 1
    if n % 3 == 0:
        heads.publish(stamp_heads=False)
"""
LIST_ACCESSIONS = (
    "from artifacts.models import Artifact; print(*Artifact.objects.values_list('accession_number', flat=True))"
)


@pytest.fixture(scope="module")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="archive-backup-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def source(workdir):
    """The archive being backed up: the demo collection, signed, on its own database."""
    from artifacts.custody import signing

    key = workdir / "signing.pem"
    signing.make_key_file(key)
    extra = {"ARCHIVE_SIGNING_KEY_FILE": str(key)}
    home = workdir / "source"
    home.mkdir()
    with _copy_of(_template("migrated")[0], home) as database_url:
        env = _archive_env(database_url, home, extra)
        _manage(["load_demo"], env, home / "load_demo.log")
        _manage(["publish_tree_head", "--no-stamp"], env, home / "publish.log")
        yield env


@pytest.fixture(scope="module")
def backup(source, workdir):
    """A backup taken while a curator adds artifacts, photos, custody events and heads;
    returns (its folder, the accession numbers committed before it started, the output)."""
    stop = workdir / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WRITER],
        cwd=ROOT,
        env={**source, "BACKUP_TEST_STOP": str(stop)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    written: list[str] = []

    def read() -> None:
        for line in writer.stdout:
            written.append(line.strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while len(written) < 3 and time.monotonic() < deadline and writer.poll() is None:
            time.sleep(0.05)
        assert len(written) >= 3, f"the writer did not start writing: {writer.stderr.read() if writer.poll() else ''}"
        before = set(written)
        result = run_manage(source, "backup", str(workdir / "backup"))
        during = len(written) - len(before)
    finally:
        stop.touch()
        writer.wait(timeout=60)
        reader.join(timeout=10)
    assert writer.returncode == 0, writer.stderr.read()
    assert result.returncode == 0, result.stdout + result.stderr
    return workdir / "backup", before, result.stdout, during


def restore_into_new_archive(backup_dir: Path, extra: dict):
    """Run restore into a new empty database and media root; yield (result, env)."""
    stack = ExitStack()
    home = Path(tempfile.mkdtemp(prefix="archive-restored-"))
    stack.callback(shutil.rmtree, home, ignore_errors=True)
    database_url = stack.enter_context(temporary_database(home))
    env = _archive_env(database_url, home, extra)
    return stack, run_manage(env, "restore", str(backup_dir)), env


def tables(env: dict) -> list[str]:
    config = dj_database_url.parse(env["DATABASE_URL"])
    if config["ENGINE"].endswith("sqlite3"):
        if not Path(config["NAME"]).exists():
            return []
        with sqlite3.connect(config["NAME"]) as connection:
            return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as connection:
        return [row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


def signing_env(source: dict) -> dict:
    return {"ARCHIVE_SIGNING_KEY_FILE": source["ARCHIVE_SIGNING_KEY_FILE"]}


def test_backup_taken_during_writes_restores_elsewhere_and_verifies(source, backup):
    folder, before, output, during = backup
    # The curator's process went on committing while the backup ran: it was taken under writes.
    assert during >= 1, "no artifact was committed while the backup ran"
    info = json.loads((folder / "backup-info.json").read_text())
    assert info["counts"]["artifacts"] >= 10 + len(before)
    assert info["tree_head"]["number"] >= 1
    assert "media/originals" in (folder / "manifest-sha256.txt").read_text()
    assert not [p for p in folder.parent.iterdir() if ".partial-" in p.name]
    stack, result, env = restore_into_new_archive(folder, signing_env(source))
    with stack:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "All files, custody chains and the transparency log verified." in result.stdout
        assert "against 1 saved head(s)" in result.stdout
        restored = set(run_manage(env, "shell", "--no-imports", "-c", LIST_ACCESSIONS).stdout.split())
        assert before <= restored
        assert len(restored) == info["counts"]["artifacts"]
        # Restoring again over what is now an archive is refused, and changes nothing.
        again = run_manage(env, "restore", str(folder))
        assert again.returncode == USAGE
        assert "The configured database is not empty" in again.stderr
        assert set(run_manage(env, "shell", "--no-imports", "-c", LIST_ACCESSIONS).stdout.split()) == restored


def test_a_database_only_backup_restores_beside_the_media_files_in_place(source, backup, workdir):
    folder = workdir / "database-only"
    result = run_manage(source, "backup", "--database-only", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (folder / "media").exists() and not (folder / "manifest-sha256.txt").exists()
    assert json.loads((folder / "backup-info.json").read_text())["storage"] == {
        "kind": "local",
        "media_root": source["MEDIA_ROOT"],
    }
    # The media root already holds the files (restored from elsewhere): only the database comes back.
    stack, result, _env = restore_into_new_archive(folder, {**signing_env(source), "MEDIA_ROOT": source["MEDIA_ROOT"]})
    with stack:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "All files, custody chains and the transparency log verified." in result.stdout


def test_backup_refuses_an_existing_folder(source, backup, workdir):
    folder = backup[0]
    result = run_manage(source, "backup", str(folder))
    assert result.returncode == USAGE
    assert "already exists and is not an empty folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_changed_media_file_is_refused_before_anything_is_restored(source, backup, workdir):
    damaged = workdir / "damaged-media"
    shutil.copytree(backup[0], damaged)
    original = sorted((damaged / "media" / "originals").rglob("*.*"))[0]
    original.write_bytes(original.read_bytes()[:-1] + b"\x00")
    stack, result, env = restore_into_new_archive(damaged, signing_env(source))
    with stack:
        assert result.returncode == DAMAGED, result.stdout + result.stderr
        name = original.relative_to(damaged).as_posix()
        assert f"{name}: SHA-256 is" in result.stderr and "(the file was changed)" in result.stderr
        assert "nothing was restored" in result.stderr
        assert tables(env) == []
        assert not Path(env["MEDIA_ROOT"]).exists() or not any(Path(env["MEDIA_ROOT"]).rglob("*.*"))


def _edit_leaf_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        guards = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'artifacts_logleaf'"
        ).fetchall()
        for name, _sql in guards:
            connection.execute(f'DROP TRIGGER "{name}"')
        connection.execute("""UPDATE artifacts_logleaf SET data = replace(data, 'a', 'o') WHERE "index" = 1""")
        for _name, statement in guards:
            connection.execute(statement)


def _edit_leaf_postgres(path: Path) -> None:
    with temporary_database(path.parent) as scratch:
        for command in (
            ["pg_restore", "--no-owner", "--dbname", scratch, str(path)],
            [
                "psql",
                scratch,
                "-c",
                "SET session_replication_role = replica; "
                "UPDATE artifacts_logleaf SET data = replace(data, 'a', 'o') WHERE index = 1",
            ],
            ["pg_dump", "--format=custom", "--file", str(path), scratch],
        ):
            subprocess.run(command, check=True, capture_output=True)


def test_a_log_leaf_edited_in_the_database_is_refused_by_verification(source, backup, workdir):
    """A forger who edits a leaf in the backup's database and rewrites its checksum: the
    checksums agree, so only the verification after restoring can tell."""
    from artifacts.backups import media

    forged = workdir / "forged-leaf"
    shutil.copytree(backup[0], forged)
    info = json.loads((forged / "backup-info.json").read_text())
    database_file = forged / info["database"]["file"]
    if info["database"]["vendor"] == "sqlite":
        _edit_leaf_sqlite(database_file)
    else:
        _edit_leaf_postgres(database_file)
    tags = media.read_manifest(forged / "tagmanifest-sha256.txt")
    tags[database_file.name] = media.digest_of(database_file)
    media.write_manifest(forged / "tagmanifest-sha256.txt", tags)
    stack, result, _env = restore_into_new_archive(forged, signing_env(source))
    with stack:
        assert result.returncode == DAMAGED, result.stdout + result.stderr
        assert "FAIL transparency log" in result.stdout
        assert "stored subtree hash" in result.stdout
        assert "The restored archive does NOT match the backup" in result.stderr


def test_an_unreachable_database_is_told_apart(source, backup, workdir):
    if not source["DATABASE_URL"].startswith("postgres"):
        pytest.skip("an SQLite file cannot go away the way a server does")
    down = {**source, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/archive"}
    for args in (["backup", str(workdir / "never")], ["restore", str(backup[0])]):
        result = run_manage(down, *args)
        assert result.returncode == UNREACHABLE, result.stderr
        assert "The database cannot be reached" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (workdir / "never").exists()
