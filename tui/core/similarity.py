"""The text similarity of FORMAT.md §2: exact, linear, deterministic.

Delete all whitespace, replace every run of digits by `0`, take the set of
5-character substrings; similarity(A, B) = |S(A) ∩ S(B)| / |S(A)|, the share
of this year's wording that already stood in last year's.

Building the substring sets is most of the cost of a year-over-year check
(a quarter of a microsecond per character). Two things make it rarer, and
neither changes a result:

* a batch compares each report with its previous year's, then the next
  year's report with it: a few recent texts' sets are kept (`_MEMO`);
* a narrative is mostly last year's sentences, moved about, some dropped,
  some new. A text's set is the union of its sentences' sets (kept in
  `_PIECES`, a bounded cache) and of its joints' substrings (the five that
  hold each 。, cut afresh: cheaper than a cache entry each, and a joint
  changes whenever a neighbouring sentence does); a kept sentence costs a
  set union instead of slicing every position again; and |S(A) ∩ S(B)| is
  |S(A)| less what A's joints and the sentences that B does not have bring,
  so only those are looked up in S(B). Normalising, too, goes a sentence
  at a time through a bounded cache (`_SENTENCES`).

A text over 20,000 characters (a 2 MB narrative) takes `_similarity_long`:
same figure, its substrings cut in C (`re.findall` on a fixed-width
encoding) into one set, which last year's then empty (memory).
"""

from __future__ import annotations

from itertools import accumulate
import re

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
        # pairing, the compare screen's head), about a second each: the worker
        # that opens the pair computes it once, the interface thread finds it.
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
    a, a_sentences, a_joints = _substrings(a_text)
    b, b_sentences, _ = _substrings(b_text)
    if a_sentences is None or b_sentences is None:
        return len(a & b) / len(a)
    # |S(A) - S(B)| is the union of (S(p) - S(B)) over A's sentences p, and
    # of A's joints' substrings less S(B); a sentence that is also one of
    # B's lies within S(B): only A's new sentences and its joints are looked
    # up (a narrative keeps most of last year's).
    missing = a_joints - b
    new = a_sentences - b_sentences
    if new:
        missing.update(*[_PIECES.get(p) - b for p in new])
    return (len(a) - len(missing)) / len(a)


def _similarity_long(a_text, b_text):
    """similarity() of long texts (a 2 MB narrative: 680,000 substrings),
    exactly the same figure, with no loop over characters in Python:

    * both texts are encoded at a fixed width per character (1 byte when
      both are ASCII, 2 when all characters are in the BMP, else 4;
      `surrogatepass` keeps a lone surrogate one unit wide), so a substring
      is a slice of N units and equal substrings are equal slices;
    * `re.findall` cuts the encoding into back-to-back slices of N
      characters from each of the N first offsets: together every
      substring, made in C;
    * this year's slices fill one set, S(A); last year's are then removed
      from it (`difference_update`), so S(B) is never held and what is
      left is S(A) minus S(B): |S(A) ∩ S(B)| = |S(A)| - what is left.
    """
    if a_text.isascii() and b_text.isascii():
        width, a, b = 1, a_text.encode("ascii"), b_text.encode("ascii")
    else:
        width, a, b = 2, a_text.encode("utf-16-le", "surrogatepass"), b_text.encode("utf-16-le", "surrogatepass")
        if len(a) != 2 * len(a_text) or len(b) != 2 * len(b_text):  # a character beyond the BMP: 2 units
            width, a, b = 4, a_text.encode("utf-32-le", "surrogatepass"), b_text.encode("utf-32-le", "surrogatepass")
    step = N * width
    slices = re.compile(b".{%d}" % step, re.S).findall
    s = set()
    for part in _cuts(a, step, width):
        s.update(slices(a, *part))
    total = len(s)
    for part in _cuts(b, step, width):
        s.difference_update(slices(b, *part))
    return (total - len(s)) / total


_CUT_SUBSTRINGS = 16_384  # per findall call


def _cuts(encoded, step, width):
    """(start, end) of the findall calls that cut `encoded` into its substrings
    of `step` bytes from each of the N first offsets: each call cuts at most
    _CUT_SUBSTRINGS back to back (a multiple of `step`, so the slices line up
    as in one call over the whole). One call over a 2 MB text held the
    interpreter for tens of milliseconds, and a thread that computes the
    figure (the workbench opening a pair) held the interface with it."""
    chunk = step * _CUT_SUBSTRINGS
    size = len(encoded)
    for k in range(0, step, width):
        for start in range(k, size, chunk):
            yield start, min(start + chunk, size)


# -- caches (per process; bounded) ---------------------------------------------

_MEMO = {}
_MEMO_SIZE = 32
_MEMO_MAX_CHARS = 20_000  # longer texts are neither kept nor split
_PIECE_END = "。"
_PIECES_SIZE = 1024  # sentences per generation; at most two generations are kept


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

    def get(self, key):
        found = self.new.get(key)
        return self.fill(key) if found is None else found


_NORMALISED = {}
_LONG_RESULTS = {}  # (this year's text, last year's) -> figure, for texts over _MEMO_MAX_CHARS
_LONG_RESULTS_SIZE = 4


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
    normalised once: the digit scan costs about 12 ns a character, and
    normalising was a sixth of a year-over-year check."""
    kept, fill = _SENTENCES.new.get, _SENTENCES.fill
    return _PIECE_END.join([kept(s) or fill(s) for s in text.split(_PIECE_END)])


def _direct(t):
    return {t[i:i + N] for i in range(len(t) - N + 1)}, None, None


# A piece's substrings are cut by mapping its __getitem__ over these slices
# (made as long pieces first need them, at most _MEMO_MAX_CHARS: making all
# 20,000 at import cost 8 ms): the set is built in C, 10 % quicker than
# slicing in a comprehension and then freezing.
_SLICES = []


def _more_slices(count):
    _SLICES.extend(slice(i, i + N) for i in range(len(_SLICES), max(count, 2 * len(_SLICES), 256)))


def _cut(p):
    """S(p) of a sentence (at least N characters)."""
    count = len(p) - N + 1
    if count > len(_SLICES):
        _more_slices(count)
    return frozenset(map(p.__getitem__, _SLICES[:count]))


_PIECES = _Kept(_cut, _PIECES_SIZE)  # a sentence (normalised) -> S(sentence)
_SENTENCES = _Kept(normalise, _PIECES_SIZE)  # a sentence as written -> normalised


def _by_pieces(t):
    """(S(t), its sentences, its joints' substrings): S(t) is the union of
    the sets of its sentences (cut at each 。, which str.split does in C)
    and of the substrings that hold a 。 (its joints')."""
    parts = t.split(_PIECE_END)
    last = len(t) - N  # the last start of a substring
    # c: one past each 。 (the last part has none after it); the substrings
    # that hold it start from c - N to c - 1
    joints = {t[i:i + N] for c in accumulate([len(p) + 1 for p in parts[:-1]])
              for i in range(c - N if c > N else 0, c if c <= last else last + 1)}
    sentences = [p for p in parts if len(p) >= N]
    kept, fill = _PIECES.new.get, _PIECES.fill
    whole = set(joints)
    whole.update(*[kept(p) or fill(p) for p in sentences])
    return whole, frozenset(sentences), joints


def _substrings(t):
    """(S(t), the sentences whose sets make it up and its joints' substrings,
    or None twice when it was cut directly) of a normalised text of at most
    _MEMO_MAX_CHARS (longer ones take _similarity_long)."""
    return _remember(_MEMO, _MEMO_SIZE, t, _by_pieces if _PIECE_END in t else _direct, t)
