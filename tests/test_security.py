"""What protects the archive and its accounts: security headers on every kind of page
(the admin included), login throttling, and the account pages working end to end.
Production-only settings (HSTS, secure cookies, SSL redirect) are in tests/test_settings.py.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from artifacts.choices import AccessLevel
from tests.factories import ArtifactFactory, UserFactory, make_photo

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
NEW_PASSWORD = "a different long passphrase 7"
LOGIN = "/accounts/login/"


@pytest.fixture
def record():
    artifact = ArtifactFactory(title="Helmet")
    return artifact, make_photo(artifact)


PUBLIC_PAGES = {
    "home": lambda record: "/",
    "catalog": lambda record: "/artifacts/?q=helmet",
    "record": lambda record: record[0].get_absolute_url(),
    "custody record": lambda record: reverse("custody-record", args=[record[0].accession_number]),
    "image": lambda record: reverse("photo-file", args=[record[1].pk, "display"]),
    "sitemap": lambda record: "/sitemap.xml",
    "not found": lambda record: "/artifacts/BFA-1999-9999/",
    "login": lambda record: LOGIN,
    "password reset": lambda record: "/accounts/password_reset/",
    "admin login": lambda record: "/admin/login/",
}
STAFF_PAGES = {
    "admin index": lambda record: "/admin/",
    "admin artifact list": lambda record: "/admin/artifacts/artifact/",
    "admin artifact": lambda record: reverse("admin:artifacts_artifact_change", args=[record[0].pk]),
    "admin photo": lambda record: reverse("admin:artifacts_photo_change", args=[record[1].pk]),
    "admin new event": lambda record: "/admin/artifacts/custodyevent/add/",
    "admin users": lambda record: "/admin/auth/user/",
}


def assert_security_headers(response):
    policy = response.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives.get("default-src") == "'self'", policy
    assert directives.get("script-src") == "'self'" and directives.get("style-src") == "'self'", policy
    assert directives.get("frame-ancestors") == "'none'" and directives.get("object-src") == "'none'", policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_send_the_security_headers(client, record, page):
    response = client.get(PUBLIC_PAGES[page](record))
    assert response.status_code in (200, 404)
    assert_security_headers(response)


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_admin_pages_send_the_security_headers_and_run_no_inline_script(client, record, staff_user, page):
    client.force_login(staff_user)
    response = client.get(STAFF_PAGES[page](record))
    assert response.status_code == 200
    assert_security_headers(response)
    # The policy would block an inline script, silently breaking the page for curators.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


# --- login throttling (django-axes) -----------------------------------------------------


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_repeated_failed_logins_lock_the_account_even_against_the_right_password(client):
    user = UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "target", "guess")
        assert (
            response.status_code == 200 and "Please enter a correct username and password" in response.content.decode()
        )
    assert attempt(client, "target", "last guess").status_code == 429  # django-axes: Too Many Requests

    response = attempt(client, "target", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Login temporarily locked" in page
    assert "Too many failed login attempts; try again in an hour or contact staff." in page
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still not logged in
    user.refresh_from_db()
    assert user.last_login is None


def test_a_lockout_is_for_that_account_only_not_everyone_behind_the_same_address(client):
    UserFactory(username="target")
    UserFactory(username="colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "target", "guess")
    response = attempt(client, "colleague", PASSWORD)
    assert response.status_code == 302 and client.session[SESSION_KEY]


def test_a_successful_login_forgives_earlier_typos(client):
    UserFactory(username="typist")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "typist", "typo")
    assert attempt(client, "typist", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    attempt(client, "typist", "typo")
    assert attempt(client, "typist", PASSWORD).status_code == 302


# --- account pages ----------------------------------------------------------------------


def test_login_leads_to_the_page_asked_for_and_logout_is_a_post(client):
    user = UserFactory(username="reader")
    response = client.post(LOGIN, {"username": "reader", "password": PASSWORD, "next": "/artifacts/"})
    assert response.status_code == 302 and response["Location"] == "/artifacts/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert "Signed in as <strong>reader</strong>" in client.get("/").content.decode()

    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log anyone out
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_login_never_redirects_to_another_site(client):
    UserFactory(username="reader")
    response = client.post(LOGIN, {"username": "reader", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_password_change_needs_the_old_password_and_takes_effect(client):
    user = UserFactory(username="reader")
    client.force_login(user)
    url = "/accounts/password_change/"
    response = client.post(url, {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200 and "Your old password was entered incorrectly" in response.content.decode()
    short = {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    assert "too short" in client.post(url, short).content.decode()

    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)  # changing it does not log the user out


def test_password_reset_mails_a_link_that_sets_a_new_password_once(client):
    user = UserFactory(username="reader", email="reader@example.org")
    response = client.post("/accounts/password_reset/", {"email": "reader@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reader@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)

    response = client.get(link)  # Django swaps the token for a session-held one
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert attempt(client, "reader", NEW_PASSWORD).status_code == 302

    client.post("/accounts/logout/")
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client):
    UserFactory(username="reader", email="reader@example.org")
    known = client.post("/accounts/password_reset/", {"email": "reader@example.org"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def test_restricted_material_is_not_cached_by_shared_caches(client, researcher):
    artifact = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    photo = make_photo(artifact)
    client.force_login(researcher)
    response = client.get(reverse("photo-file", args=[photo.pk, "display"]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store" and "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_null_characters_in_admin_and_login_requests_get_a_clear_400(client, staff_user):
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400 and b"null character" in response.content
    client.force_login(staff_user)
    response = client.get("/admin/artifacts/artifact/", {"q": "rifle\x00"})
    assert response.status_code == 400 and b"null character" in response.content


@pytest.mark.django_db
def test_an_overlong_user_name_is_an_ordinary_failed_login(client):
    response = client.post("/accounts/login/", {"username": "u" * 1000, "password": "wrong"})
    assert response.status_code == 200
    from axes.models import AccessAttempt

    assert len(AccessAttempt.objects.get().username) == 255
