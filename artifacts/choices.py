"""Controlled vocabularies shared by models, filters, forms and exports.

Labels are marked for translation (lazily: they are read in the language of each request);
the stored values are not, and neither is CUSTODY_TERM_MAP, which names terms of the PREMIS
and Spectrum standards.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessLevel(models.IntegerChoices):
    """Who may see a record. Ordered: a viewer sees every level up to their own."""

    PUBLIC = 0, pgettext_lazy("access level", "Public")
    RESEARCHERS = 1, _("Researchers (vetted accounts)")
    STAFF = 2, _("Staff only")


class PublicationStatus(models.TextChoices):
    """Where a record is on its way to the public: only PUBLISHED is ever public. The moves
    between them are artifacts.publication's, with who and when."""

    DRAFT = "draft", _("Draft (staff only)")
    READY = "ready", _("Ready for review")
    PUBLISHED = "published", pgettext_lazy("publication status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("publication status", "Withdrawn")


class ArtifactType(models.TextChoices):
    PHRASE_LIST = "phrase_list", _("Phrase list")
    HANDWRITTEN = "handwritten", _("Handwritten letter or message")
    TYPED_DOCUMENT = "typed_document", _("Typed document")
    BOOKLET = "booklet", _("Booklet")
    MILITARY_ID = "military_id", _("Military ID")
    WEAPON = "weapon", _("Weapon")
    GEAR = "gear", _("Gear or equipment")
    OTHER = "other", pgettext_lazy("artifact type", "Other")


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    CONSISTENT = "consistent", _("Consistent with other materials")
    VERIFIED = "verified", _("Independently verified")
    DISPUTED = "disputed", _("Disputed")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("Exact location")
    LOCALITY = "locality", _("Town or village")
    DISTRICT = "district", _("District")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")
    UNKNOWN = "unknown", pgettext_lazy("place precision", "Unknown")


class Script(models.TextChoices):
    CYRILLIC = "Cyrl", _("Cyrillic")
    LATIN = "Latn", _("Latin")
    HANGUL = "Hang", _("Hangul")


class TextKind(models.TextChoices):
    WHOLE = "whole", _("Whole text or page")
    EXCERPT = "excerpt", _("Published excerpt")
    FRAGMENT = "fragment", _("Quoted fragment")
    SUMMARY = "summary", _("Source's summary (not the text's own words)")


class AttributionConfidence(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("attribution confidence", "Confirmed")
    PROBABLE = "probable", pgettext_lazy("attribution confidence", "Probable")
    POSSIBLE = "possible", pgettext_lazy("attribution confidence", "Possible")
    ATTRIBUTED = "attributed", _("Attributed in the source, not confirmed")
    UNKNOWN = "unknown", pgettext_lazy("attribution confidence", "Unknown")


class RelationType(models.TextChoices):
    RECOVERED_TOGETHER = "recovered_together", _("Recovered together with")
    SAME_PERSON = "same_person", _("Carried by the same person as")
    SAME_CACHE = "same_cache", _("From the same cache as")
    PART_OF = "part_of", _("Part of")
    SAME_OBJECT = "same_object", _("The same object as")


class PersonalField(models.TextChoices):
    NAME = "name", pgettext_lazy("personal data", "Name")
    SERVICE_NUMBER = "service_number", _("Service or document number")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    PLACE_OF_BIRTH = "place_of_birth", _("Place of birth")
    RANK = "rank", pgettext_lazy("personal data", "Rank")
    UNIT = "unit", pgettext_lazy("personal data", "Unit")
    OTHER = "other", _("Other personal detail")


class ObjectCategory(models.TextChoices):
    ASSAULT_RIFLE = "assault_rifle", _("Assault rifle")
    KNIFE = "knife", _("Knife")
    BODY_ARMOR = "body_armor", _("Body armor")
    MEDICAL = "medical", _("Medical / first aid")
    TOOL = "tool", _("Tool")
    OTHER = "other", pgettext_lazy("object category", "Other")


class CustodyEventType(models.TextChoices):
    """Custody vocabulary; the PREMIS / Spectrum term each maps to is in CUSTODY_TERM_MAP."""

    RECOVERY = "recovery", pgettext_lazy("custody event", "Recovered")
    INTAKE = "intake", _("Received (intake)")
    TRANSFER = "transfer", pgettext_lazy("custody event", "Transferred")
    MOVEMENT = "movement", _("Moved / stored")
    EXAMINATION = "examination", pgettext_lazy("custody event", "Examined")
    DIGITISATION = "digitisation", _("Photographed / digitised")
    TRANSLATION = "translation", pgettext_lazy("custody event", "Translated")
    SHOWN_TO_PRESS = "shown_to_press", _("Shown to press")
    CONSERVATION = "conservation", pgettext_lazy("custody event", "Conservation")
    CONDITION_CHECK = "condition_check", _("Condition check")
    LOAN = "loan", pgettext_lazy("custody event", "Loaned")
    RETURN = "return", pgettext_lazy("custody event", "Returned")
    REDACTION = "redaction", pgettext_lazy("custody event", "Redaction")
    EXIT = "exit", _("Exit from custody")
    DISPOSAL = "disposal", pgettext_lazy("custody event", "Disposal")
    FIXITY_CHECK = "fixity_check", _("Fixity check")
    CORRECTION = "correction", _("Correction of an earlier event")


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
