"""What the report says that most records of the demo collection share, and small builders
that phrase it once, so that every record words the same fact the same way."""

import datetime

from artifacts.choices import (
    AccessLevel,
    AttributionConfidence,
    CustodyEventType,
    PlacePrecision,
    PublicationStatus,
    TextKind,
    VerificationStatus,
)

# No URL: the report is identified by title, publisher, date and dateline only.
SOURCE = {
    "title": "What the North Koreans took into battle against Ukraine",
    "publisher": "The Washington Post",
    "published_on": datetime.date(2025, 1, 19),
    "dateline": "Sumy region, Ukraine",
}
REPORT = "The Washington Post, “What the North Koreans took into battle against Ukraine”, 19 January 2025"
POST = "The Washington Post"

HOLDING_UNIT = "1st Battalion of Ukraine's 8th Special Operations Forces Regiment"
RECOVERERS = "Ukrainian special forces"
PLACE = "Kursk region, Russia"
ENCLAVE = "the small enclave of Russia's Kursk region that Ukrainian forces have held since August 2024"
WINDOW = "2024-12/2025-01"  # "December 2024 to mid-January 2025": mid-January has no EDTF form, January does.
WINDOW_WORDS = "December 2024 to mid-January 2025"
NOT_PUBLISHED = "Original text not published."

UNVERIFIED = {
    "verification_status": VerificationStatus.UNVERIFIED,
    "verification_assessed_by": "",
    "verification_statement": (
        "The report says the unit holding this item showed it to The Washington Post in January 2025. "
        "It does not say that the item's authenticity was independently verified, and this archive "
        "has not examined it."
    ),
}


def from_the_dead(*, recovery_date=WINDOW, as_reported=WINDOW_WORDS, circumstances, **fields):
    """The fields shared by items 1–10: recovered from the dead, held and shown by the unit."""
    return {
        "recovery_date": recovery_date,
        "recovery_date_as_reported": as_reported,
        "recovery_place": PLACE,
        "recovery_place_precision": PlacePrecision.REGION,
        "recovery_circumstances": circumstances,
        "recovering_unit": RECOVERERS,
        "current_custodian": f"Reported held by the {HOLDING_UNIT} (January 2025)",
        "provenance": (
            f"According to the report, Ukrainian special forces recovered the item from the dead in {ENCLAVE}, "
            f"and the {HOLDING_UNIT} holds it and showed it to The Washington Post in January 2025. The report "
            "does not say which unit took it, or where it has been since."
        ),
        "status": PublicationStatus.PUBLISHED,
        "access_level": AccessLevel.PUBLIC,
        **UNVERIFIED,
        **fields,
    }


def custody_from_the_dead(
    *, occurred=WINDOW, as_reported=WINDOW_WORDS, how="Recovered from North Korean soldiers killed", translated=False
):
    """Custody as the report gives it for items 1–10. The report does not say how the items
    passed from the recovering troops to the holding battalion, so no transfer is invented."""
    events = [
        {
            "event_type": CustodyEventType.RECOVERY,
            "occurred": occurred,
            "occurred_as_reported": as_reported,
            "place": PLACE,
            "received_by": RECOVERERS,
            "received_by_role": "recovering troops",
            "note": f"{how} in {ENCLAVE}. Source: {REPORT}.",
        },
        {
            "event_type": CustodyEventType.SHOWN_TO_PRESS,
            "occurred": "2025-01",
            "occurred_as_reported": "January 2025",
            "released_by": HOLDING_UNIT,
            "released_by_role": "holding unit",
            "received_by": POST,
            "received_by_role": "press",
            "note": (
                "Shown to reporters by the unit that holds it. The report is datelined Sumy region, Ukraine; "
                f"it does not say where the items were shown. Source: {REPORT}."
            ),
        },
    ]
    if translated:
        events.append(
            {
                "event_type": CustodyEventType.TRANSLATION,
                "occurred_as_reported": "not stated; before the report of 19 January 2025",
                "note": f"Translated independently by The Washington Post, which published excerpts. Source: {REPORT}.",
            }
        )
    return events


EQUIPMENT_CIRCUMSTANCES = (
    f"Retrieved in recent weeks from dead North Korean troops in {ENCLAVE}. The report lists body armor, "
    "first aid kits, a shovel, a Ukrainian-made knife, two modern Russian assault rifles and other, "
    "unspecified equipment retrieved in this way; it does not say which were found together. According to "
    "the report, soldiers said the North Koreans were better equipped than Russian infantry."
)
EQUIPMENT_WORDS = f"in recent weeks ({WINDOW_WORDS})"


def equipment(*, title, artifact_type, category, description, item_count=None, country=""):
    return {
        "artifact": from_the_dead(
            as_reported=EQUIPMENT_WORDS,
            circumstances=EQUIPMENT_CIRCUMSTANCES,
            title=title,
            artifact_type=artifact_type,
            description=description,
            item_count=item_count,
        ),
        # Maker, model, calibre and markings are not reported, so they stay empty.
        "object_details": {"category": category, "country_of_manufacture": country},
        "custody": custody_from_the_dead(as_reported=EQUIPMENT_WORDS, how="Retrieved from dead North Korean troops"),
    }


NEW_YEAR_TRANSLATOR = "The Washington Post (independent translation)"
NEW_YEAR_EXCERPTS = [
    "You experienced heartbreaking sacrifices and the joys of costly battle victories, many noble combat "
    "experiences, the priceless feeling of genuine camaraderie and patriotism, all so far away from the "
    "motherland.",
    "I don't even know how I can find the words to properly encourage and express gratitude for your "
    "dedication and tireless efforts.",
    "I really miss you comrades.",
]
YEAR_NOTE = (
    f"The report gives the date without a year; the year follows from when the pages were recovered ({WINDOW_WORDS})."
)


def new_year_page(position, label, date_written):
    return {
        "position": position,
        "label": label,
        "kind": TextKind.WHOLE,
        "translator": NEW_YEAR_TRANSLATOR,
        "date_written": date_written,
        "attributed_author": "Kim Jong Un",
        "attribution_confidence": AttributionConfidence.ATTRIBUTED,
        "note": (
            "A New Year's message attributed to Kim Jong Un, relayed in handwriting. The full text is not "
            f"published, and the report does not say which of the published excerpts come from this page. {YEAR_NOTE}"
        ),
    }


def new_year_excerpt(position, translation):
    return {
        "position": position,
        "kind": TextKind.EXCERPT,
        "label": f"Published excerpt {position - 2}",
        "translation": translation,
        "translator": NEW_YEAR_TRANSLATOR,
        "translation_source": REPORT,
        # Either page: the report does not say which one the excerpt comes from.
        "date_written": "2024-12-31/2025-01-01",
        "attributed_author": "Kim Jong Un",
        "attribution_confidence": AttributionConfidence.ATTRIBUTED,
        "note": f"From one of the two pages; the report does not say which. {NOT_PUBLISHED}",
    }


KHAN = "Amed Khan"
KHAN_ROLE = "American philanthropist who supports Ukrainian special forces"
TYPED_TRANSLATION_NOTE = f"Translated at the request of {KHAN}; the report does not name the translator."


def typed_text(position, label, translation, note, kind):
    return {
        "position": position,
        "label": label,
        "kind": kind,
        "original_language": "ko",
        "translation": translation,
        "translation_source": REPORT if translation else "",
        "note": note,
    }


LANGUAGES = {"ko": "Korean", "ru": "Russian"}
