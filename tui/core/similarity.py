"""The text similarity of FORMAT.md §2: exact, linear, deterministic.

Delete all whitespace, replace every run of digits by `0`, take the set of
5-character substrings; similarity(A, B) = |S(A) ∩ S(B)| / |S(A)|, the share
of this year's wording that already stood in last year's.
"""

import re

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
N = 5


def normalise(text):
    return _DIGITS.sub("0", _SPACE.sub("", text))


def shingles(text):
    t = normalise(text)
    return {t[i:i + N] for i in range(len(t) - N + 1)}


def similarity(this_year, last_year):
    a = shingles(this_year)
    if not a:
        return 0.0
    return len(a & shingles(last_year)) / len(a)
