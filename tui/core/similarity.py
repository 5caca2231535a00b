"""The text similarity of FORMAT.md §2: exact, linear, deterministic.

Delete all whitespace, replace every run of digits by `0`, take the set of
5-character substrings; similarity(A, B) = |S(A) ∩ S(B)| / |S(A)|, the share
of this year's wording that already stood in last year's.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
N = 5


def normalise(text: str) -> str:
    return _DIGITS.sub("0", _SPACE.sub("", text))


def similarity(this_year: str, last_year: str) -> float:
    a_text, b_text = normalise(this_year), normalise(last_year)
    if len(a_text) < N:
        return 0.0
    if a_text == b_text:
        # Copied with only numbers or spacing changed: the case the rule is for,
        # and exact without building the substring sets (most of the time of
        # a year-over-year check).
        return 1.0
    a = _substrings(a_text)
    return len(a & _substrings(b_text)) / len(a)


def _substrings(t):
    return {t[i:i + N] for i in range(len(t) - N + 1)}
