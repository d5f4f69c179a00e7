"""The access matrix: every kind of URL, asked by every kind of viewer, about artifacts,
photos and personal data at every access level and publication status; then the groups
and how staff open a researcher's account.

The table of URL kinds and what each viewer must get is tests/access_matrix.URL_KINDS;
the archive it runs against is tests/access_world. A test walks the URL configuration,
so a new kind of URL cannot skip the matrix: it fails, naming the URLs to add.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from artifacts.access import RESEARCHER_PERMISSION
from artifacts.choices import AccessLevel
from tests.access_matrix import URL_KINDS, Seen, cases
from tests.access_world import build_world
from tests.factories import ArtifactFactory, UserFactory, make_photo

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long passphrase for research"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end;
    each test runs in a savepoint within it."""
    from django.db import transaction

    media = tmp_path_factory.mktemp("access-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_root(world):
    """The world's files live in its own folder for the whole module (see conftest)."""
    from django.conf import settings

    return settings.MEDIA_ROOT


def assert_no_leaks(seen):
    if seen.response["Content-Type"].startswith(("image/", "application/zip")):
        return  # every other answer (HTML, JSON, XML, CSV, YAML…) is text to search; the zip is the checker
    # An error page may repeat the address the viewer asked for (in its log-in link): that
    # is their own request, not a disclosure.
    text = seen.text.replace(seen.response.request["PATH_INFO"], "")
    text = re.sub(r"</?mark\b[^>]*>", "", text)  # search terms are highlighted inside words
    leaks = {what: [m for m in marks if m in text] for what, marks in seen.world.leak_markers(seen.tier).items()}
    assert not {what: found for what, found in leaks.items() if found}, "shown to a viewer who may not see it"


@pytest.fixture(scope="module")
def shared_client():
    """One test client for the matrix: each new client sets up the middleware again, which
    costs more than most of the requests it would make."""
    return Client()


MATRIX = [pytest.param(probe, target, viewer, id=case_id) for case_id, probe, target, viewer in cases()]


@pytest.mark.parametrize(("probe", "target", "viewer"), MATRIX)
def test_access_matrix(shared_client, world, probe, target, viewer):
    client = shared_client
    world.log_in(client, viewer)
    response = client.get(probe.url(world, target))
    seen = Seen(world, viewer, target, response)
    probe.expect(seen)
    assert_no_leaks(seen)


# --- the matrix covers every URL the archive answers ----------------------------------

EXCLUDED = ("admin/", "accounts/", "static/")  # the admin and accounts: see test_security.py


def url_names(resolver=None, prefix="", namespace="") -> set[str]:
    """The name of every URL pattern (namespaced), or its route if it has no name."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if route.startswith(EXCLUDED):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            names.add(namespace + pattern.name if pattern.name else f"(unnamed) {route}")
    return names


def test_every_url_pattern_is_in_the_matrix():
    names = url_names()
    uncovered = sorted(names - set(URL_KINDS))
    assert not uncovered, f"add these URL kinds to URL_KINDS in tests/test_access.py: {uncovered}"
    assert not set(URL_KINDS) - names, "URL_KINDS names a URL that no longer exists"


# --- groups: who may change what -------------------------------------------------------


def _member(group_name: str, **flags):
    user = UserFactory(username=f"member-of-{group_name.lower()}", **flags)
    user.groups.add(Group.objects.get(name=group_name))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


def _model_permissions() -> list[tuple[str, str]]:
    """(model name, action) for every model of the archive that curators work on in the
    admin (derived ones, like the search index, are kept by the archive itself)."""
    models = [model for model in admin.site._registry if model._meta.app_label == "artifacts"]
    return sorted((m._meta.model_name, action) for m in models for action in m._meta.default_permissions)


# Custody events are append-only (database triggers refuse UPDATE and DELETE).
APPEND_ONLY = {("custodyevent", "change"), ("custodyevent", "delete")}


@pytest.mark.parametrize(("model", "action"), [pytest.param(m, a, id=f"{a}_{m}") for m, a in _model_permissions()])
def test_curators_may_do_everything_but_rewrite_the_custody_record(model, action):
    curator = _member("Curator", is_staff=True)
    assert curator.has_perm(f"artifacts.{action}_{model}") == ((model, action) not in APPEND_ONLY)


@pytest.mark.parametrize("group", ["Curator", "Editor", "Researcher"])
def test_no_group_may_alter_the_documents_of_custody_events(group):
    member = _member(group, is_staff=group != "Researcher")
    assert not member.has_perm("artifacts.change_custodyattachment")
    assert not member.has_perm("artifacts.delete_custodyattachment")


def test_curators_may_see_restricted_material():
    assert _member("Curator", is_staff=True).has_perm(RESEARCHER_PERMISSION)


EDITOR_MAY = {"artifacts.add_artifact", "artifacts.change_artifact", "artifacts.add_photo", "artifacts.change_photo",
              "artifacts.add_custodyevent", "artifacts.view_custodyevent"}  # fmt: skip


def test_editors_enter_records_but_delete_nothing_and_never_rewrite_custody():
    editor = _member("Editor", is_staff=True)
    granted = editor.get_all_permissions()
    assert granted >= EDITOR_MAY
    assert not {p for p in granted if p.split(".")[1].startswith("delete_")}
    assert "artifacts.change_custodyevent" not in granted


def test_researchers_only_see_restricted_material():
    researcher = _member("Researcher")
    assert researcher.get_all_permissions() == {RESEARCHER_PERMISSION}


def test_each_group_meets_the_admin_as_its_permissions_say(client, world):
    artifact = world.artifacts["public-published"]
    delete_url = reverse("admin:artifacts_artifact_delete", args=[artifact.pk])
    client.force_login(_member("Editor", is_staff=True))
    assert client.get(reverse("admin:artifacts_photo_add")).status_code == 200
    assert client.get(reverse("admin:artifacts_artifact_change", args=[artifact.pk])).status_code == 200
    assert client.get(delete_url).status_code == 403
    client.force_login(_member("Curator", is_staff=True))
    assert client.get(delete_url).status_code == 200
    client.force_login(_member("Researcher"))
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login: not staff


def test_staff_create_a_researcher_account_in_the_admin(client, world):
    client.force_login(world.users["superuser"])
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "new-researcher", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(username="new-researcher")
    restricted = world.artifacts["researchers-published"].get_absolute_url()

    reader = Client()
    assert reader.post("/accounts/login/", {"username": "new-researcher", "password": NEW_PASSWORD}).status_code == 302
    assert reader.get(restricted).status_code == 404  # an account alone opens nothing

    change = {
        "username": "new-researcher",
        "email": "vetted@example.org",
        "is_active": "on",
        "groups": [str(Group.objects.get(name="Researcher").pk)],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), change)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert reader.get(restricted).status_code == 200
    found = reader.get("/artifacts/?q=Zephrix").content.decode()
    assert (
        "1 artifact matches “Zephrix”" in found and world.artifacts["researchers-published"].get_absolute_url() in found
    )


# --- what a record's page says about itself ------------------------------------------------


def test_the_revision_count_does_not_reveal_photos_the_viewer_may_not_see(client):
    artifact = ArtifactFactory()

    def revisions():
        html = client.get(artifact.get_absolute_url()).content.decode()
        return re.search(r"(\d+) revisions? recorded", html).group(1)

    before = revisions()
    make_photo(artifact, caption="Staff only", access_level=AccessLevel.STAFF)
    make_photo(artifact, caption="Faces", shows_personal_data=True)
    assert revisions() == before
