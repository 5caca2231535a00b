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
    if len(a_text) > _MEMO_MAX_CHARS or len(b_text) > _MEMO_MAX_CHARS:
        return _similarity_long(a_text, b_text)
    a = _substrings(a_text)
    return len(a & _substrings(b_text)) / len(a)


def _similarity_long(a_text, b_text):
    """similarity() of long texts (a 2 MB narrative: 680,000 substrings),
    exactly the same figure in under half the memory: each 5-character
    substring is one int (its characters' numbers in the two texts' alphabet,
    packed), not a string, and last year's set hands each substring this
    year's text shares over to `common`, so the sets together stay about the
    size of one."""
    # Numbers from 1: a code with a zero group is a text's first N-1
    # characters (fewer than N), never a substring.
    alphabet = {c: i for i, c in enumerate(set(a_text) | set(b_text), 1)}
    bits = len(alphabet).bit_length()
    mask = (1 << (bits * N)) - 1
    number = alphabet.__getitem__
    last = set()
    add = last.add
    code = 0
    for c in map(number, b_text):  # its first N-1 codes are starts: no substring of this year's matches them
        code = ((code << bits) | c) & mask
        add(code)
    common, rest = set(), set()
    code = 0
    for c in map(number, a_text[:N - 1]):
        code = (code << bits) | c
    for c in map(number, a_text[N - 1:]):
        code = ((code << bits) | c) & mask
        if code in last:
            last.remove(code)
            common.add(code)
        elif code not in common:
            rest.add(code)
    return len(common) / (len(common) + len(rest))


# A batch check compares each report with its previous year's, then the next
# year's report with it: every text's substring set is needed twice in a row.
# A few recent sets are kept (only of texts of ordinary length: memory).
_MEMO = {}
_MEMO_SIZE = 32
_MEMO_MAX_CHARS = 20_000


def _substrings(t):
    found = _MEMO.get(t)
    if found is None:
        found = {t[i:i + N] for i in range(len(t) - N + 1)}
        if len(_MEMO) >= _MEMO_SIZE:
            del _MEMO[next(iter(_MEMO))]
        _MEMO[t] = found
    return found
