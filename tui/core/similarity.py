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


# A batch check compares each report with its previous year's, then the next
# year's report with it: every text's substring set is needed twice in a row.
# A few recent sets are kept (only of texts of ordinary length: memory).
_MEMO = {}
_MEMO_SIZE = 32
_MEMO_MAX_CHARS = 20_000


def _substrings(t):
    if len(t) > _MEMO_MAX_CHARS:
        return {t[i:i + N] for i in range(len(t) - N + 1)}
    found = _MEMO.get(t)
    if found is None:
        found = {t[i:i + N] for i in range(len(t) - N + 1)}
        if len(_MEMO) >= _MEMO_SIZE:
            del _MEMO[next(iter(_MEMO))]
        _MEMO[t] = found
    return found
