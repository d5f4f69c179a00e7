"""Vocabulary of synthetic collections: real words at the head, pseudo-words in the tail.

The head of each language's list is real vocabulary of the kind this archive holds (the
most frequent ranks). Real collections also have a long tail: most distinct words occur
in a handful of records. Without it a benchmark has no rare terms, and searches for rare
words (0.01 % of records) cannot be measured. The tail is made of pseudo-words built from
each script's own syllables, deterministically, so every run draws the same vocabulary.
Words are drawn with Zipf weights over head and tail together.
"""

import bisect
import itertools
import random
from dataclasses import dataclass, field

TAIL_SIZE = 20_000

KOREAN = [
    "항복",
    "포위",
    "저항",
    "동무",
    "조국",
    "전투",
    "무인기",
    "포병",
    "부상",
    "후퇴",
    "진지",
    "정찰",
    "명령",
    "수령",
    "동지",
    "승리",
    "희생",
    "편지",
    "새해",
    "노래",
    "운명",
    "병사",
    "부대",
    "작전",
    "적군",
    "탄약",
    "식량",
    "겨울",
    "눈",
    "숲",
    "마을",
    "강",
    "다리",
    "참호",
    "전선",
    "경험",
    "교훈",
    "분산",
    "소조",
    "포위되었다",
    "항복하라",
    "저항은",
    "무의미하다",
    "동무들이",
    "그립다",
    "조국과",
    "함께",
    "전투경험",
    "무인기공격",
    "포병진지",
]
RUSSIAN = [
    "сдавайся",
    "окружены",
    "сопротивление",
    "бесполезно",
    "плен",
    "солдат",
    "оружие",
    "граната",
    "патроны",
    "дрон",
    "артиллерия",
    "позиция",
    "разведка",
    "приказ",
    "командир",
    "взвод",
    "рота",
    "батальон",
    "полк",
    "зима",
    "снег",
    "лес",
    "деревня",
    "река",
    "мост",
    "окоп",
    "фронт",
    "опыт",
    "урок",
    "раненый",
    "эвакуация",
    "Курская",
    "область",
    "Суджа",
    "карта",
    "компас",
    "бронежилет",
    "аптечка",
    "лопата",
    "нож",
]
TRANSLIT = [
    "хангбок",
    "пхови",
    "чоханг",
    "тонму",
    "чогук",
    "чонту",
    "муинги",
    "пхобён",
    "пусанг",
    "худве",
    "чинджи",
    "чончаль",
    "мёнрёнг",
    "сурён",
    "тонджи",
    "сынни",
    "хысэн",
    "пхёнджи",
    "сэхэ",
    "норэ",
    "унмён",
    "бёнса",
    "пудэ",
    "чакчон",
]
ENGLISH = [
    "surrender",
    "surrounded",
    "resistance",
    "futile",
    "comrades",
    "motherland",
    "battle",
    "drone",
    "artillery",
    "wounded",
    "retreat",
    "position",
    "reconnaissance",
    "order",
    "leader",
    "victory",
    "sacrifice",
    "letter",
    "new",
    "year",
    "song",
    "fate",
    "soldier",
    "unit",
    "operation",
    "enemy",
    "ammunition",
    "food",
    "winter",
    "snow",
    "forest",
    "village",
    "river",
    "bridge",
    "trench",
    "front",
    "experience",
    "lesson",
    "disperse",
    "team",
    "casualties",
    "prisoner",
    "phrase",
    "list",
    "booklet",
    "identity",
    "document",
    "rifle",
    "knife",
    "shovel",
    "armor",
    "kit",
    "handwritten",
    "typed",
    "printed",
    "paper",
    "ink",
    "weathered",
    "torn",
    "folded",
]
PLACES = [
    "Kursk region, Russia",
    "Sumy region, Ukraine",
    "Sudzha district, Kursk region, Russia",
    "Belgorod region, Russia",
    "Kharkiv region, Ukraine",
    "Donetsk region, Ukraine",
]
UNITS = [
    "8th Special Operations Forces Regiment",
    "80th Air Assault Brigade",
    "95th Air Assault Brigade",
    "47th Mechanized Brigade",
    "225th Assault Battalion",
    "National Police of Ukraine",
]

# Syllables the tail's pseudo-words are made of, one inventory per script.
KOREAN_SYLLABLES = sorted({syllable for word in KOREAN for syllable in word})
RUSSIAN_SYLLABLES = [c + v for c in "бвгдзклмнпрстхчш" for v in "аеиоуы"] + ["ск", "ов", "ин", "ль"]
TRANSLIT_SYLLABLES = [
    "хан",
    "бок",
    "пхо",
    "ви",
    "чо",
    "тон",
    "му",
    "гук",
    "чон",
    "ту",
    "ин",
    "ги",
    "сан",
    "ру",
    "мён",
    "сы",
    "хэ",
    "нё",
    "со",
    "ма",
    "ра",
    "ним",
    "дже",
    "гван",
    "ён",
    "иль",
    "пак",
    "ким",
    "сок",
    "ха",
]
ENGLISH_SYLLABLES = [
    "bar",
    "con",
    "der",
    "fal",
    "gen",
    "hor",
    "lin",
    "mar",
    "nor",
    "pel",
    "ros",
    "sten",
    "tar",
    "ven",
    "wil",
    "ash",
    "bel",
    "cor",
    "dun",
    "eth",
    "fen",
    "gar",
    "hal",
    "kin",
    "lor",
    "mel",
    "nes",
    "orm",
]


def pseudo_words(syllables: list[str], count: int, *, exclude: list[str], seed: int) -> list[str]:
    """`count` distinct words of two to four syllables, none of them in `exclude`."""
    rng = random.Random(seed)
    seen, words = set(exclude), []
    while len(words) < count:
        word = "".join(rng.choices(syllables, k=rng.choice((2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class Pool:
    """A vocabulary with cumulative Zipf weights, so a draw is a binary search."""

    words: list[str]
    exponent: float = 1.1
    cumulative: list[float] = field(init=False)

    def __post_init__(self):
        weights = (1 / rank**self.exponent for rank in range(1, len(self.words) + 1))
        self.cumulative = list(itertools.accumulate(weights))


def language_pool(head: list[str], syllables: list[str], seed: int) -> Pool:
    return Pool(head + pseudo_words(syllables, TAIL_SIZE, exclude=head, seed=seed))


@dataclass
class Vocabulary:
    rng: random.Random

    def words(self, pool: Pool, k: int) -> str:
        return " ".join(self.rng.choices(pool.words, cum_weights=pool.cumulative, k=k))

    def skewed(self, values: list):
        weights = list(itertools.accumulate(1 / rank**1.3 for rank in range(1, len(values) + 1)))
        return values[bisect.bisect(weights, self.rng.random() * weights[-1])]
