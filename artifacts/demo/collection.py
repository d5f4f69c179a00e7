"""The first collection: what North Korean soldiers carried in Russia's Kursk region, as
described by one news report.

Every record says only what the report states, in the archive's own words, and cites the
report. Where the report is vague, the record stays vague (EDTF ranges, a region rather
than a place); where it does not publish something (a Korean original, a maker, a count),
the field stays empty. Quoted words are the artifacts' own content in the report's
translation and are kept verbatim; the report's paraphrases are labelled as such.

Judgements made here, and why:

* Recovery. The report says Ukrainian special forces recovered the objects from the dead
  and that the 1st Battalion of Ukraine's 8th Special Operations Forces Regiment holds
  them and showed them to reporters. It does not say that this battalion took each item,
  so the recovering unit is "Ukrainian special forces" and the battalion is named as the
  reported holder. The report names soldiers by first name only; the archive names none.
* Verification. The report makes an authenticity assessment only for the typed documents
  ("consistent with other North Korean materials"). Everything else was shown to The Post
  by the unit holding it, with no verification stated, so it stays "unverified" and no
  assessor is named.
* The two New Year's pages are one record of two items: the report describes them
  together and publishes three excerpts without saying which page each comes from.
  Splitting them would force each excerpt onto a page it may not belong to. Each page
  keeps its own dated entry; the excerpts sit beside them, dated to either day.
* Relations: none. The report never says two objects were found together, on the same
  soldier or in the same cache.
* Unspecified "equipment" gets no record of its own: nothing about it is known beyond
  the word, so it is mentioned in the circumstances of the items retrieved alongside it.
* Not recorded at all: images of the body of a North Korean soldier and the DNA swabs
  officials took from it. They are not an artifact this archive holds or describes, and a
  record of human remains adds nothing a researcher could use here while carrying a risk
  of exposure; the report remains the place to read about them.
"""

from artifacts.choices import (
    AccessLevel,
    ArtifactType,
    CustodyEventType,
    ObjectCategory,
    PlacePrecision,
    PublicationStatus,
    TextKind,
    VerificationStatus,
)
from artifacts.demo.shared import (
    ENCLAVE,
    KHAN,
    KHAN_ROLE,
    LANGUAGES,
    NEW_YEAR_EXCERPTS,
    NOT_PUBLISHED,
    PLACE,
    POST,
    REPORT,
    SOURCE,
    TYPED_TRANSLATION_NOTE,
    custody_from_the_dead,
    equipment,
    from_the_dead,
    new_year_excerpt,
    new_year_page,
    typed_text,
)

__all__ = ["ARTIFACTS", "LANGUAGES", "SOURCE"]

ARTIFACTS = [
    {
        "artifact": from_the_dead(
            title="Phrase list of 23 Korean and Russian phrases",
            artifact_type=ArtifactType.PHRASE_LIST,
            description=(
                "A weathered piece of paper with 23 phrases in Korean and Russian, printed in Korean with rough "
                "Russian transliterations. The report says the list was apparently prepared by Russia so that "
                "North Korean troops could take Ukrainian prisoners. It publishes three of the phrases, in "
                "English only; the other 20, and the Korean and Russian wording of all 23, are not published. "
                "The order of the phrases on the sheet is not published either: the three are listed here in "
                "the order the report gives them."
            ),
            materials="Paper",
            condition="Weathered",
            item_count=23,
            recovery_date="2025-01",
            as_reported="in January 2025",
            circumstances=f"Taken off a dead North Korean soldier in {ENCLAVE}.",
        ),
        "languages": ["ko", "ru"],
        # Positions follow the report, not the sheet (see the description); originals are not published.
        "phrases": [
            {"position": 1, "order_known": False, "translation": "Resistance is futile.", "translation_source": POST},
            {"position": 2, "order_known": False, "translation": "Surrender.", "translation_source": POST},
            {"position": 3, "order_known": False, "translation": "You're all surrounded.", "translation_source": POST},
        ],
        "custody": custody_from_the_dead(
            occurred="2025-01", as_reported="in January 2025", how="Taken off a dead North Korean soldier"
        ),
        "illustration": "phrase_list",
    },
    {
        "artifact": from_the_dead(
            title="Two handwritten New Year's messages, dated 31 December and 1 January",
            artifact_type=ArtifactType.HANDWRITTEN,
            description=(
                "Two handwritten pages relaying New Year's messages attributed to Kim Jong Un, one dated "
                "31 December and the other 1 January. Their origin is unclear: the report says they were either "
                "sent from Pyongyang or written down by soldiers as commanders read the messages aloud. The "
                "Washington Post translated them independently and published three excerpts without saying "
                "which page each comes from, so the two pages are described here as one record. The full text "
                "of neither page is published."
            ),
            item_count=2,
            circumstances=(
                f"Recovered from North Korean soldiers killed in {ENCLAVE}. The report does not say whether the "
                "two pages were found together or on the same soldier."
            ),
        ),
        "texts": [
            new_year_page(1, "Page dated 31 December", "2024-12-31"),
            new_year_page(2, "Page dated 1 January", "2025-01-01"),
            *(new_year_excerpt(index, excerpt) for index, excerpt in enumerate(NEW_YEAR_EXCERPTS, start=3)),
        ],
        "custody": custody_from_the_dead(translated=True),
        "illustration": "new_year_pages",
    },
    {
        "artifact": from_the_dead(
            title="Booklet of handwritten song lyrics",
            artifact_type=ArtifactType.BOOKLET,
            description=(
                "A small booklet filled with handwritten lyrics to patriotic North Korean songs. The report "
                "publishes one line, in English; the rest of the booklet, and the original of that line, are "
                "not published."
            ),
            # "In the week before the report" (19 January 2025): the start is approximate, the end is not.
            recovery_date="2025-01-12~/2025-01-19",
            as_reported="found in the week before the report of 19 January 2025",
            circumstances=(
                "Found on a North Korean soldier in the week before the report, which says the items it describes "
                f"were recovered from North Korean soldiers killed in {ENCLAVE}."
            ),
        ),
        "texts": [
            {
                "position": 1,
                "label": "Published line",
                "kind": TextKind.EXCERPT,
                "translation": "My fate is always shared with the motherland.",
                "translation_source": REPORT,
                "note": f"{NOT_PUBLISHED} The report does not name the translator.",
            }
        ],
        "custody": custody_from_the_dead(
            occurred="2025-01-12~/2025-01-19",
            as_reported="found in the week before the report of 19 January 2025",
            how="Found on a North Korean soldier",
        ),
        "illustration": "booklet",
    },
    {
        "artifact": from_the_dead(
            title="Military identity documents of North Korean soldiers",
            artifact_type=ArtifactType.MILITARY_ID,
            description=(
                "Military identity documents of North Korean soldiers killed in the Kursk region. The report "
                "does not say how many there are. Personal data on the documents is not published; the archive "
                "holds none."
            ),
            circumstances=f"Recovered from North Korean soldiers killed in {ENCLAVE}.",
        ),
        "custody": custody_from_the_dead(),
    },
    equipment(
        title="Body armor",
        artifact_type=ArtifactType.GEAR,
        category=ObjectCategory.BODY_ARMOR,
        description="Body armor retrieved from dead North Korean troops. The report gives no maker, model or count.",
    ),
    equipment(
        title="First aid kits",
        artifact_type=ArtifactType.GEAR,
        category=ObjectCategory.MEDICAL,
        description="First aid kits retrieved from dead North Korean troops. The report does not say how many.",
    ),
    equipment(
        title="Shovel",
        artifact_type=ArtifactType.GEAR,
        category=ObjectCategory.TOOL,
        description="A shovel retrieved from dead North Korean troops. The report gives no maker or model.",
    ),
    equipment(
        title="Ukrainian-made knife",
        artifact_type=ArtifactType.GEAR,
        category=ObjectCategory.KNIFE,
        country="Ukraine",
        description=(
            "A knife the report describes as Ukrainian-made, retrieved from dead North Korean troops. "
            "The report gives no maker or model, and does not say how the soldier came to carry it."
        ),
    ),
    equipment(
        title="Two modern Russian assault rifles",
        artifact_type=ArtifactType.WEAPON,
        category=ObjectCategory.ASSAULT_RIFLE,
        country="Russia",
        item_count=2,
        description=(
            "Two assault rifles the report describes as modern and Russian, retrieved from dead North Korean "
            "troops and recorded here as one lot. Maker, model, calibre and serial numbers are not reported."
        ),
    ),
    {
        "artifact": {
            "title": "Typed Korean documents recording combat experience",
            "artifact_type": ArtifactType.TYPED_DOCUMENT,
            "description": (
                "Typed documents in Korean that record combat experience in detail. They are a separate cache "
                f"from the other items in this collection: {KHAN}, an {KHAN_ROLE}, showed them to The "
                "Washington Post and said Ukrainian troops had seized them in Kursk. The report publishes one "
                "passage and summarises others, quoting some of their words. How many documents there are is "
                "not stated."
            ),
            # The report gives no date for the seizure; an empty EDTF date reads "date not known".
            "recovery_date": "",
            "recovery_date_as_reported": "not stated",
            "recovery_place": PLACE,
            "recovery_place_precision": PlacePrecision.REGION,
            "recovery_circumstances": f"Seized in Kursk by Ukrainian troops, according to {KHAN}.",
            "recovering_unit": f"Ukrainian troops (as stated by {KHAN})",
            "current_custodian": f"Not stated; shown to The Washington Post by {KHAN}",
            "provenance": (
                f"Shown to The Washington Post by {KHAN}, an {KHAN_ROLE}. He said Ukrainian troops seized the "
                "documents in Kursk and that he had them translated; the report does not name the translator, "
                "and does not say who holds the documents now."
            ),
            "verification_status": VerificationStatus.CONSISTENT,
            "verification_assessed_by": POST,
            "verification_statement": (
                "The Washington Post could not independently verify the documents' authenticity; they appeared "
                "consistent with other North Korean materials it had reviewed (as reported)."
            ),
            "status": PublicationStatus.PUBLISHED,
            "access_level": AccessLevel.PUBLIC,
        },
        "languages": ["ko"],
        "texts": [
            typed_text(
                1,
                "Published excerpt",
                "In modern warfare, where real-time reconnaissance and drone strikes are conducted, failing to "
                "disperse combat teams into smaller units of two to three members could lead to significant "
                "casualties from enemy drones and artillery.",
                f"{TYPED_TRANSLATION_NOTE} Korean original not published.",
                TextKind.EXCERPT,
            ),
            typed_text(
                2,
                "Quoted words from a passage the report summarises",
                "prolonged the battle",
                "The report's summary of the passage: some troops killed Ukrainian soldiers who tried to "
                "surrender, which “prolonged the battle”. Only the quoted words are the documents' own, in "
                f"translation. {TYPED_TRANSLATION_NOTE}",
                TextKind.FRAGMENT,
            ),
            typed_text(
                3,
                "Passage the report summarises without quoting",
                "",
                "The report's summary of the passage: some troops repeatedly rushed to rescue wounded comrades, "
                "causing further casualties. The documents' own words are not published.",
                TextKind.SUMMARY,
            ),
            typed_text(
                4,
                "Quoted words from a passage the report summarises",
                "with crucial details such as enemy strongholds, drone launch sites, or artillery positions, and "
                "thus entered the battlefield unprepared.",
                "The report's summary of the passage: some troops had not been provided “with crucial details "
                "…”. Only the quoted words are the documents' own, in translation. "
                f"{TYPED_TRANSLATION_NOTE}",
                TextKind.FRAGMENT,
            ),
        ],
        "custody": [
            {
                "event_type": CustodyEventType.RECOVERY,
                "occurred_as_reported": "not stated",
                "place": PLACE,
                "received_by": f"Ukrainian troops (as stated by {KHAN})",
                "received_by_role": "recovering troops",
                "note": (
                    f"{KHAN} told The Washington Post that Ukrainian troops seized the documents in Kursk. The "
                    f"report does not say when, or which unit. Source: {REPORT}."
                ),
            },
            {
                "event_type": CustodyEventType.TRANSLATION,
                "occurred_as_reported": "not stated",
                "note": (
                    f"{TYPED_TRANSLATION_NOTE} The report does not say when, or whether before or after the "
                    "documents were shown to The Washington Post."
                ),
            },
            {
                "event_type": CustodyEventType.SHOWN_TO_PRESS,
                "occurred_as_reported": "not stated; before the report of 19 January 2025",
                "released_by": KHAN,
                "released_by_role": KHAN_ROLE,
                "received_by": POST,
                "received_by_role": "press",
                "note": (
                    f"The report does not say whether {KHAN} showed the originals or copies, or who holds the "
                    f"documents now. Source: {REPORT}."
                ),
            },
        ],
    },
]
