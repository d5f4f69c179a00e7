"""The 503 page itself (artifacts.outages.unavailable_response), without stopping a
database: its language, its fonts and its headers. Outages themselves are in
tests/test_outages.py (make test-outages)."""

import json

from django.test import RequestFactory

from artifacts.outages import unavailable_response


def test_the_page_speaks_the_readers_language_and_can_draw_hangul():
    response = unavailable_response(RequestFactory().get("/ko/artifacts/"))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Language"] == "ko" and response["Retry-After"].isdigit()
    assert '<html lang="ko">' in html and "일시적으로 사용할 수 없음" in html
    # Without the archive's own Korean font, Chromium draws Hangul as boxes on machines
    # that have none: the page links it as every other page does.
    assert "css/fonts-korean" in html and "css/site" in html


def test_the_api_gets_json_and_nothing_is_cached():
    response = unavailable_response(RequestFactory().get("/api/artifacts/", HTTP_ACCEPT_LANGUAGE="uk"))
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["retry_after"] == int(response["Retry-After"])
