"""Interface languages: the URL carries the language, readers are sent to theirs, programs
always get English, and every page names its other versions."""

import re

import pytest

from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db


def test_a_prefixed_page_is_in_its_language_and_says_so(client):
    for code in ("uk", "ko"):
        response = client.get(f"/{code}/")
        assert response.status_code == 200
        assert f'<html lang="{code}">' in response.content.decode()
        assert response["Content-Language"] == code


def test_an_unprefixed_page_is_english_for_a_reader_who_asked_for_nothing(client):
    response = client.get("/artifacts/")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    ("header", "target"), [("uk,en;q=0.5", "/uk/artifacts/?q=rifle"), ("ko-KR", "/ko/artifacts/?q=rifle")]
)
def test_a_first_visit_goes_to_the_browsers_language_keeping_the_query(client, header, target):
    response = client.get("/artifacts/?q=rifle", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302 and response["Location"] == target
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_chosen_language_outranks_the_browsers(client):
    client.post("/language/", {"language": "en", "next": "/uk/artifacts/"})
    response = client.get("/artifacts/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200 and response["Content-Language"] == "en"


def test_choosing_a_language_keeps_the_page(client):
    artifact = ArtifactFactory()
    response = client.post("/language/", {"language": "ko", "next": artifact.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == f"/ko{artifact.get_absolute_url()}"
    assert client.get(artifact.get_absolute_url())["Location"] == f"/ko{artifact.get_absolute_url()}"


def test_a_prefixed_link_keeps_its_language_whatever_the_reader_prefers(client):
    client.post("/language/", {"language": "ko", "next": "/"})
    response = client.get("/uk/artifacts/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "uk"


def test_programs_always_get_english(client):
    artifact = ArtifactFactory()
    for url in ("/api/artifacts/", f"/artifacts/{artifact.accession_number}/custody.json", "/oai/?verb=Identify"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
        assert response.status_code == 200, url
        assert response.get("Content-Language", "en") == "en", url
    assert client.get("/uk/api/artifacts/").status_code == 404


def test_the_api_documentation_follows_the_readers_language(client):
    response = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200 and response["Content-Language"] == "ko"
    assert '<html lang="ko">' in response.content.decode()


def test_every_page_names_its_versions_in_the_other_languages(client):
    artifact = ArtifactFactory()
    path = artifact.get_absolute_url()
    page = client.get(f"/uk{path}").content.decode()
    for code, href in (("en", path), ("uk", f"/uk{path}"), ("ko", f"/ko{path}"), ("x-default", path)):
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{href}">' in page
    switcher = re.search(r'<form class="language-switcher".*?</form>', page, re.S).group(0)
    assert f'<input type="hidden" name="next" value="/uk{path}">' in switcher
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in switcher
    assert 'value="uk" lang="uk" aria-current="true">Українська</button>' in switcher
    assert '<button type="submit" name="language" value="ko" lang="ko">한국어</button>' in switcher


def test_a_reader_who_picks_english_stays_in_english_whatever_the_browser_says(client):
    response = client.post("/language/", {"language": "en", "next": "/uk/artifacts/?q=x"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 302 and response["Location"] == "/artifacts/?q=x"
    assert client.get("/artifacts/?q=x", HTTP_ACCEPT_LANGUAGE="uk").status_code == 200


def test_the_switcher_does_not_answer_a_get(client):
    assert client.get("/language/?language=uk&next=/").status_code == 405


def test_the_admin_follows_the_language_of_its_address(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/uk/admin/").content.decode()
    assert '<html lang="uk"' in page and "Вийти" in page  # Django's own Ukrainian admin
    client.logout()
    login = client.get("/ko/admin/login/").content.decode()
    assert '<html lang="ko"' in login and "로그인" in login


def test_a_nul_is_refused_on_the_admin_in_every_language(client):
    for prefix in ("", "/uk", "/ko"):
        assert client.get(f"{prefix}/admin/login/?next=%00").status_code == 400


def test_the_sitemap_lists_each_page_in_each_language_with_its_alternates(client):
    artifact = ArtifactFactory()
    xml = client.get("/sitemap.xml").content.decode()
    path = artifact.get_absolute_url()
    for href in (path, f"/uk{path}", f"/ko{path}"):
        assert f"<loc>http://testserver{href}</loc>" in xml
    assert f'hreflang="ko" href="http://testserver/ko{path}"' in xml
    assert f'hreflang="x-default" href="http://testserver{path}"' in xml


def test_record_text_written_in_english_says_so_on_pages_in_other_languages(client):
    artifact = ArtifactFactory(title="Military ID of a soldier", description="A worn booklet.")
    path = artifact.get_absolute_url()
    english = client.get(path).content.decode()
    korean = client.get(f"/ko{path}").content.decode()
    assert "<h1>Military ID of a soldier</h1>" in english
    assert '<h1 lang="en">Military ID of a soldier</h1>' in korean
    assert '<div class="prose" lang="en"><p>A worn booklet.</p></div>' in korean


def test_korean_pages_fetch_their_most_used_font_slices_with_the_style_sheet(client):
    korean = client.get("/ko/").content.decode()
    english = client.get("/").content.decode()
    preloads = re.findall(r'<link rel="preload" href="[^"]*noto-sans-kr-(\d+)-(\d+)-normal[^"]*" as="font"', korean)
    assert sorted(preloads) == [("118", "400"), ("119", "400")]
    assert 'rel="preload"' not in english


def test_a_citation_names_the_records_plain_address_on_a_page_in_any_language(client):
    artifact = ArtifactFactory()
    path = artifact.get_absolute_url()
    for prefix in ("", "/uk", "/ko"):
        page = client.get(f"{prefix}{path}").content.decode()
        cite = page[page.index('id="cite"') :]
        assert f"http://testserver{path}" in cite and f"http://testserver/uk{path}" not in cite, prefix
        assert f'"@id": "http://testserver{path}"' in page, prefix


@pytest.mark.parametrize("prefix", ["", "/uk", "/ko"])
def test_the_search_helps_korean_examples_say_they_are_korean(client, prefix):
    """The examples of North and South Korean spelling are Korean in every interface
    language, so a screen reader reads them with a Korean voice (WCAG 3.1.2)."""
    page = client.get(prefix + "/artifacts/").content.decode()
    assert '<span lang="ko">로동/노동, 되였다/되었다, 할수 있다/할 수 있다</span>' in page
