"""artifacts.caching: what pages cache is fresh on the next request after any write.

These tests commit their writes (transactional_db), as requests in production do: inside
a test transaction nothing would ever commit, and the cache is bypassed there (tested
last). Each scenario is run against the default local-memory cache and against the
machine's Redis."""

import io
import re
import socket

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from artifacts import caching
from artifacts.authorities.models import Place
from artifacts.importing.runner import run_import
from artifacts.models import Artifact
from tests.factories import ArtifactFactory, UserFactory, make_authority

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "archive-tests",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.3, "SOCKET_TIMEOUT": 0.3, "IGNORE_EXCEPTIONS": True},
        }
    }


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    if request.param == "redis":
        if not redis_answers():
            pytest.skip("no Redis answers at 127.0.0.1:6379")
        settings.CACHES = redis_cache("redis://127.0.0.1:6379/15")
    cache.clear()
    yield request.param
    cache.clear()


def revisions_line(client, artifact) -> str:
    page = client.get(artifact.get_absolute_url()).content.decode()
    return re.search(r"\d+ revisions? recorded", page).group(0)


def test_a_cached_value_saves_its_queries_on_the_next_request(any_cache, client):
    artifact = ArtifactFactory(title="Helmet")
    client.get(artifact.get_absolute_url())
    with CaptureQueriesContext(connection) as cached:
        client.get(artifact.get_absolute_url())
    cache.clear()
    with CaptureQueriesContext(connection) as uncached:
        client.get(artifact.get_absolute_url())

    def history_reads(queries):
        return [q["sql"] for q in queries.captured_queries if "_historical" in q["sql"]]

    # The edit history is read once, then comes from the cache.
    assert history_reads(uncached) and not history_reads(cached)
    assert len(cached) < len(uncached)


def test_an_import_is_visible_on_the_next_request(any_cache, client):
    artifact = ArtifactFactory(title="Old title")
    assert revisions_line(client, artifact) == "1 revision recorded"
    assert revisions_line(client, artifact) == "1 revision recorded"  # now from the cache

    data = f"accession_number,title\r\n{artifact.accession_number},New title\r\n".encode()
    report = run_import(io.BytesIO(data), name="update.csv")
    assert report.ok and report.updated == 1, report.lines()

    assert revisions_line(client, artifact) == "2 revisions recorded"
    assert "New title" in client.get(artifact.get_absolute_url()).content.decode()


def test_a_merge_in_the_admin_is_visible_on_the_next_request(any_cache, client):
    kursk = make_authority(Place, {"en": "Kursk region"})
    duplicate = make_authority(Place, {"en": "Kursk Oblast"})
    ArtifactFactory(title="Shovel", place=duplicate)
    catalog = f"/artifacts/?place={duplicate.pk}"
    assert "Place of recovery: Kursk Oblast" in client.get(catalog).content.decode()
    assert "Place of recovery: Kursk Oblast" in client.get(catalog).content.decode()  # cached

    curator = UserFactory(username="curator-merge", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curator"))
    client.force_login(curator)
    ticked = {"action": "merge_selected", "_selected_action": [kursk.pk, duplicate.pk], "confirm": "yes"}
    response = client.post("/admin/artifacts/place/", {**ticked, "keep": kursk.pk})
    assert response.status_code == 302
    client.logout()

    page = client.get(catalog).content.decode()
    assert "Place of recovery: Kursk region" in page and "Kursk Oblast" not in page


def test_queryset_update_and_raw_sql_are_visible_on_the_next_request(any_cache, client):
    place = make_authority(Place, {"en": "Sudzha"})
    ArtifactFactory(title="Helmet", place=place)
    catalog = f"/artifacts/?place={place.pk}"
    assert "Place of recovery: Sudzha" in client.get(catalog).content.decode()

    place.names.update(name="Sudzha district")  # no signal is sent for this
    assert "Place of recovery: Sudzha district" in client.get(catalog).content.decode()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE artifacts_placename SET name = %s WHERE place_id = %s", ["Суджа", place.pk])
    assert "Place of recovery: Суджа" in client.get(catalog).content.decode()


def test_a_write_made_outside_the_archive_shows_after_a_bump(any_cache, client):
    place = make_authority(Place, {"en": "Sudzha"})
    ArtifactFactory(title="Helmet", place=place)
    catalog = f"/artifacts/?place={place.pk}"
    assert "Place of recovery: Sudzha" in client.get(catalog).content.decode()
    # What psql would do: nothing of the archive's sees the statement.
    with caching.generation.unwatched(), connection.cursor() as cursor:
        cursor.execute("UPDATE artifacts_placename SET name = 'Sudzha town' WHERE place_id = %s", [place.pk])
    assert "Place of recovery: Sudzha town" not in client.get(catalog).content.decode()  # stale, as documented
    caching.bump()
    assert "Place of recovery: Sudzha town" in client.get(catalog).content.decode()


def test_a_rolled_back_write_leaves_the_generation_alone(any_cache):
    ArtifactFactory()
    before = caching.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Artifact.objects.update(title="Never")
        raise RuntimeError
    assert caching.current() == before
    with transaction.atomic():
        Artifact.objects.update(title="Kept")
        Artifact.objects.update(title="Kept again")
        assert caching.current() == before  # moved on only when the transaction commits
    assert caching.current() == before + 1  # once, however many statements it held


def test_a_transaction_that_wrote_reads_its_own_rows_not_the_cache(any_cache, client):
    place = make_authority(Place, {"en": "Sudzha"})
    calls = []

    def compute():
        calls.append(1)
        return place.names.get().name

    assert caching.remember("probe", compute) == "Sudzha"
    assert caching.remember("probe", compute) == "Sudzha" and len(calls) == 1
    with transaction.atomic():
        place.names.update(name="Uncommitted")
        # This transaction's own rows: never served from, nor stored in, the cache.
        assert caching.remember("probe", compute) == "Uncommitted" and len(calls) == 2
        transaction.set_rollback(True)
    assert caching.remember("probe", compute) == "Sudzha"


def test_sessions_and_sign_in_attempts_do_not_count_as_changes_to_the_archive():
    assert caching.generation.changes_shown_data('UPDATE "artifacts_placename" SET "name" = %s')
    assert caching.generation.changes_shown_data('INSERT INTO "auth_user" ("username") VALUES (%s)')
    assert caching.generation.changes_shown_data("TRUNCATE artifacts_artifact, django_session")
    assert not caching.generation.changes_shown_data('UPDATE "django_session" SET "session_data" = %s')
    assert not caching.generation.changes_shown_data('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)')
    assert not caching.generation.changes_shown_data('UPDATE "artifacts_datageneration" SET value = value + 1')
    assert not caching.generation.changes_shown_data('SELECT * FROM "artifacts_artifact"')


def test_a_redis_that_does_not_answer_costs_no_request(settings, client):
    # A port nothing listens on: every cache call fails and is ignored.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0")
    place = make_authority(Place, {"en": "Sudzha"})
    artifact = ArtifactFactory(title="Helmet", place=place)
    assert client.get(f"/artifacts/?place={place.pk}").status_code == 200
    assert revisions_line(client, artifact) == "1 revision recorded"
    place.names.update(name="Sudzha district")
    assert "Place of recovery: Sudzha district" in client.get(f"/artifacts/?place={place.pk}").content.decode()
