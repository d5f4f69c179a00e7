from artifacts.annotations.models import PhotoAnnotation
from artifacts.authorities.events import EventLink
from artifacts.authorities.models import (
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
)
from artifacts.caching.models import DataGeneration
from artifacts.custody.models import (
    AppendOnlyError,
    CustodyAttachment,
    CustodyEvent,
    HeadTimestamp,
    LogLeaf,
    LogNode,
    SigningKey,
    TreeHead,
)
from artifacts.models.artifact import AccessionCounter, Artifact, Language, Source, SourceCitation
from artifacts.models.objects import MilitaryIDDetails, ObjectDetails, PersonalDatum, SerialNumber, normalize_serial
from artifacts.models.photos import ILLUSTRATION_NOTICE, Photo
from artifacts.models.relations import Relation
from artifacts.models.search import SearchDocument
from artifacts.models.texts import Phrase, Text
from artifacts.similarity.models import ImageFingerprint

__all__ = [
    "AccessionCounter",
    "AppendOnlyError",
    "Artifact",
    "CustodyAttachment",
    "CustodyEvent",
    "DataGeneration",
    "HeadTimestamp",
    "ImageFingerprint",
    "ILLUSTRATION_NOTICE",
    "Language",
    "LogLeaf",
    "LogNode",
    "MilitaryIDDetails",
    "ObjectDetails",
    "PersonalDatum",
    "Phrase",
    "Photo",
    "PhotoAnnotation",
    "Relation",
    "SearchDocument",
    "SerialNumber",
    "SigningKey",
    "Source",
    "SourceCitation",
    "Text",
    "TreeHead",
    "normalize_serial",
    "EventLink",
    "Organisation",
    "OrganisationName",
    "Person",
    "PersonName",
    "Place",
    "PlaceName",
]
