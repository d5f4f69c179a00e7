"""Which parts of the artifact form each type of artifact records.

The artifact form has an inline for every kind of detail, but a rifle has no phrases and a
letter no calibre: showing everything made every entry a 5,700 px page. The form shows the
inlines of the chosen (or saved) type, plus the ones every record has, plus any inline
that already holds rows, so that changing the type never hides data that exists.
"""

from django.forms.models import _get_foreign_key
from django.utils.translation import gettext_lazy as _

from artifacts.choices import ArtifactType
from artifacts.models import (
    CustodyEvent,
    MilitaryIDDetails,
    ObjectDetails,
    PersonalDatum,
    Photo,
    Phrase,
    Relation,
    SerialNumber,
    SourceCitation,
    Text,
)

# Every record: its images, who reported it, how it relates to others and its chain of custody.
COMMON = (Photo, SourceCitation, Relation, CustodyEvent)

# What each type records besides. Personal data belongs with texts as well as with IDs:
# letters and documents name people (a datum can point at the text it occurs in). A phrase
# list may also carry a text: the sheet as a whole, beside its separate phrases.
INLINES_BY_TYPE = {
    ArtifactType.WEAPON: (ObjectDetails, SerialNumber),
    ArtifactType.GEAR: (ObjectDetails, SerialNumber),
    ArtifactType.MILITARY_ID: (MilitaryIDDetails, PersonalDatum),
    ArtifactType.HANDWRITTEN: (Text, PersonalDatum),
    ArtifactType.TYPED_DOCUMENT: (Text, PersonalDatum),
    ArtifactType.BOOKLET: (Text, PersonalDatum),
    ArtifactType.PHRASE_LIST: (Phrase, Text),
    # A kind the archive has no shape for yet may need any detail: nothing is held back.
    ArtifactType.OTHER: (ObjectDetails, SerialNumber, MilitaryIDDetails, PersonalDatum, Text, Phrase),
}

# What a new record of the type is entered with: a blank row of each, ready to fill, and
# the values most entries start from (an untouched blank row is not saved).
STARTER_INITIAL = {
    PersonalDatum: {ArtifactType.MILITARY_ID: {"field": "name"}},
    CustodyEvent: {None: {"event_type": "recovery"}},  # a new record's chain starts with its recovery
}
STARTER_COMMON = (SourceCitation, CustodyEvent)

# What the first step says each type records, in the order curators meet them most.
DESCRIPTIONS = {
    ArtifactType.MILITARY_ID: _("The document's details and the personal data it carries."),
    ArtifactType.WEAPON: _("Manufacturer, model, calibre, markings and serial numbers."),
    ArtifactType.GEAR: _("Manufacturer, model, markings and serial numbers."),
    ArtifactType.HANDWRITTEN: _("Its texts, with translations, and the people they name."),
    ArtifactType.TYPED_DOCUMENT: _("Its texts, with translations, and the people they name."),
    ArtifactType.BOOKLET: _("Its texts, with translations, and the people they name."),
    ArtifactType.PHRASE_LIST: _("Its phrases, each with its translation."),
    ArtifactType.OTHER: _("Every kind of detail, for an artifact that fits none of the above."),
}


def valid_type(value) -> str | None:
    return value if value in ArtifactType.values else None


def models_for(artifact_type: str | None) -> tuple:
    return COMMON + INLINES_BY_TYPE.get(artifact_type, INLINES_BY_TYPE[ArtifactType.OTHER])


def holds_rows(inline, obj) -> bool:
    if obj is None or obj.pk is None:
        return False
    fk = _get_foreign_key(inline.parent_model, inline.model, fk_name=inline.fk_name)
    return inline.model._default_manager.filter(**{fk.name: obj}).exists()


def shown(inline, artifact_type: str | None, obj) -> bool:
    return inline.model in models_for(artifact_type) or holds_rows(inline, obj)


def starts_with_a_row(model, artifact_type: str | None) -> bool:
    """On the add form: the type's own details and the common first entries get a blank row.
    Photos do not: the "Add photos" input takes any number of files at once."""
    if model in STARTER_COMMON:
        return True
    return artifact_type != ArtifactType.OTHER and model in INLINES_BY_TYPE.get(artifact_type, ())


def starter_initial(model, artifact_type: str | None) -> dict:
    by_type = STARTER_INITIAL.get(model, {})
    return dict(by_type.get(artifact_type) or by_type.get(None) or {})


def type_choices() -> list[dict]:
    return [
        {"value": value, "label": ArtifactType(value).label, "description": description}
        for value, description in DESCRIPTIONS.items()
    ]
