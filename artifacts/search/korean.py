"""North and South Korean spellings of the same word, folded to one form for search.

The collection is written as North Korea writes Korean (조선말규범집); researchers often type
it as the South does (한글 맞춤법). Two spelling rules differ in nearly every text:

* Initial ㄹ and ㄴ (두음법칙). The South changes them at the start of a Sino-Korean word and
  the North keeps them: 로동/노동, 리용/이용, 녀자/여자, 력사/역사, 래일/내일, 료리/요리. The South
  does the same at the start of the second word of a compound (조선로동당/조선노동당), and
  where a word starts inside a compound cannot be told without a dictionary. So EVERY
  syllable is folded to the Southern initial: ㄹ before ㅏ ㅐ ㅗ ㅚ ㅜ ㅡ becomes ㄴ, ㄹ before
  ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ and ㄴ before ㅕ ㅛ ㅠ become the silent ㅇ; vowel and final stay. A fold
  that depends on no neighbour gives a syllable the same form wherever a query starts or
  a compound splits; its price is that medial syllables which never vary meet too
  (병력 reads as 병역, 하라 as 하나): see analyzer.py for what that costs.
* 여/였 for 어/었 (모음조화). After a syllable with the vowel ㅣ ㅐ ㅔ ㅚ ㅟ ㅢ and no final
  consonant the North writes 여, 였 where the South writes 어, 었: 되였다/되었다, 되여/되어,
  개였다/개었다, 기여가다/기어가다. This fold needs its neighbour, so it is applied within one
  written word only (never across a space: “조국의 여성” keeps the 여 of 여성), and before
  the ㄹ/ㄴ fold, so that 내렸다 (came down) stays apart from 내였다/내었다 (put out).

Both folds are lossy on purpose: their result is only ever compared, never shown.
"""

import re
from functools import lru_cache

_SBASE, _VCOUNT, _TCOUNT = 0xAC00, 21, 28
_NCOUNT = _VCOUNT * _TCOUNT
# Jamo in the order of Unicode's syllable arithmetic (chapter 3.12).
_INITIAL_ORDER = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWEL_ORDER = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"


def _syllables(initials: str, vowels: str, finals=range(_TCOUNT)) -> list[str]:
    return [
        chr(_SBASE + _INITIAL_ORDER.index(initial) * _NCOUNT + _VOWEL_ORDER.index(vowel) * _TCOUNT + final)
        for initial in initials
        for vowel in vowels
        for final in finals
    ]


# Northern syllable → Southern, the vowel and final kept: (initials, before vowels, becomes).
# ㄴ before ㅣ is left alone: it would fold the 니다 ending every formal sentence has into
# 이다 and 아니 (not) into 아이 (child), for a few rare words (닉명/익명, 니탄/이탄).
_FOLDS = [("ㄹ", "ㅏㅐㅗㅚㅜㅡ", "ㄴ"), ("ㄹ", "ㅑㅕㅖㅛㅠㅣ", "ㅇ"), ("ㄴ", "ㅕㅛㅠ", "ㅇ")]
_INITIALS = {
    ord(northern): southern
    for initial, vowels, becomes in _FOLDS
    for northern, southern in zip(_syllables(initial, vowels), _syllables(becomes, vowels), strict=True)
}
# Open syllables (no final) whose vowel takes 여/였 in the North: 되, 개, 베, 쥐, 희, 이 …
_BEFORE_YEO = "".join(_syllables(_INITIAL_ORDER, "ㅣㅐㅔㅚㅟㅢ", finals=[0]))
_YEO = re.compile(f"(?<=[{_BEFORE_YEO}])[여였]")
_EO = {"여": "어", "였": "었"}


def fold_initial(text: str) -> str:
    """Every syllable with the South's initial: 로동 → 노동, 리용 → 이용, 녀자 → 여자."""
    return text.translate(_INITIALS)


def fold_yeo(word: str) -> str:
    """The South's 어/었 after ㅣ ㅐ ㅔ ㅚ ㅟ ㅢ without a final, within one written word:
    되였다 → 되었다, 되여 → 되어."""
    return _YEO.sub(lambda match: _EO[match.group()], word)


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """The form a written Hangul word is indexed and searched in: both folds."""
    return fold_initial(fold_yeo(word))
