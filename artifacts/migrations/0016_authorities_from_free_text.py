"""Today's free-text places and organisations become authority records.

Frozen: the grouping rule is written out here, not imported. Two values are the same
authority only when they are the same text once runs of spaces are collapsed ("Kursk
region, Russia" and "Kursk  region, Russia "); anything less alike ("Kursk Region,
Russia", "Курська область") becomes an authority of its own, for a curator to merge:
`manage.py authority_candidates` lists the likely pairs. Nothing is merged silently and
the wording typed into each record stays where it was, beside the new link.

Places come from the recovery place; organisations from the recovering unit, the current
custodian, the publisher of a source and the issuing authority of an ID, one organisation
for one text whichever of those fields it was typed in. Each authority gets the text as
its name, in the catalogue's language (the language records are written in).
Search documents are dropped, to be rebuilt with the authorities' names after `migrate`.
"""

from django.conf import settings
from django.db import migrations


def _key(text: str) -> str:
    return " ".join(text.split())


def _authorities(model, name_model, link, values, language):
    """One authority per distinct text; returns {text: authority}."""
    made = {}
    for text in sorted(values):
        authority = model.objects.create(
            note="Made from the wording of existing records when authorities were introduced."
        )
        name_model.objects.create(**{link: authority}, language=language, name=text[:200], preferred=True)
        made[text] = authority
    return made


def _distinct(model, field):
    """{normalised text: [raw values typed]} over one column: distinct values only, so the
    cost follows the number of different texts, not of records."""
    grouped = {}
    for raw in model.objects.order_by().values_list(field, flat=True).distinct():
        if raw and _key(raw):
            grouped.setdefault(_key(raw), []).append(raw)
    return grouped


def forwards(apps, schema_editor):
    Artifact = apps.get_model("artifacts", "Artifact")
    Source = apps.get_model("artifacts", "Source")
    MilitaryIDDetails = apps.get_model("artifacts", "MilitaryIDDetails")
    Place = apps.get_model("artifacts", "Place")
    PlaceName = apps.get_model("artifacts", "PlaceName")
    Organisation = apps.get_model("artifacts", "Organisation")
    OrganisationName = apps.get_model("artifacts", "OrganisationName")
    language = getattr(settings, "ARCHIVE_CATALOGUE_LANGUAGE", "en") or "en"

    place_texts = _distinct(Artifact, "recovery_place")
    places = _authorities(Place, PlaceName, "place", set(place_texts), language)
    # Plain UPDATEs: no save() signals and no history rows, since no record's own wording changes.
    for text, raws in place_texts.items():
        Artifact.objects.filter(recovery_place__in=raws).update(place=places[text])

    # (model, text field, link field): one organisation for one text, whichever field it is in.
    columns = [
        (Artifact, "recovering_unit", "recovered_by"),
        (Artifact, "current_custodian", "custodian"),
        (Source, "publisher", "publisher_organisation"),
        (MilitaryIDDetails, "issuing_authority", "issuer"),
    ]
    found = [(model, link, _distinct(model, field), field) for model, field, link in columns]
    texts = set().union(*(grouped for _model, _link, grouped, _field in found))
    organisations = _authorities(Organisation, OrganisationName, "organisation", texts, language)
    for model, link, grouped, field in found:
        for text, raws in grouped.items():
            model.objects.filter(**{f"{field}__in": raws}).update(**{link: organisations[text]})

    # Search documents are derived data and now lack the authorities' names; the live
    # indexer writes them again after `migrate` (index_missing_after_migrate), as it does
    # for any document a migration leaves out.
    apps.get_model("artifacts", "SearchDocument").objects.all().delete()


def backwards(apps, schema_editor):
    # The wording never moved, so undoing only drops the links and the authorities.
    Artifact = apps.get_model("artifacts", "Artifact")
    apps.get_model("artifacts", "Source").objects.update(publisher_organisation=None)
    apps.get_model("artifacts", "MilitaryIDDetails").objects.update(issuer=None)
    Artifact.objects.update(place=None, recovered_by=None, custodian=None)
    for model in ("PlaceName", "OrganisationName", "Place", "Organisation"):
        apps.get_model("artifacts", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0015_authorities")]

    operations = [migrations.RunPython(forwards, backwards)]
