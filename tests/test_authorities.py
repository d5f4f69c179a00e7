"""Authority records (artifacts.authorities): names per language, the link a record's
wording gets, merging, and the candidates for merging."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from artifacts.authorities import services
from artifacts.authorities.models import Organisation, Place
from artifacts.models import Artifact, MilitaryIDDetails
from artifacts.search import search_artifacts
from tests.factories import ArtifactFactory, SourceFactory, make_authority

pytestmark = pytest.mark.django_db


def kursk(**fields):
    return make_authority(
        Place,
        [
            ("en", "Kursk region", True),
            ("uk", "Курська область", True),
            ("uk", "Курщина", False),
            ("ko", "쿠르스크주", True),
        ],
        **fields,
    )


def found(query):
    return sorted(a.title for a in search_artifacts(Artifact.objects.all(), query))


def test_an_authority_is_named_in_the_readers_language_else_in_english():
    place = kursk()
    with translation.override("uk"):
        assert (place.label(), place.label_language()) == ("Курська область", "uk")
    with translation.override("ko"):
        assert place.label() == "쿠르스크주"
    assert place.label("ru") == "Kursk region"  # no Russian name: English
    assert str(make_authority(Place, [("ru", "Курская область", False)])) == "Курская область"


def test_wording_without_a_chosen_authority_is_linked_to_the_one_of_that_name_in_any_language():
    place = kursk()
    typed_in_ukrainian = ArtifactFactory(recovery_place="Курщина", recovering_unit="")
    assert typed_in_ukrainian.place == place
    new_wording = ArtifactFactory(recovery_place="Sumy region,  Ukraine", recovering_unit="8th Regiment")
    assert new_wording.place != place and new_wording.place.label() == "Sumy region, Ukraine"
    assert new_wording.recovered_by.label() == "8th Regiment"
    again = ArtifactFactory(recovery_place="Sumy region, Ukraine", recovering_unit="8th Regiment")
    assert (again.place, again.recovered_by) == (new_wording.place, new_wording.recovered_by)
    # A choice the curator made stands, whatever the wording; a custodian is never guessed.
    chosen = ArtifactFactory(recovery_place="near Sudzha", place=place, current_custodian="Reported held by X")
    assert chosen.place == place and chosen.custodian is None
    assert Place.objects.count() == 2  # no "near Sudzha" place
    assert sorted(o.label() for o in Organisation.objects.all()) == ["8th Regiment", "Example Unit"]


def test_search_finds_a_record_by_any_name_of_its_authorities_and_follows_new_names():
    place = kursk()
    ArtifactFactory(title="Letter", recovery_place="Kursk region, Russia", place=place, recovering_unit="")
    ArtifactFactory(title="Helmet", recovery_place="Sumy region", recovering_unit="")
    assert found("Курщина") == found("쿠르스크주") == found("Курська область") == ["Letter"]
    place.names.create(language="ru", name="Курская область")  # indexed again on saving the name
    assert found("Курская") == ["Letter"]


def test_merging_moves_every_link_keeps_the_names_and_leaves_the_merged_record_behind(client):
    russia = make_authority(Place, {"en": "Russia"}, wikidata="Q159")
    keep = kursk(parent=russia)
    duplicate = make_authority(Place, {"en": "Kursk Oblast, Russia"}, geonames=538555)
    village = make_authority(Place, {"en": "Sudzha"}, parent=duplicate)
    artifact = ArtifactFactory(title="Booklet", recovery_place="Kursk Oblast, Russia", recovering_unit="")
    assert artifact.place == duplicate

    services.merge(survivor=keep, merged=duplicate)

    artifact.refresh_from_db()
    duplicate.refresh_from_db()
    village.refresh_from_db()
    keep.refresh_from_db()
    assert artifact.place == keep and artifact.recovery_place == "Kursk Oblast, Russia"  # wording stays
    assert artifact.history.first().history_change_reason == "merge"
    assert duplicate.merged_into == keep and village.parent == keep
    assert keep.geonames == 538555  # an identifier only the merged one had moves over
    assert ("en", "Kursk Oblast, Russia", False) in [(n.language, n.name, n.preferred) for n in keep.names.all()]
    assert found("Kursk Oblast") == ["Booklet"]
    response = client.get(duplicate.get_absolute_url())
    assert (response.status_code, response["Location"]) == (301, keep.get_absolute_url())


def test_two_records_with_different_identifiers_are_not_merged():
    a = make_authority(Organisation, {"en": "Post"}, wikidata="Q166032")
    b = make_authority(Organisation, {"en": "The Post"}, wikidata="Q1")
    with pytest.raises(ValidationError, match="different Wikidata item identifiers"):
        services.merge(survivor=a, merged=b)
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        services.merge(survivor=a, merged=a)
    assert Organisation.objects.filter(merged_into__isnull=False).count() == 0


def test_links_from_sources_and_identity_documents_move_too():
    keep = make_authority(Organisation, {"en": "The Washington Post"}, wikidata="Q166032")
    other = make_authority(Organisation, {"en": "Washington Post"})
    source = SourceFactory(publisher="Washington Post")
    artifact = ArtifactFactory(cited_in=source)
    details = MilitaryIDDetails.objects.create(artifact=artifact, issuing_authority="Washington Post")
    assert source.publisher_organisation == other and details.issuer == other
    services.merge(survivor=keep, merged=other)
    source.refresh_from_db()
    details.refresh_from_db()
    assert source.publisher_organisation == keep and details.issuer == keep


def test_the_survivor_may_have_lain_inside_the_merged_record():
    country = make_authority(Place, {"en": "Russia"})
    region = make_authority(Place, {"en": "Kursk"}, parent=country)
    town = make_authority(Place, {"en": "Kursk (town)"}, parent=region)
    services.merge(survivor=town, merged=region)
    town.refresh_from_db()
    assert town.parent == country  # not its own parent


def test_candidates_for_merging_are_listed_and_nothing_is_merged():
    a = make_authority(Place, {"en": "Kursk region, Russia"})
    b = make_authority(Place, {"en": "Kursk Region,  Russia"})
    make_authority(Place, {"en": "Sumy region, Ukraine"})
    pairs = services.merge_candidates(Place)
    assert [(round(score, 2), first, second) for score, first, second, *_ in pairs] == [(1.0, a.pk, b.pk)]
    assert Place.objects.filter(merged_into__isnull=False).count() == 0


def test_a_place_cannot_lie_inside_itself():
    region = make_authority(Place, {"en": "Kursk"})
    town = make_authority(Place, {"en": "Sudzha"}, parent=region)
    region.parent = town
    with pytest.raises(ValidationError, match="its own ancestor"):
        region.full_clean()
