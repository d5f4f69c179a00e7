"""Controlled vocabularies shared by models, filters, forms and exports."""

from django.db import models


class AccessLevel(models.IntegerChoices):
    """Who may see a record. Ordered: a viewer sees every level up to their own."""

    PUBLIC = 0, "Public"
    RESEARCHERS = 1, "Researchers (vetted accounts)"
    STAFF = 2, "Staff only"


class PublicationStatus(models.TextChoices):
    """Where a record is on its way to the public: only PUBLISHED is ever public. The moves
    between them are artifacts.publication's, with who and when."""

    DRAFT = "draft", "Draft (staff only)"
    READY = "ready", "Ready for review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ArtifactType(models.TextChoices):
    PHRASE_LIST = "phrase_list", "Phrase list"
    HANDWRITTEN = "handwritten", "Handwritten letter or message"
    TYPED_DOCUMENT = "typed_document", "Typed document"
    BOOKLET = "booklet", "Booklet"
    MILITARY_ID = "military_id", "Military ID"
    WEAPON = "weapon", "Weapon"
    GEAR = "gear", "Gear or equipment"
    OTHER = "other", "Other"


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    CONSISTENT = "consistent", "Consistent with other materials"
    VERIFIED = "verified", "Independently verified"
    DISPUTED = "disputed", "Disputed"


class PlacePrecision(models.TextChoices):
    EXACT = "exact", "Exact location"
    LOCALITY = "locality", "Town or village"
    DISTRICT = "district", "District"
    REGION = "region", "Region"
    COUNTRY = "country", "Country"
    UNKNOWN = "unknown", "Unknown"


class Script(models.TextChoices):
    CYRILLIC = "Cyrl", "Cyrillic"
    LATIN = "Latn", "Latin"
    HANGUL = "Hang", "Hangul"


class TextKind(models.TextChoices):
    WHOLE = "whole", "Whole text or page"
    EXCERPT = "excerpt", "Published excerpt"
    FRAGMENT = "fragment", "Quoted fragment"
    SUMMARY = "summary", "Source's summary (not the text's own words)"


class AttributionConfidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    PROBABLE = "probable", "Probable"
    POSSIBLE = "possible", "Possible"
    ATTRIBUTED = "attributed", "Attributed in the source, not confirmed"
    UNKNOWN = "unknown", "Unknown"


class RelationType(models.TextChoices):
    RECOVERED_TOGETHER = "recovered_together", "Recovered together with"
    SAME_PERSON = "same_person", "Carried by the same person as"
    SAME_CACHE = "same_cache", "From the same cache as"
    PART_OF = "part_of", "Part of"


class PersonalField(models.TextChoices):
    NAME = "name", "Name"
    SERVICE_NUMBER = "service_number", "Service or document number"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    PLACE_OF_BIRTH = "place_of_birth", "Place of birth"
    RANK = "rank", "Rank"
    UNIT = "unit", "Unit"
    OTHER = "other", "Other personal detail"


class ObjectCategory(models.TextChoices):
    ASSAULT_RIFLE = "assault_rifle", "Assault rifle"
    KNIFE = "knife", "Knife"
    BODY_ARMOR = "body_armor", "Body armor"
    MEDICAL = "medical", "Medical / first aid"
    TOOL = "tool", "Tool"
    OTHER = "other", "Other"


class CustodyEventType(models.TextChoices):
    """Custody vocabulary; the PREMIS / Spectrum term each maps to is in CUSTODY_TERM_MAP."""

    RECOVERY = "recovery", "Recovered"
    INTAKE = "intake", "Received (intake)"
    TRANSFER = "transfer", "Transferred"
    MOVEMENT = "movement", "Moved / stored"
    EXAMINATION = "examination", "Examined"
    DIGITISATION = "digitisation", "Photographed / digitised"
    TRANSLATION = "translation", "Translated"
    SHOWN_TO_PRESS = "shown_to_press", "Shown to press"
    CONSERVATION = "conservation", "Conservation"
    CONDITION_CHECK = "condition_check", "Condition check"
    LOAN = "loan", "Loaned"
    RETURN = "return", "Returned"
    REDACTION = "redaction", "Redaction"
    EXIT = "exit", "Exit from custody"
    DISPOSAL = "disposal", "Disposal"
    FIXITY_CHECK = "fixity_check", "Fixity check"
    CORRECTION = "correction", "Correction of an earlier event"


# PREMIS event type / Spectrum 5.1 procedure that each custody event type corresponds to.
CUSTODY_TERM_MAP = {
    "recovery": ("capture", "Object entry"),
    "intake": ("ingestion", "Object entry"),
    "transfer": ("transfer", "Loans out / Object exit"),
    "movement": ("relocation", "Location and movement control"),
    "examination": ("validation", "Collections review"),
    "digitisation": ("digitization", "Reproduction"),
    "translation": ("creation", "Cataloguing"),
    "shown_to_press": ("dissemination", "Use of collections"),
    "conservation": ("modification", "Conservation and collections care"),
    "condition_check": ("validation", "Condition checking and technical assessment"),
    "loan": ("transfer", "Loans out"),
    "return": ("transfer", "Loans in"),
    "redaction": ("redaction", "Rights management"),
    "exit": ("transfer", "Object exit"),
    "disposal": ("deaccession", "Deaccessioning and disposal"),
    "fixity_check": ("fixity check", "Audit"),
    "correction": ("metadata modification", "Cataloguing"),
}
