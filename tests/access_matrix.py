"""The table of the access matrix (tests/test_access.py): for each named URL pattern, the
probes that request it and what each viewer must get back.

A probe builds a URL for each of its targets (artifact, photo or nothing) and checks the
response given who asked; on top of that, test_access searches every text response for
the marks of anything the viewer may not see (access_world.World.leak_markers).

To add a URL kind, add an entry to URL_KINDS: `artifact_probe(url)` for a per-artifact URL
(visible → 200 naming the artifact, invisible → 404), `listing_probe(url)` for a list of
artifacts, or a Probe of its own with an expectation function.
"""

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse

from tests.access_world import (
    ARTIFACTS,
    HUB,
    PERSONAL,
    PHOTOS,
    RELATED_FROM_HUB,
    RELATED_TO_HUB,
    TAKES_ORIGINALS,
    VIEWERS,
    WITHDRAWAL_REASON,
    P,
    region_word,
    sees,
    sees_photo,
    tombstone,
)

ON_HOME = 8


@dataclass
class Seen:
    """One response, with who asked for what."""

    world: object
    viewer: str
    target: object
    response: object

    @property
    def tier(self) -> int:
        return VIEWERS[self.viewer]

    @cached_property
    def text(self) -> str:
        if getattr(self.response, "streaming", False):
            return b"".join(self.response.streaming_content).decode()
        return self.response.content.decode()

    def visible(self) -> list[str]:
        return self.world.visible(self.tier)


@dataclass(frozen=True)
class Probe:
    label: str
    url: Callable  # (world, target) -> URL
    expect: Callable  # (Seen) -> None; raises AssertionError
    targets: tuple = (None,)


# --- expectations --------------------------------------------------------------------


def _ok(seen, content_type="text/html"):
    assert seen.response.status_code == 200, seen.response.status_code
    assert seen.response["Content-Type"].startswith(content_type)


def expect_artifact(seen):
    """A visible artifact answers; an invisible one is indistinguishable from none (404)."""
    if sees(seen.tier, seen.target):
        _ok(seen, "")
        assert seen.world.code(seen.target) in seen.text
    else:
        assert seen.response.status_code == 404, "hidden records must be 404, never 403"


def expect_detail(seen):
    """The record's page; a withdrawn one the viewer may not see is a tombstone: 410, its
    accession number, the date and the public reason, and nothing of its content."""
    if tombstone(seen.tier, seen.target):
        assert seen.response.status_code == 410, seen.response.status_code
        assert seen.world.artifacts[seen.target].accession_number in seen.text
        assert "Record withdrawn" in seen.text and WITHDRAWAL_REASON in seen.text
    else:
        expect_artifact(seen)
        if sees(seen.tier, seen.target):
            assert_regions(seen, seen.target)


def artifact_probe(url, label="record") -> Probe:
    return Probe(label, url, expect_artifact, tuple(ARTIFACTS))


def expect_listing(seen):
    """Every artifact the viewer may see is listed (the leak check covers the rest)."""
    _ok(seen, "")
    for key in seen.visible():
        assert seen.world.code(key) in seen.text, key


def listing_probe(url, label="list") -> Probe:
    return Probe(label, url, expect_listing)


FACET = re.compile(
    r'<input type="(?:checkbox|radio)" name="(\w+)" value="([^"]*)" id="[^"]*"(?: checked)?> '
    r'<label for="[^"]*">([^<]*?) ?<span class="count">(\d+)</span>'
)
# Places and units are authorities: their value is a number, so they are told by their label.
LABELLED = {"place", "unit"}


def facets_shown(html: str) -> dict:
    shown = {}
    for param, value, label, count in FACET.findall(html):
        shown.setdefault(param, {})[label if param in LABELLED else value] = int(count)
    return shown


def expected_facets(world, tier: int, keys: list[str]) -> dict:
    with_photos = sum(1 for key in keys if world.photos_of(key, tier))
    expected = {
        "type": Counter(ARTIFACTS[key][2] for key in keys),
        "verification": Counter(ARTIFACTS[key][3] for key in keys),
        "place": {f"{ARTIFACTS[key][4]}ville": 1 for key in keys},
        "unit": {f"{ARTIFACTS[key][4]} brigade": 1 for key in keys},
        "photos": {"yes": with_photos, "no": len(keys) - with_photos},
    }
    return {param: dict(values) for param, values in expected.items() if values}


def sentence(html: str) -> str:
    return re.search(r'<p class="sentence">([^<]*)', html).group(1)


def expect_catalog(seen):
    _ok(seen)
    keys = seen.visible()
    assert sentence(seen.text).startswith(f"{len(keys)} artifacts in the archive")
    assert facets_shown(seen.text) == expected_facets(seen.world, seen.tier, keys)
    for key in keys:  # each card shows the first photo this viewer may see
        assert seen.world.code(key) in seen.text
        photos = seen.world.photos_of(key, seen.tier)
        if photos:
            assert f"/media/photos/{seen.world.photos[photos[0]].pk}/thumbnail/" in seen.text, key


REGION = "region:"  # a search target: the word of a photo's transcribed region


def search_term(world, target) -> str:
    if target.startswith(REGION):
        return region_word(target.removeprefix(REGION))
    return PERSONAL["researchers"][1].split()[-1] if target == "personal-datum" else world.code(target)


def search_found(tier: int, target) -> list[str]:
    """The artifacts a search for the target must find: the artifact by its code word; by
    a region's word, the photo's artifact (if the viewer may find it) when the photo itself
    is public, whoever asks: neither restricted nor showing personal data."""
    if target.startswith(REGION):
        owner, options, _tiers = PHOTOS[target.removeprefix(REGION)]
        public = options.get("access_level", P) == P and not options.get("shows_personal_data")
        return [owner] if public and sees(tier, owner) else []
    return [target] if target in ARTIFACTS and sees(tier, target) else []


def expect_search(seen):
    _ok(seen)
    term = search_term(seen.world, seen.target)
    found = search_found(seen.tier, seen.target)
    expected = f"1 artifact matches “{term}”" if found else f"No artifacts match “{term}”"
    assert sentence(seen.text).startswith(expected)
    assert facets_shown(seen.text) == expected_facets(seen.world, seen.tier, found)


def expect_home(seen):
    _ok(seen)
    keys = seen.visible()
    assert f"{len(keys)} artifacts you can see" in seen.text
    by_type = re.findall(r'href="/artifacts/\?type=(\w+)">[^<]*</a> <span class="count">(\d+)</span>', seen.text)
    assert {kind: int(n) for kind, n in by_type} == Counter(ARTIFACTS[key][2] for key in keys)
    # Records with a photograph this viewer may see lead, newest first, then the others
    # (the world was built in ARTIFACTS order, so the newest come last).
    newest = keys[::-1]
    with_photo = [key for key in newest if seen.world.photos_of(key, seen.tier)]
    featured = (with_photo + [key for key in newest if key not in with_photo])[:ON_HOME]
    assert re.findall(r"Object (\w+)</a>", seen.text) == [seen.world.code(key) for key in featured]


def expect_related(seen):
    _ok(seen)
    linked = re.findall(r'<a href="/artifacts/([^/]+)/">', seen.text.split('id="related"')[-1])
    related = [key for key in (*RELATED_FROM_HUB, *RELATED_TO_HUB) if sees(seen.tier, key)]
    assert sorted(linked) == sorted(seen.world.artifacts[key].accession_number for key in related)


def assert_gallery_images(seen):
    """Exactly the gallery's photos this viewer may see are referred to, by any address;
    the record page's similar images, photos of other records, only if the viewer may see
    them (the world's photos are all one picture)."""
    text = seen.text
    similar = re.search(r'<section id="similar".*?</section>', text, re.S)
    if similar:
        text = text.replace(similar.group(0), "")
        listed = set(re.findall(r"/media/photos/(\d+)/", similar.group(0)))
        may_see = {str(photo.pk) for key, photo in seen.world.photos.items() if sees_photo(seen.tier, key)}
        assert listed <= may_see
    shown = set(re.findall(r"/media/photos/(\d+)/", text))
    assert shown == {str(seen.world.photos[key].pk) for key in seen.world.photos_of("gallery", seen.tier)}


REGION_TEXT = re.compile(r"Scrawled (\w+quill)")


def assert_regions(seen, artifact_key):
    """Exactly the transcribed regions of the artifact's photos this viewer may see (each
    photo has one) are shown, and no other record's."""
    shown = set(REGION_TEXT.findall(seen.text))
    assert shown == {region_word(key) for key in seen.world.photos_of(artifact_key, seen.tier)}, shown


def expect_gallery(seen):
    _ok(seen)
    assert_gallery_images(seen)
    assert_regions(seen, "gallery")
    takes = seen.viewer in TAKES_ORIGINALS
    assert ("/original/" in seen.text) == takes, "originals are linked only for staff allowed to take them"


def expect_personal_data(seen):
    _ok(seen)
    withheld = [key for key, (_, _, level, _) in PERSONAL.items() if level > seen.tier]
    for key, (_, value, level, _) in PERSONAL.items():
        assert (value in seen.text) == (level <= seen.tier), key
    assert seen.text.count("withheld: personal data") == len(withheld)


def expect_custody(seen):
    expect_artifact(seen)
    if sees(seen.tier, seen.target):
        document = json.loads(seen.response.content)
        assert document["accession_number"] == seen.world.artifacts[seen.target].accession_number
        files = {f["sha256"] for f in document["files"]}
        assert files == {seen.world.photos[key].sha256 for key in seen.world.photos_of(seen.target, seen.tier)}


def sees_file(tier: int, photo_key: str) -> bool:
    """A photo's files are served to whoever sees it, and a redacted copy's also to whoever
    sees its original (galleries show one of the two; the copy hides nothing more)."""
    source = PHOTOS[photo_key][1].get("redacted_from")
    return sees_photo(tier, photo_key) or (source is not None and sees_photo(tier, source))


def expect_photo_file(seen):
    key, kind = seen.target
    if not sees_file(seen.tier, key):
        assert seen.response.status_code == 404
    elif kind == "original" and seen.viewer not in TAKES_ORIGINALS:
        assert seen.response.status_code == 403  # the photo is visible; its metadata-laden original is not
    else:
        _ok(seen, "image/")
        public = kind != "original" and sees_photo(P, key)
        assert seen.response["Cache-Control"] == ("public, max-age=3600" if public else "private, no-store")


def expect_sitemap(seen):
    """The sitemap is the anonymous view, whoever asks."""
    _ok(seen, "application/xml")
    listed = set(re.findall(r"<loc>http://testserver/artifacts/([^/<]+)/</loc>", seen.text))
    assert listed == {seen.world.artifacts[key].accession_number for key in seen.world.visible(P)}


def expect_robots(seen):
    _ok(seen, "text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in seen.text


def expect_post_only(seen):
    assert seen.response.status_code == 405  # a link or crawler can never flip a preference


def expect_search_api(seen):
    _ok(seen, "application/json")
    found = [seen.world.artifacts[seen.target].accession_number] if sees(seen.tier, seen.target) else []
    assert json.loads(seen.text)["count"] == len(found)


def expect_listed_count(seen):
    """A JSON list whose count is taken over what the viewer may see."""
    expect_listing(seen)
    assert json.loads(seen.text)["count"] == len(seen.visible())


def expect_manifest(seen):
    """A manifest needs at least one image: none the viewer may see is the same as none."""
    if sees(seen.tier, seen.target) and seen.world.photos_of(seen.target, seen.tier):
        _ok(seen, "application/ld+json")
        assert seen.world.code(seen.target) in seen.text
        assert_regions(seen, seen.target)
    else:
        assert seen.response.status_code == 404


def expect_manifest_images(seen):
    _ok(seen, "application/ld+json")
    assert_gallery_images(seen)
    assert_regions(seen, "gallery")


def expect_api_record(seen):
    _ok(seen, "application/json")
    record = json.loads(seen.text)
    assert_gallery_images(seen)
    assert_regions(seen, "gallery")
    regions = [region for photo in record["photos"] for region in photo["annotations"]]
    assert sorted(REGION_TEXT.search(region["transcription"]).group(1) for region in regions) == sorted(
        region_word(key) for key in seen.world.photos_of("gallery", seen.tier)
    )
    withheld = [key for key, (_, _, level, _) in PERSONAL.items() if level > seen.tier]
    assert [item["withheld"] for item in record["personal_data"]].count(True) == len(withheld)


def oai(verb, **arguments) -> str:
    return reverse("oai-pmh") + "?" + urlencode({"verb": verb, **arguments})


def expect_oai_list(seen):
    """Harvesters get the public record, whoever's session the request carries; a record
    withdrawn from the public is announced as deleted."""
    _ok(seen, "text/xml")
    listed = set(re.findall(r"<header>\s*<identifier>oai:[^:<]+:([^<]+)</identifier>", seen.text))
    assert listed == {seen.world.artifacts[key].accession_number for key in seen.world.visible(P)}
    deleted = set(re.findall(r'<header status="deleted">\s*<identifier>oai:[^:<]+:([^<]+)</identifier>', seen.text))
    assert deleted == {seen.world.artifacts[key].accession_number for key in ARTIFACTS if tombstone(P, key)}


def expect_oai_record(seen):
    _ok(seen, "text/xml")
    if sees(P, seen.target):
        assert seen.world.code(seen.target) in seen.text and "<error" not in seen.text
    elif tombstone(P, seen.target):
        assert '<header status="deleted">' in seen.text and "<metadata>" not in seen.text
    else:
        assert 'code="idDoesNotExist"' in seen.text


def expect_no_records(seen):
    """A page about the archive, not of it: it answers, and the leak check does the rest."""
    _ok(seen, "")


def expect_log_answer(seen):
    """The transparency log answers everyone alike, with hashes only (the leak check
    proves no restricted record's content is in them); absent heads are a JSON 404."""
    assert seen.response.status_code in (200, 404), seen.response.status_code
    if seen.response.status_code == 404:
        assert seen.response["Content-Type"].startswith(("application/json", "text/html"))


def _detail(world, key):
    return world.artifacts[key].get_absolute_url()


def _photo(world, target):
    return reverse("photo-file", args=[world.photos[target[0]].pk, target[1]])


def _acc(world, key):
    return world.artifacts[key].accession_number


def _manifest(world, key):
    return reverse("iiif-manifest", args=[_acc(world, key)])


def _api_record(world, key):
    return reverse("api:artifact-detail", args=[_acc(world, key)])


def _oai_record(world, key):
    return oai("GetRecord", metadataPrefix="oai_dc", identifier=f"oai:testserver:{_acc(world, key)}")


URL_KINDS = {
    "home": (Probe("counts-and-latest", lambda world, _: reverse("home"), expect_home),),
    "catalog": (
        Probe("browse", lambda world, _: reverse("catalog"), expect_catalog),
        Probe(
            "search",
            lambda world, target: reverse("catalog") + "?q=" + search_term(world, target),
            expect_search,
            (*ARTIFACTS, "personal-datum", *(REGION + key for key in PHOTOS)),
        ),
    ),
    # A place or unit known only from records the viewer may not see does not exist for them.
    "place-detail": (artifact_probe(lambda world, key: reverse("place-detail", args=[world.artifacts[key].place_id])),),
    "organisation-detail": (
        artifact_probe(lambda world, key: reverse("organisation-detail", args=[world.artifacts[key].recovered_by_id])),
    ),
    "artifact-detail": (
        Probe("record", _detail, expect_detail, tuple(ARTIFACTS)),
        Probe("related", _detail, expect_related, (HUB,)),
        Probe("photos", _detail, expect_gallery, ("gallery",)),
        Probe("personal-data", _detail, expect_personal_data, ("gallery",)),
    ),
    "custody-record": (
        Probe(
            "custody",
            lambda world, key: reverse("custody-record", args=[_acc(world, key)]),
            expect_custody,
            tuple(ARTIFACTS),
        ),
    ),
    "photo-file": (
        Probe(
            "file",
            _photo,
            expect_photo_file,
            tuple((k, kind) for k in PHOTOS for kind in ("original", "display", "thumbnail")),
        ),
    ),
    "catalog-download": (
        listing_probe(lambda world, _: reverse("catalog-download", args=["csv"]), "csv"),
        listing_probe(lambda world, _: reverse("catalog-download", args=["json"]), "json"),
    ),
    "citation-csl": (artifact_probe(lambda world, key: reverse("citation-csl", args=[_acc(world, key)])),),
    "iiif-manifest": (
        Probe("record", _manifest, expect_manifest, tuple(ARTIFACTS)),
        Probe("images", _manifest, expect_manifest_images, ("gallery",)),
    ),
    "oai-pmh": (
        Probe("list-records", lambda world, _: oai("ListRecords", metadataPrefix="oai_dc"), expect_oai_list),
        Probe("get-record", _oai_record, expect_oai_record, tuple(ARTIFACTS)),
    ),
    "api:root": (Probe("about", lambda world, _: reverse("api:root"), expect_no_records),),
    "api:docs": (Probe("about", lambda world, _: reverse("api:docs"), expect_no_records),),
    "api:schema": (Probe("about", lambda world, _: reverse("api:schema"), expect_no_records),),
    "api:artifact-list": (
        Probe("list", lambda world, _: reverse("api:artifact-list"), expect_listed_count),
        Probe(
            "search",
            lambda world, key: reverse("api:artifact-list") + "?q=" + world.code(key),
            expect_search_api,
            tuple(ARTIFACTS),
        ),
    ),
    "api:artifact-detail": (
        artifact_probe(_api_record),
        Probe("photos-and-personal-data", _api_record, expect_api_record, ("gallery",)),
    ),
    "sitemap": (Probe("public-only", lambda world, _: reverse("sitemap"), expect_sitemap),),
    "robots-txt": (Probe("robots", lambda world, _: reverse("robots-txt"), expect_robots),),
    "graphic-preference": (Probe("get", lambda world, _: reverse("graphic-preference"), expect_post_only),),
    "same-object": (Probe("get", lambda world, _: reverse("same-object", args=[_acc(world, HUB)]), expect_post_only),),
    "search-by-picture": (Probe("form", lambda world, _: reverse("search-by-picture"), expect_no_records),),
    "api:photos-similar": (Probe("get", lambda world, _: reverse("api:photos-similar"), expect_post_only),),
    "set-language": (Probe("get", lambda world, _: reverse("set-language"), expect_post_only),),
    "transparency": (Probe("page", lambda world, _: reverse("transparency"), expect_no_records),),
    "transparency-latest": (Probe("head", lambda world, _: reverse("transparency-latest"), expect_log_answer),),
    "transparency-heads": (Probe("list", lambda world, _: reverse("transparency-heads"), expect_log_answer),),
    "transparency-head": (Probe("first", lambda world, _: reverse("transparency-head", args=[1]), expect_log_answer),),
    "transparency-keys": (Probe("keys", lambda world, _: reverse("transparency-keys"), expect_log_answer),),
    "transparency-leaf": (Probe("first", lambda world, _: reverse("transparency-leaf", args=[0]), expect_log_answer),),
    "transparency-inclusion": (
        Probe(
            "first-leaf",
            lambda world, _: reverse("transparency-inclusion") + "?leaf=0&tree_size=1",
            expect_log_answer,
        ),
    ),
    "transparency-consistency": (
        Probe(
            "one-to-one",
            lambda world, _: reverse("transparency-consistency") + "?first=1&second=1",
            expect_log_answer,
        ),
    ),
    "transparency-checker": (Probe("zipapp", lambda world, _: reverse("transparency-checker"), expect_log_answer),),
}


def _target_id(target) -> str:
    return "-".join(target) if isinstance(target, tuple) else str(target or "-")


def cases() -> list[tuple[str, Probe, object, str]]:
    """(test id, probe, target, viewer) for every request the matrix makes."""
    return [
        (f"{name}:{probe.label}:{_target_id(target)}:{viewer}", probe, target, viewer)
        for name, probes in URL_KINDS.items()
        for probe in probes
        for target in probe.targets
        for viewer in VIEWERS
    ]
