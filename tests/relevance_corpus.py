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
    # North Korean spelling (initial ㄹ and ㄴ kept, 여/였 after ㅣ ㅐ ㅔ ㅚ ㅟ ㅢ, dependent nouns
    # and auxiliaries written together), and a catalogue note in South Korean spelling.
    "party_letter": {
        "artifact": {"title": "Letter with a party slogan", "artifact_type": "handwritten"},
        "texts": [
            {
                "original_text": "조선로동당 만세! 공장의 로동자들과 우리 녀성들이 모두 떨쳐나섰다. "
                "래일의 승리를 위하여 력사에 길이 남을 위훈을 세우자.",
                "original_language": "ko",
                "translation": "Long live the Workers' Party of Korea! The factory workers and our women all "
                "rose up. For tomorrow's victory, let us do deeds that history will long remember.",
            }
        ],
    },
    "kitchen_notes": {
        "artifact": {"title": "Notes on field cooking", "artifact_type": "handwritten"},
        "texts": [
            {
                "original_text": "료리는 중대 취사원이 맡는다. "
                "식량은 하루 세끼 량을 타서 리용하고 남은 것은 아껴야 한다.",
                "original_language": "ko",
                "translation": "Cooking is the company cook's task. Rations are drawn for three meals a day; "
                "what is left must be saved.",
            }
        ],
    },
    "battle_report": {
        "artifact": {"title": "Typed report on the defence of a height", "artifact_type": "typed_document"},
        "texts": [
            {
                "original_text": "적의 진지는 포병사격으로 파괴되였다. 분대장동지가 부상되여 후송되였다. "
                "우리는 밤새 기여서 고지에 올랐다. 참호는 비여있었다. 새벽에 비가 내렸다. "
                "아침에는 하늘이 개였다. 우리는 끝까지 싸울것이다. 우리는 이길수 있다. "
                "목숨보다 귀중한것은 당이 준 총.",
                "original_language": "ko",
                "translation": "The enemy position was destroyed by artillery fire. The squad leader was "
                "wounded and evacuated. We crawled all night and climbed the height. The trench was empty. "
                "Rain fell at dawn. In the morning the sky cleared. We will fight to the end. We can win. "
                "More precious than life is the rifle the Party gave.",
            }
        ],
    },
    "notebook": {
        "artifact": {
            "title": "Pocket notebook with a party card",
            "artifact_type": "booklet",
            "description": "이 수첩은 진지가 파괴된 뒤 참호에서 발견되었다. 주인은 부상되어 후송된 것으로 보인다. "
            "노동당 당원증과 요리 메모, 여성 병사의 사진이 함께 보관되어 있었다. "
            "사진 속의 이 여성은 누구인지 알 수 없다. 당원증 표지는 해어지고 희어졌다. "
            "역사 연구에 이용할 수 있다.",
        },
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
    # North and South Korean spelling. Initial ㄹ and ㄴ: Southern queries find Northern text …
    case("initial ㄹ/ㄴ", "노동", {"party_letter", "notebook"}),
    case("initial ㄹ/ㄴ", "조선노동당", {"party_letter"}),  # inside a compound
    case("initial ㄹ/ㄴ", "노동자", {"party_letter"}),
    case("initial ㄹ/ㄴ", "여성", {"party_letter", "notebook"}),
    case("initial ㄹ/ㄴ", "내일", {"party_letter"}),
    case("initial ㄹ/ㄴ", '"내일의 승리"', {"party_letter"}),
    case("initial ㄹ/ㄴ", "역사", {"party_letter", "notebook"}),
    case("initial ㄹ/ㄴ", "요리", {"kitchen_notes", "notebook"}),
    case("initial ㄹ/ㄴ", "이용", {"kitchen_notes", "notebook"}),
    case("initial ㄹ/ㄴ", "양", {"kitchen_notes"}),  # one syllable: 량을 in 세끼 량을
    case("initial ㄹ/ㄴ", "nodong", {"party_letter", "notebook"}),  # romanized as the South spells it
    # … and Northern queries find the Southern note.
    case("initial ㄹ/ㄴ", "로동당", {"party_letter", "notebook"}),
    case("initial ㄹ/ㄴ", "력사", {"party_letter", "notebook"}),
    case("initial ㄹ/ㄴ", "리용", {"kitchen_notes", "notebook"}),
    case("initial ㄹ/ㄴ", "녀성", {"party_letter", "notebook"}),
    case("initial ㄹ/ㄴ", "료리", {"kitchen_notes", "notebook"}),
    case("initial ㄹ/ㄴ", "래일", {"party_letter"}),
    case("initial ㄹ/ㄴ", "량", {"kitchen_notes"}),
    case("initial ㄹ/ㄴ", '"조선 로동당"', {"party_letter"}),
    case("initial ㄹ/ㄴ", "로동자", {"party_letter"}),
    case("initial ㄹ/ㄴ", "yeoksa", {"party_letter", "notebook"}),
    # Only ㄹ and ㄴ fold, and only to ㄴ or ㅇ: other initials stay apart.
    case("initial ㄹ/ㄴ", "도동", set()),
    case("initial ㄹ/ㄴ", "애일", set()),
    case("initial ㄹ/ㄴ", "기용", set()),
    case("initial ㄹ/ㄴ", "나동", set()),
    # 였/었 and 여/어 after ㅣ ㅐ ㅔ ㅚ ㅟ ㅢ: Southern queries find Northern text …
    case("여/어", "파괴되었다", {"battle_report"}),
    case("여/어", "후송되었다", {"battle_report"}),
    case("여/어", "부상되어", {"battle_report", "notebook"}),
    case("여/어", "개었다", {"battle_report"}),
    case("여/어", "기어서", {"battle_report"}),
    case("여/어", "비어있었다", {"battle_report"}),
    case("여/어", '"부상되어 후송되었다"', {"battle_report"}),
    case("여/어", '"하늘이 개었다"', {"battle_report"}),
    case("여/어", "비어", {"battle_report"}),
    case("여/어", "되어", {"battle_report", "notebook"}),
    # … and Northern queries find Southern text.
    case("여/어", "발견되였다", {"notebook"}),
    case("여/어", "보관되여", {"notebook"}),
    case("여/어", "부상되여", {"battle_report", "notebook"}),
    case("여/어", "포위되였다", {"leaflet"}),
    case("여/어", "되여", {"battle_report", "notebook"}),
    case("여/어", '"부상되여 후송된"', {"notebook"}),
    case("여/어", '"보관되여 있었다"', {"notebook"}),
    case("여/어", '"참호에서 발견되였다"', {"notebook"}),
    case("여/어", "해여지고", {"notebook"}),
    case("여/어", "희여졌다", {"notebook"}),
    # 내렸다 (came down) is not 내였다 (put out); a 여 after a space is not an ending (이 여성).
    case("여/어", "내렸다", {"battle_report"}),
    case("여/어", "내었다", set()),
    case("여/어", "내였다", set()),
    case("여/어", "어성", set()),
    # Spacing: Southern spacing finds Northern text written together …
    case("spacing", '"이길 수 있다"', {"battle_report"}),
    case("spacing", "이길 수 있다", {"battle_report"}),
    case("spacing", '"싸울 것이다"', {"battle_report"}),
    case("spacing", '"비어 있었다"', {"battle_report"}),
    case("spacing", '"귀중한 것은"', {"battle_report"}),
    case("spacing", '"분대장 동지"', {"battle_report"}),
    case("spacing", '"포위 되었다"', {"leaflet"}),
    case("spacing", '"우리는 이길 수 있다"', {"battle_report"}),
    case("spacing", '"조선 노동당 만세"', {"party_letter"}),
    case("spacing", '"떨쳐 나섰다"', {"party_letter"}),
    # … Northern spacing finds Southern text, and punctuation is no gap either.
    case("spacing", '"이용할수 있다"', {"notebook"}),
    case("spacing", "할수 있다", {"notebook"}),
    case("spacing", '"알수 없다"', {"notebook"}),
    case("spacing", '"보관되여있었다"', {"notebook"}),
    case("spacing", '"후송된것으로"', {"notebook"}),
    case("spacing", '"너희는포위되었다"', {"leaflet"}),
    case("spacing", '"항복하라너희는"', {"leaflet"}),
    case("spacing", '"파괴된뒤"', {"notebook"}),
    case("spacing", '"사진속의"', {"notebook"}),
    case("spacing", '"누구인지 알수 없다"', {"notebook"}),
    # One syllable stays a word's first syllable, even the last word of a run (총 in 준 총.),
    # and two values of a field (two phrases of the leaflet) are never read as one.
    case("spacing", "수", {"battle_report", "notebook"}),
    case("spacing", "총", {"battle_report"}),
    case("spacing", '"이길 수 없다"', set()),
    case("spacing", '"무의미하다 무기를"', set()),
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
