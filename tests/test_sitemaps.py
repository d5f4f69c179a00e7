"""The sitemap lists exactly what an anonymous visitor can see."""

import pytest

from artifacts.choices import AccessLevel, PublicationStatus
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_public_records_only(client, staff_user):
    public = ArtifactFactory()
    restricted = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    staff_only = ArtifactFactory(access_level=AccessLevel.STAFF)
    draft = ArtifactFactory(status=PublicationStatus.DRAFT)
    client.force_login(staff_user)  # even a staff member's request lists only public records
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>http://testserver{public.get_absolute_url()}</loc>" in xml
    assert "<lastmod>" in xml
    for hidden in (restricted, staff_only, draft):
        assert hidden.accession_number not in xml
    assert "<loc>http://testserver/artifacts/</loc>" in xml and "<loc>http://testserver/</loc>" in xml
