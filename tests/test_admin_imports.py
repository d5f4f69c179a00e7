"""The admin's bulk import page, driven the way a browser submits it."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from artifacts.models import Artifact, Language, Photo
from tests.factories import ArtifactFactory, UserFactory
from tests.images import image_bytes

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:artifacts_artifact_import")
CHANGELIST = reverse("admin:artifacts_artifact_changelist")


@pytest.fixture
def curator(client, staff_user):
    Language.objects.get_or_create(code="ko", defaults={"name": "Korean"})
    client.force_login(staff_user)
    return staff_user


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def photos_zip(**files) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name.replace("_", "."), data)
    return SimpleUploadedFile("photos.zip", buffer.getvalue(), content_type="application/zip")


def test_the_artifact_list_links_to_the_import_page(client, curator):
    page = client.get(CHANGELIST)
    assert IMPORT in page.content.decode()
    form = client.get(IMPORT)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'enctype="multipart/form-data"' in html and "recovery_date" in html
    assert re.search(r'<input type="checkbox" name="dry_run"[^>]* checked>', html)  # a first attempt only checks


def test_a_dry_run_lists_every_problem_escaped_and_writes_nothing(client, curator):
    csv_text = (
        "title,artifact_type,recovery_date,languages\n"
        "Good,other,2025-01,ko\n"
        "<script>alert(1)</script>,bomb,mid-January,ko\n"
        ",other,2025,zz\n"
    )
    response = client.post(IMPORT, {"data_file": upload("batch.csv", csv_text), "dry_run": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Problems found: nothing was written" in html
    assert "row 3, column artifact_type: “bomb” is not one of" in html
    assert "row 3, column recovery_date: “mid-January” is not a valid EDTF date" in html
    assert "row 4, column title: required" in html
    assert "row 4, column languages: unknown language code “zz”" in html
    assert "<script>alert(1)</script>" not in html
    assert Artifact.objects.count() == 0


def test_a_clean_dry_run_says_what_would_happen(client, curator):
    response = client.post(
        IMPORT, {"data_file": upload("batch.csv", "title,artifact_type\nA,other\n"), "dry_run": "on"}
    )
    assert "Dry run of batch.csv: all 1 rows are valid" in response.content.decode()
    assert Artifact.objects.count() == 0


def test_an_import_with_a_zip_of_photos_writes_everything_and_reports_counts(client, curator):
    csv_text = "title,artifact_type,photos,photo_captions\nHelmet,gear,front.jpg,Front view\nBelt,gear,,\n"
    response = client.post(
        IMPORT,
        {"data_file": upload("batch.csv", csv_text), "photos": photos_zip(front_jpg=image_bytes())},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "Imported batch.csv: 2 rows; 2 artifact(s) created, 0 updated, 0 unchanged; 1 photo(s) added" in (
        response.content.decode()
    )
    helmet = Artifact.objects.get(title="Helmet")
    photo = helmet.photos.get()
    assert (photo.caption, photo.uploaded_by) == ("Front view", curator)
    entry = helmet.history.get()
    assert (entry.history_user, entry.history_change_reason) == (curator, "import batch.csv")


def test_a_bad_photo_in_the_zip_is_reported_and_no_file_is_kept(client, curator, media_root):
    csv_text = "title,artifact_type,photos,photo_captions\nHelmet,gear,front.jpg,Front\n"
    response = client.post(
        IMPORT, {"data_file": upload("batch.csv", csv_text), "photos": photos_zip(front_jpg=image_bytes()[:400])}
    )
    assert "row 2, column photos: “front.jpg”:" in response.content.decode()
    assert Artifact.objects.count() == 0 and Photo.objects.count() == 0
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_the_form_refuses_files_of_the_wrong_kind(client, curator):
    response = client.post(
        IMPORT,
        {"data_file": upload("batch.xlsx", "x"), "photos": SimpleUploadedFile("p.zip", b"not a zip")},
    )
    html = response.content.decode()
    assert "Choose a .csv or a .json file." in html and "The photos file is not a ZIP archive." in html


def test_accounts_that_may_not_add_artifacts_are_refused(client):
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_artifact"))
    client.force_login(user)
    assert client.get(IMPORT).status_code == 403


def test_an_account_that_may_only_add_cannot_update_or_add_photos(client):
    user = UserFactory(username="adder", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_artifact", "view_artifact"]))
    client.force_login(user)
    existing = ArtifactFactory()
    csv_text = (
        "accession_number,title,artifact_type,photos,photo_captions\n"
        f"{existing.accession_number},New,,,\n"
        ",B,other,a.jpg,A\n"
    )
    response = client.post(IMPORT, {"data_file": upload("batch.csv", csv_text)})
    html = response.content.decode()
    assert "row 2, column accession_number: your account may add artifacts but not change existing ones." in html
    assert "row 3, column photos: your account may not add photos" in html
    existing.refresh_from_db()
    assert existing.title != "New"
