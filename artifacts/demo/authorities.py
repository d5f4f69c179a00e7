"""The places and organisations the report names, as authority records.

Names are given in English (the report's own wording first), Ukrainian, Korean and, for
places, Russian. Identifiers are given only where they are certain: Russia (Wikidata
Q159, GeoNames 2017370) and The Washington Post (Wikidata Q166032). The report's "Kursk
region" and its units carry none, since the report does not say which formation is meant
("Ukrainian special forces") and this archive has not checked the region's records.
"""

from artifacts.authorities.models import OrganisationKind, PlaceLevel
from artifacts.choices import PlacePrecision
from artifacts.demo.shared import HOLDING_UNIT, KHAN, PLACE, POST, RECOVERERS

# key: (fields, names as (language, name, preferred)); a parent is named by its key.
PLACES = {
    "russia": (
        {
            "level": PlaceLevel.COUNTRY,
            "public_precision": PlacePrecision.COUNTRY,
            "wikidata": "Q159",
            "geonames": 2017370,
        },
        [("en", "Russia", True), ("uk", "Росія", True), ("ko", "러시아", True), ("ru", "Россия", True)],
    ),
    "kursk-region": (
        {
            "level": PlaceLevel.REGION,
            "public_precision": PlacePrecision.REGION,
            "parent": "russia",
            "note": "“Kursk region” as the report names it: the Russian oblast. Identifiers not yet checked.",
        },
        [
            ("en", "Kursk region", True),
            ("en", "Kursk Oblast", False),
            ("uk", "Курська область", True),
            ("uk", "Курщина", False),
            ("ko", "쿠르스크주", True),
            ("ru", "Курская область", True),
        ],
    ),
}
ORGANISATIONS = {
    "special-forces": (
        {
            "kind": OrganisationKind.MILITARY_UNIT,
            "note": "As the report names them; it does not say which formation recovered the items.",
        },
        [
            ("en", RECOVERERS, True),
            ("uk", "українські сили спеціального призначення", True),
            ("ko", "우크라이나 특수부대", True),
        ],
    ),
    "holding-battalion": (
        {"kind": OrganisationKind.MILITARY_UNIT, "note": "As the report names it."},
        [
            ("en", HOLDING_UNIT, True),
            ("uk", "1-й батальйон 8-го полку Сил спеціальних операцій України", True),
            ("ko", "우크라이나 특수작전군 제8연대 제1대대", True),
        ],
    ),
    "ukrainian-troops": (
        {
            "kind": OrganisationKind.MILITARY_UNIT,
            "note": f"Ukrainian troops, unspecified, as {KHAN} described them to the report.",
        },
        [("en", "Ukrainian troops", True), ("uk", "українські військові", True), ("ko", "우크라이나군", True)],
    ),
    "post": (
        {"kind": OrganisationKind.NEWSPAPER, "wikidata": "Q166032"},
        [("en", POST, True), ("uk", POST, True), ("ko", "워싱턴 포스트", True)],
    ),
}
PEOPLE = {
    "khan": (
        {"note": "Named by the report as the person who showed the typed documents to it."},
        [("en", KHAN, True), ("uk", "Амед Хан", True), ("ko", "아메드 칸", True)],
    ),
}
# The wording of the records and the authority it names: (field, wording) → key.
WORDING = {
    ("recovery_place", PLACE): "kursk-region",
    ("recovering_unit", RECOVERERS): "special-forces",
    ("recovering_unit", f"Ukrainian troops (as stated by {KHAN})"): "ukrainian-troops",
    ("current_custodian", f"Reported held by the {HOLDING_UNIT} (January 2025)"): "holding-battalion",
    ("publisher", POST): "post",
}
LINK_FIELDS = {
    "recovery_place": "place",
    "recovering_unit": "recovered_by",
    "current_custodian": "custodian",
    "publisher": "publisher_organisation",
}


# Custody events' wording that names an authority without being one of its names; the
# rest (a party named exactly as an authority is) is linked when the event is recorded.
EVENT_WORDING = {
    ("place", PLACE): "kursk-region",
    ("received_by", f"Ukrainian troops (as stated by {KHAN})"): "ukrainian-troops",
}


def links(values: dict, found: dict) -> dict:
    """The authority links for a record's (or a source's) wording: {link field: authority}."""
    linked = {}
    for field, link in LINK_FIELDS.items():
        key = WORDING.get((field, values.get(field)))
        if field in values:
            linked[link] = found[key] if key else None
    return linked
