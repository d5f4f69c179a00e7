"""A shared relevance corpus: a small multilingual collection and what researchers typing
into the catalog should find in it, on every database.

The collection is the demo collection's records (as the report gives them: English
translations only) and records written for this corpus in the scripts the archive
holds: Korean in Hangul, Russian, Korean in Cyrillic transliteration, Latin
transliterations, English translations, serial numbers with Cyrillic letters. They are
test fixtures, not evidence: nothing here is loaded into an archive.

Each case names the records a query must find (exactly), and where the ranking is not a
matter of taste, the record that must come first.
"""

from dataclasses import dataclass

from artifacts.choices import AccessLevel, PublicationStatus

PLAIN = {
    "description": "",
    "recovery_place": "",
    "recovering_unit": "",
    "recovery_date": "",
    "status": PublicationStatus.PUBLISHED,
    "access_level": AccessLevel.PUBLIC,
}

# key → artifact fields, and its children.
RECORDS = {
    "leaflet": {
        "artifact": {"title": "Leaflet with Korean surrender phrases", "artifact_type": "phrase_list"},
        "phrases": [
            {
                "original_text": "항복하라! 너희는 포위되었다.",
                "transliteration": "Хангбокхара! Нохынын пховидвеотта.",
                "transliteration_script": "Cyrl",
                "translation": "Surrender! You are surrounded.",
            },
            {
                "original_text": "저항은 무의미하다.",
                "transliteration": "Чоханъын мууимихада.",
                "transliteration_script": "Cyrl",
                "translation": "Resistance is futile.",
            },
            {
                "original_text": "무기를 버려라.",
                "transliteration": "Мугирыль порёра.",
                "transliteration_script": "Cyrl",
                "translation": "Throw down your weapons.",
            },
        ],
    },
    "phrasebook": {
        "artifact": {"title": "Russian phrasebook page", "artifact_type": "typed_document"},
        "texts": [
            {
                "original_text": "Сдавайся! Ты окружён. Сопротивление бесполезно. Руки вверх!",
                "original_language": "ru",
                "transliteration": "Sdavaysya! Ty okruzhyon. Soprotivleniye bespolezno. Ruki vverkh!",
                "transliteration_script": "Latn",
                "translation": "Surrender! You are surrounded. Resistance is useless. Hands up!",
            }
        ],
    },
    "diary": {
        "artifact": {"title": "Diary page about the New Year in the forest", "artifact_type": "handwritten"},
        "texts": [
            {
                "original_text": "조국을 떠나 멀리 와서 눈 덮인 숲에서 새해를 맞았다. 동무들이 그립다.",
                "original_language": "ko",
                "translation": "Far from the motherland, we greeted the New Year in a snow-covered forest. "
                "I miss my comrades.",
            }
        ],
    },
    "drone_notebook": {
        "artifact": {"title": "Notebook with instructions against drone attacks", "artifact_type": "booklet"},
        "texts": [
            {
                "original_text": "무인기 공격에 대비하여 전투조를 두세 명씩 분산시켜야 한다. 포병 진지를 정찰하라.",
                "original_language": "ko",
                "translation": "To guard against drone attacks, combat teams must be dispersed in twos and "
                "threes. Reconnoitre the artillery positions.",
            }
        ],
    },
    "map": {
        "artifact": {"title": "Map with Russian annotations", "artifact_type": "other"},
        "texts": [
            {
                "original_text": "Курская область, Суджанский район. Позиции противника у моста через реку.",
                "original_language": "ru",
                "translation": "Kursk region, Sudzha district. Enemy positions by the bridge across the river.",
            }
        ],
    },
    "comrades_card": {
        "artifact": {"title": "Card with a slogan", "artifact_type": "handwritten"},
        "texts": [
            {
                "original_text": "동무들, 조국을 위하여!",
                "original_language": "ko",
                "transliteration": "Тонмудыль, чогугыль вихаё!",
                "transliteration_script": "Cyrl",
                "translation": "Comrades, for the motherland!",
            }
        ],
    },
    "rifle_serial": {
        "artifact": {"title": "Assault rifle marked in Cyrillic", "artifact_type": "weapon"},
        "serials": [{"value": "АК 15-190412", "location": "receiver"}],
        "details": {"markings": "Ижмаш 2019; № 190412", "category": "assault_rifle"},
    },
    "pistol": {
        "artifact": {"title": "Pistol", "artifact_type": "weapon"},
        "serials": [{"value": "PM-88 004417", "location": "frame"}],
    },
    # Never found by anonymous readers: restricted, draft, and words only in private fields.
    "restricted": {
        "artifact": {
            "title": "Restricted leaflet",
            "artifact_type": "phrase_list",
            "description": "항복하라 surrender Pistol",
            "access_level": AccessLevel.RESEARCHERS,
        },
    },
    "draft": {
        "artifact": {
            "title": "Draft map",
            "artifact_type": "other",
            "description": "포위 surrounded Курская",
            "status": PublicationStatus.DRAFT,
        },
    },
    "private": {
        "artifact": {
            "title": "Military identity card",
            "artifact_type": "military_id",
            "internal_notes": "Staff note: compare with 190412 and 포위 and hangbok",
        },
        "personal": [{"field": "name", "value": "Kim Secretname"}],
    },
}

# The demo collection's records, by key (see artifacts.demo.collection).
DEMO = {
    "Phrase list of 23 Korean and Russian phrases": "phrase_list",
    "Two handwritten New Year's messages, dated 31 December and 1 January": "new_year",
    "Booklet of handwritten song lyrics": "booklet",
    "Military identity documents of North Korean soldiers": "military_ids",
    "Body armor": "body_armor",
    "First aid kits": "first_aid",
    "Shovel": "shovel",
    "Ukrainian-made knife": "knife",
    "Two modern Russian assault rifles": "rifles",
    "Typed Korean documents recording combat experience": "typed_docs",
}
EQUIPMENT = {"body_armor", "first_aid", "shovel", "knife", "rifles"}  # share one circumstances text


@dataclass(frozen=True)
class Case:
    query: str
    hits: frozenset
    top: str | None = None  # the record that must rank first, where that is not a matter of taste
    kind: str = ""

    def __str__(self):
        return f"{self.kind}: {self.query}"


def case(kind, query, hits, top=None):
    return Case(query, frozenset(hits), top, kind)


CASES = [
    # Korean in Hangul: two-syllable words inside inflected runs, longer words, one syllable.
    case("korean", "포위", {"leaflet"}),
    case("korean", "항복", {"leaflet"}),
    case("korean", "포위되었다", {"leaflet"}),
    case("korean", "무의미", {"leaflet"}),
    case("korean", "무인기", {"drone_notebook"}),
    case("korean", "동무", {"diary", "comrades_card"}),
    case("korean", "조국", {"diary", "comrades_card"}),
    case("korean", "새해", {"diary"}),
    case("korean", "정찰", {"drone_notebook"}),
    case("korean", "눈", {"diary"}),
    case("korean", "숲", {"diary"}),
    case("korean", "전투조", {"drone_notebook"}),
    case("korean", "포위되다", set()),  # its last bigram 되다 is not in 포위되었다
    # Russian: stems, ё as е, case.
    case("russian", "сдавайся", {"phrasebook"}),
    case("russian", "окружены", {"phrasebook"}),
    case("russian", "окружён", {"phrasebook"}),
    case("russian", "СОПРОТИВЛЕНИЕ", {"phrasebook"}),
    case("russian", "курская", {"map"}),
    case("russian", "мост", {"map"}),
    case("russian", "река", {"map"}),
    case("russian", "позиция", {"map"}),
    # Korean written in Cyrillic, as on the leaflet and the card.
    case("cyrillic korean", "Хангбокхара", {"leaflet"}),
    case("cyrillic korean", "пховидвеотта", {"leaflet"}),
    case("cyrillic korean", "хангбок", {"leaflet"}),
    case("cyrillic korean", "тонмудыль", {"comrades_card"}),
    case("cyrillic korean", "вихае", {"comrades_card"}),
    # Romanized Korean finds Hangul (and the Cyrillic spelling of the same words).
    case("romanized korean", "hangbok", {"leaflet"}),
    case("romanized korean", "powi", {"leaflet"}),
    case("romanized korean", "muingi", {"drone_notebook"}),
    case("romanized korean", "jeongchal", {"drone_notebook"}),
    case("romanized korean", "dongmu", {"diary", "comrades_card"}),
    case("romanized korean", "saehae", {"diary"}),
    # Latin spellings of Russian find Cyrillic.
    case("latin russian", "sdavaysya", {"phrasebook"}),
    case("latin russian", "sdavajsja", {"phrasebook"}),
    case("latin russian", "okruzheny", {"phrasebook"}),
    case("latin russian", "bespolezno", {"phrasebook"}),
    case("latin russian", "Kurskaja", {"map"}),
    case("latin russian", "Sudzhanskiy", {"map"}),
    case("latin russian", "protivnika", {"map"}),
    # English, stemmed.
    case("english", "surrounded", {"phrase_list", "leaflet", "phrasebook"}),
    case("english", "surrender", {"phrase_list", "typed_docs", "leaflet", "phrasebook"}),
    case("english", "drones", {"typed_docs", "drone_notebook"}, top="drone_notebook"),
    case("english", "shovel", EQUIPMENT, top="shovel"),
    case("english", "knife", EQUIPMENT, top="knife"),
    case("english", "forest", {"diary"}),
    case("english", "motherland", {"new_year", "booklet", "diary", "comrades_card"}),
    case("english", "Kim Jong Un", {"new_year"}),
    case("english", "fate", {"booklet"}, top="booklet"),
    # Phrases in quotes.
    case("phrase", '"you\'re all surrounded"', {"phrase_list"}),
    case("phrase", '"resistance is futile"', {"phrase_list", "leaflet"}),
    case("phrase", '"I really miss you comrades"', {"new_year"}),
    case("phrase", '"miss comrades"', set()),
    case("phrase", '"항복하라 너희는"', {"leaflet"}),
    case("phrase", '"ты окружен"', {"phrasebook"}),
    # Exclusion and OR.
    case("exclusion", "surrender -futile", {"typed_docs", "phrasebook"}),
    case("exclusion", "조국 -새해", {"comrades_card"}),
    case("exclusion", "motherland -comrades", {"booklet"}),
    case("or", "muingi OR sdavaysya", {"drone_notebook", "phrasebook"}),
    case("or", "무인기 OR 포위", {"drone_notebook", "leaflet"}),
    case("or", "pistol OR diary", {"pistol", "diary"}),
    # Serial numbers and markings: exact, partial, any separators, Cyrillic look-alikes.
    case("serial", "AK15190412", {"rifle_serial"}),
    case("serial", "ак-15 190412", {"rifle_serial"}),
    case("serial", "0412", {"rifle_serial"}),
    case("serial", "190412", {"rifle_serial"}),
    case("serial", "PM 88-004417", {"pistol"}),
    case("serial", "4417", {"pistol"}),
    case("serial", "pm88 004417", {"pistol"}),
    case("serial", "9999", set()),
    # What is private is never found.
    case("private", "secretname", set()),
    case("private", "staff note", set()),
    case("private", "hangbok 190412", set()),
]
