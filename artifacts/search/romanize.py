"""Latin spellings of Hangul and Cyrillic, and one lossy folding that makes common spellings meet.

Researchers type what they can: “hangbok” for 항복, “sdavaysya” or “sdavajsja” for
сдавайся. The index therefore holds a Latin form of every Hangul and Cyrillic word, and a
Latin query word is looked up among those forms. Both sides go through `fold_latin`, which
throws away exactly the differences between the usual systems (BGN/PCGN, GOST, ISO 9 and
“scientific” spellings of Russian; Revised Romanization and McCune–Reischauer of Korean):
y/j/i, zh/ž/z, kh/h, ch/č/c, doubled letters, diacritics. It is deliberately lossy — it
only ever has to make two spellings of the same word equal, never to be read.

Korean is romanized syllable by syllable (Revised Romanization, decomposing each syllable
into its jamo arithmetically, Unicode chapter 3.12). A word is also given the spelling of
its pronunciation, with the sound changes RR writes (liaison, nasalisation, ㄹ
assimilation, aspiration), because people type 합니다 as “hamnida”, not “hapnida”.
"""

import re
import unicodedata

_SBASE, _LCOUNT, _VCOUNT, _TCOUNT = 0xAC00, 19, 21, 28
_NCOUNT = _VCOUNT * _TCOUNT

# Revised Romanization: initial consonants, vowels, and final consonants as written alone.
INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
VOWELS = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
]  # fmt: skip
FINALS = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
]  # fmt: skip

# Final consonant index → (what stays in the syllable, initial it becomes before a silent
# ㅇ). Finals missing here carry nothing over: ㅇ stays, ㅎ falls silent.
_ㄱ, _ㄲ, _ㄴ, _ㄷ, _ㄹ, _ㅁ, _ㅂ, _ㅅ, _ㅆ, _ㅇ, _ㅈ, _ㅊ, _ㅋ, _ㅌ, _ㅍ, _ㅎ = (
    0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 18,
)  # fmt: skip
_LIAISON = {
    1: ("", _ㄱ), 2: ("", _ㄲ), 3: ("k", _ㅅ), 4: ("", _ㄴ), 5: ("n", _ㅈ), 6: ("", _ㄴ),
    7: ("", _ㄷ), 8: ("", _ㄹ), 9: ("l", _ㄱ), 10: ("l", _ㅁ), 11: ("l", _ㅂ), 12: ("l", _ㅅ),
    13: ("l", _ㅌ), 14: ("l", _ㅍ), 15: ("", _ㄹ), 16: ("", _ㅁ), 17: ("", _ㅂ), 18: ("p", _ㅅ),
    19: ("", _ㅅ), 20: ("", _ㅆ), 22: ("", _ㅈ), 23: ("", _ㅊ), 24: ("", _ㅋ), 25: ("", _ㅌ),
    26: ("", _ㅍ),
}  # fmt: skip
_SILENT_H = 27


def is_hangul_syllable(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def _jamo(char: str) -> tuple[int, int, int]:
    index = ord(char) - _SBASE
    return index // _NCOUNT, (index % _NCOUNT) // _TCOUNT, index % _TCOUNT


def romanize_hangul(word: str) -> str:
    """Letter-by-letter Revised Romanization: 항복하라 → hangbokhara."""
    out = []
    for char in word:
        if is_hangul_syllable(char):
            initial, vowel, final = _jamo(char)
            out.append(INITIALS[initial] + VOWELS[vowel] + FINALS[final])
        else:
            out.append(char)
    return "".join(out)


def _sound_change(final: int, coda: str, following: int) -> tuple[str, str | None]:
    """What a syllable's final is written as before the initial `following`, and what that
    initial is then written as (None: unchanged)."""
    if following == _ㅇ:
        if final in _LIAISON:
            kept, moved = _LIAISON[final]
            return kept, INITIALS[moved]
        return ("", None) if final == _SILENT_H else (coda, None)
    if following == _ㅎ and coda in ("k", "t", "p"):
        return "", coda  # aspiration: 복하 → boka
    if final == _SILENT_H and following in (_ㄱ, _ㄷ, _ㅈ):
        return "", {_ㄱ: "k", _ㄷ: "t", _ㅈ: "ch"}[following]
    if following in (_ㄴ, _ㅁ) and coda in ("k", "t", "p"):
        return {"k": "ng", "t": "n", "p": "m"}[coda], None  # nasalisation: 합니다 → hamnida
    if following == _ㄹ:
        if coda in ("l", "n"):
            return "l", "l"  # 신라 → silla, 빨리 → ppalli
        if coda in ("m", "ng"):
            return coda, "n"  # 대통령 → daetongnyeong
        if coda in ("k", "p"):
            return {"k": "ng", "p": "m"}[coda], "n"  # 협력 → hyeomnyeok
    if coda == "l" and following == _ㄴ:
        return "l", "l"
    return coda, None


def romanize_hangul_spoken(word: str) -> str:
    """Revised Romanization of the pronunciation: 합니다 → hamnida, 읽어 → ilgeo, 항복하라 → hangbokara."""
    parts = [_jamo(c) if is_hangul_syllable(c) else c for c in word]
    onsets = [INITIALS[p[0]] if isinstance(p, tuple) else "" for p in parts]
    out = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            out.append(part)
            continue
        _, vowel, final = part
        coda = FINALS[final]
        following = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(following, tuple):
            coda, onset = _sound_change(final, coda, following[0])
            if onset is not None:
                onsets[i + 1] = onset
        out.append(onsets[i] + VOWELS[vowel] + coda)
    return "".join(out)


def romanizations(word: str) -> set[str]:
    """The spellings a reader might use for a Hangul word (written and spoken forms)."""
    return {romanize_hangul(word), romanize_hangul_spoken(word)}


# Russian (and Ukrainian, Belarusian) letters in a BGN/PCGN-like form. The folding below
# makes this choice of system irrelevant, so the table favours the most common spellings.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip


def is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u052f"


def transliterate_cyrillic(word: str) -> str:
    """сдавайся → sdavaysya. Letters outside the table pass through unchanged."""
    return "".join(CYRILLIC.get(char, char) for char in word)


# Applied in order, after diacritics are stripped. Longer digraphs first, so “shch” is not
# read as “sh” + “ch”.
_FOLDS = [
    ("shch", "sc"), ("sch", "sc"), ("shh", "sc"), ("dzh", "j"), ("dj", "j"), ("dz", "j"), ("zh", "z"), ("kh", "h"),
    ("tch", "c"), ("ts", "c"), ("tz", "c"), ("ch", "c"), ("sh", "s"), ("x", "ks"), ("w", "v"),
    ("j", "i"), ("y", "i"), ("eo", "o"), ("eu", "u"),
]  # fmt: skip
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z0-9]")


def fold_latin(word: str) -> str:
    """A spelling-insensitive key for Latin words: “Sdavajsja”, “sdavaysya” and “sdavaisia”
    all give “sdavaisia”; “okruzheny” and “okruženy” give “okruzeni”."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(c for c in decomposed if not unicodedata.combining(c))
    word = _NOT_LETTER.sub("", word)
    for old, new in _FOLDS:
        word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)
