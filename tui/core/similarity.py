"""The text similarity of FORMAT.md §2: exact, linear, deterministic.

Delete all whitespace, replace every run of digits by `0`, take the set of
5-character substrings; similarity(A, B) = |S(A) ∩ S(B)| / |S(A)|, the share
of this year's wording that already stood in last year's.

Building the substring sets is most of the cost of a year-over-year check.
A substring is held as bytes, its characters' fixed-width encoding (UTF-32,
or narrower for a long pair that allows it: equal substrings are equal
bytes), and all of a text's are cut in C by `struct` (`_runs`): a format of
back-to-back fields of N characters, unpacked from each of the N first
offsets. That is about 60 ns a character, against 140 for slicing the
string at each position; and a 20-byte bytes object is smaller than a
5-character str (53 bytes against 84). Two things make building rarer:

* a batch compares each report with its previous year's, then the next
  year's report with it: a few recent texts' sets are kept (`_MEMO`);
* normalising goes a sentence at a time through a bounded cache
  (`_SENTENCES`): a sentence kept from last year, or shared with other
  reports, is normalised once.

The sets used to be built from cached sentence sets, united, with only the
new sentences looked up in last year's. On real narratives most sentences
are new to the process (the hongze 2023 → 2024 pair keeps 7 of 16): cutting
every text whole in C is twice as fast there, and a third faster on a
generated corpus whose sentences are reworded per agency. Only where every
report shares the same sentences is it slower.

A text over 20,000 characters (a 2 MB narrative) takes `_similarity_long`:
the same figure, its texts neither kept nor normalised through the caches,
and last year's substrings never held as a set (memory).
"""

from __future__ import annotations

import re
import struct

_DIGITS = re.compile(r"\d+")
N = 5


def normalise(text: str) -> str:
    # "".join(text.split()) deletes what re's \s matches (both are
    # str.isspace), at twice the speed of re.sub(r"\s+", "", text).
    return _DIGITS.sub("0", "".join(text.split()))


def similarity(this_year: str, last_year: str) -> float:
    if len(this_year) > _MEMO_MAX_CHARS or len(last_year) > _MEMO_MAX_CHARS:
        # Opening a pair of 2 MB narratives side by side asks for the same
        # figure three times (the check's text.copied, its year-over-year
        # pairing, the compare screen's head): the worker that opens the
        # pair computes it once, the interface thread finds it.
        return _remember(_LONG_RESULTS, _LONG_RESULTS_SIZE, (this_year, last_year), _similarity, this_year, last_year)
    return _similarity(this_year, last_year)


def _similarity(this_year, last_year):
    a_text, b_text = _normalised(this_year), _normalised(last_year)
    if len(a_text) < N:
        return 0.0
    if a_text == b_text:
        # Copied with only numbers or spacing changed: the case the rule is for,
        # and exact without building the substring sets.
        return 1.0
    if len(a_text) > _MEMO_MAX_CHARS or len(b_text) > _MEMO_MAX_CHARS:
        return _similarity_long(a_text, b_text)
    a = _substrings(a_text)
    # |S(A) ∩ S(B)| = |S(A)| - |S(A) - S(B)|: the difference holds only this
    # year's new wording, fewer insertions than the intersection.
    return (len(a) - len(a - _substrings(b_text))) / len(a)


def _similarity_long(a_text, b_text):
    """similarity() of long texts (a 2 MB narrative: 680,000 substrings),
    exactly the same figure, in little memory:

    * both texts are encoded at the narrowest width that fits both (1 byte
      a character when both are ASCII, 2 when all characters are in the
      BMP, else 4; `surrogatepass` keeps a lone surrogate one unit wide);
    * this year's substrings fill one set, S(A); last year's are then
      removed from it a run at a time (`difference_update`), so S(B) is
      never held and what is left is S(A) minus S(B):
      |S(A) ∩ S(B)| = |S(A)| - what is left.

    The runs are short (_RUN substrings), so a thread computing the figure
    (the workbench opening a pair) lets the interface thread run between
    them."""
    if a_text.isascii() and b_text.isascii():
        width, a, b = 1, a_text.encode("ascii"), b_text.encode("ascii")
    else:
        width, a, b = 2, a_text.encode("utf-16-le", "surrogatepass"), b_text.encode("utf-16-le", "surrogatepass")
        if len(a) != 2 * len(a_text) or len(b) != 2 * len(b_text):  # a character beyond the BMP: 2 units
            width, a, b = 4, a_text.encode("utf-32-le", "surrogatepass"), b_text.encode("utf-32-le", "surrogatepass")
    s = _filled(a, len(a_text), width)
    total = len(s)
    for run in _runs(b, len(b_text), width):
        s.difference_update(run)
    return (total - len(s)) / total


# -- cutting ---------------------------------------------------------------------

_RUN = 64  # substrings per struct call
_UNPACKERS = {}  # (width, count) -> unpack_from of `count` back-to-back substrings


def _unpacker(width, count):
    found = _UNPACKERS.get((width, count))
    if found is None:
        found = _UNPACKERS[width, count] = struct.Struct(f"{N * width}s" * count).unpack_from
    return found


def _runs(encoded, length, width):
    """Every substring of N characters of a text of `length` characters
    encoded at `width` bytes each, as bytes, in tuples of at most _RUN:
    back to back from offset 0, then from offset 1, … N - 1 (together each
    position once)."""
    step = N * width
    whole = _unpacker(width, _RUN)
    for k in range(min(N, length - N + 1)):
        count = (length - k) // N  # the substrings at k, k + N, k + 2N, …
        at = k * width
        for _ in range(count // _RUN):
            yield whole(encoded, at)
            at += _RUN * step
        if count % _RUN:
            yield _unpacker(width, count % _RUN)(encoded, at)


def _filled(encoded, length, width):
    """The set of the substrings of `_runs(encoded, length, width)`, filled a
    run at a time (never every run held at once)."""
    s = set()
    for run in _runs(encoded, length, width):
        s.update(run)
    return s


def _cut(t):
    """S(t) of a normalised text, each substring as its UTF-32 encoding."""
    return _filled(t.encode("utf-32-le", "surrogatepass"), len(t), 4)


# -- caches (per process; bounded) ---------------------------------------------

_MEMO = {}
_MEMO_SIZE = 32
_MEMO_MAX_CHARS = 20_000  # longer texts are neither kept nor normalised by sentence
_SENTENCE_END = "。"
_SENTENCES_SIZE = 1024  # sentences per generation; at most two generations are kept
_NORMALISED = {}
_LONG_RESULTS = {}  # (this year's text, last year's) -> figure, for texts over _MEMO_MAX_CHARS
_LONG_RESULTS_SIZE = 4


class _Kept:
    """compute(key), kept in two generations of at most `size` entries: when
    `new` is full it becomes `old` and a fresh `new` starts; what is asked
    for again moves to `new`, and what was not asked for in a whole
    generation goes. Callers read `new` directly first (`new.get`, no call
    in Python: most keys are kept), then `fill`."""

    __slots__ = ("compute", "size", "new", "old")

    def __init__(self, compute, size):
        self.compute, self.size = compute, size
        self.new, self.old = {}, {}

    def fill(self, key):
        found = self.old.get(key)
        if found is None:
            found = self.compute(key)
        if len(self.new) >= self.size:
            self.old, self.new = self.new, {}
        self.new[key] = found
        return found


_SENTENCES = _Kept(normalise, _SENTENCES_SIZE)  # a sentence as written -> normalised


def _remember(cache, size, key, compute, *args):
    """compute(*args), kept in `cache` under `key`; past `size` entries the
    oldest goes (the caches here are per process and small)."""
    found = cache.get(key)
    if found is None:
        found = compute(*args)
        if len(cache) >= size:
            cache.pop(next(iter(cache)), None)
        cache[key] = found
    return found


def _normalised(text):
    """normalise(), remembered for a few recent texts (each is compared twice in a row)."""
    if len(text) > _MEMO_MAX_CHARS:
        return normalise(text)
    return _remember(_NORMALISED, _MEMO_SIZE, text, _normalise_by_sentence, text)


def _normalise_by_sentence(text):
    """normalise(text), a sentence at a time: 。 is neither whitespace nor a
    digit, so no deleted run of spaces and no run of digits crosses it, and
    the sentences normalised and joined again are the text normalised. A
    sentence kept from last year (or shared with other reports) is then
    normalised once: the digit scan costs about 12 ns a character."""
    kept, fill = _SENTENCES.new.get, _SENTENCES.fill
    return _SENTENCE_END.join([kept(s) or fill(s) for s in text.split(_SENTENCE_END)])


def _substrings(t):
    """S(t) of a normalised text of at most _MEMO_MAX_CHARS (longer ones take _similarity_long)."""
    return _remember(_MEMO, _MEMO_SIZE, t, _cut, t)
