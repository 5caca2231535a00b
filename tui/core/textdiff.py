"""Where two narratives differ: a readable, deterministic diff of Chinese text.

diff-match-patch does the diffing, but never on raw characters (FIELD-NOTES:
it splits numbers mid-digit and finds no word boundaries in Chinese) and
never with a time limit (its default `Diff_Timeout` makes the result depend
on CPU speed). Instead, in three levels:

1. Both texts are cut into tokens (a number with its separators such as
   `1,200` or `3.5`, a Latin word, a whitespace run, or one other character)
   and the tokens into sentences (ending at 。！？；, or a line break).
   Sentences are mapped to single characters, as `diff_linesToChars` maps
   lines, and diffed; digits count as `0` here, so a sentence whose only
   change is a number still anchors the alignment. Past UNIT_LIMIT
   sentences a side (a 2 MB narrative has ~20,000), the texts are first
   aligned on the sentences found once on each side (patience diff) and
   the stretches between are diffed so.
2. Inside each changed stretch, old and new sentences are paired by
   similarity (the most similar monotone chain of candidate pairs); unpaired
   sentences are whole deletions or insertions.
3. Each pair is diffed token by token (tokens mapped to characters). A
   pair too large for that is split into clauses (at ，、：) and aligned the
   same way; what is still too large is shown as a whole replacement.

All work is counted in a deterministic budget (the cost of diff-match-patch
grows with the square of an unrelated pair's length), so the time is
bounded and the same inputs always give the same operations.

diff_match_patch is imported inside functions: importing tui.core must not
load it (`nianbao check` never needs it).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from itertools import chain
from decimal import Decimal

from tui.core.similarity import similarity as text_similarity
from tui.core.yoy import COPY_MIN_CHARS, COPY_THRESHOLD  # the yoy.text-copied thresholds

DELETE, EQUAL, INSERT = -1, 0, 1

# A number keeps its separators (1,200 / 3.5 / 2023); then Latin words,
# whitespace runs, and any other single character (CJK, punctuation).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+|\s+|.", re.S)
_SENTENCE_END = frozenset("。！？；!?;")
_CLOSERS = frozenset("”’」』）)》\"'")
_CLAUSE_END = frozenset("，、：,:")
_DIGITS = re.compile(r"\d")

# Work limits, in diff-match-patch bisect steps: about (n + m) * D for a pair
# of n and m tokens at edit distance D, so up to (n + m) ** 2 for an
# unrelated pair; ~0.16 us a step on a 2020s CPU. Deterministic: they count
# work, never time.
PAIR_LIMIT = 140 ** 2          # refine a pair token by token only up to this size...
TOTAL_LIMIT = 100_000          # ...and only while the refinements so far cost less
                               # (a rewritten year-over-year narrative spends ~10,000)
UNIT_LIMIT = 800               # sentences per side beyond which diff-match-patch is not used: aligned on
                               # the sentences found once on each side instead
PAIR_CELLS = 200 * 200         # old x new units beyond which a changed stretch is not paired
PAIR_CANDIDATES = 4            # candidate partners kept per old unit
MIN_PAIR_SIMILARITY = 0.5      # Dice coefficient of character bigrams


# -- tokens and units ------------------------------------------------------

_SPAN = 20_000  # characters a single findall scans: it holds the GIL throughout


def _token_cut(text, at):
    """The first offset from `at` that no token spans: between two characters that are each
    a token alone (not a digit, a space nor an ASCII letter, nor the `.`/`,` inside a number)."""
    n = len(text)
    while at < n:
        a, b = text[at - 1], text[at]
        if a > "\x7f" and b > "\x7f" and not (a.isdecimal() or a.isspace() or b.isdecimal() or b.isspace()):
            return at
        at += 1
    return n


def tokenize(text: str) -> list[str]:
    """The tokens of `text`; they join back to `text` exactly.

    A long text is scanned a stretch at a time: one findall over a 2 MB narrative held the
    interpreter ~0.1 s, and the interface thread with it (the diff runs in a worker)."""
    if len(text) <= _SPAN:
        return _TOKEN.findall(text)
    out, start = [], 0
    while start < len(text):
        end = _token_cut(text, start + _SPAN)
        out.extend(_TOKEN.findall(text, start, end))
        start = end
    return out


def _group(tokens, ends, breaks_on_newline):
    """Group tokens into units, each ending after an end mark (plus closing quotes)."""
    units, cur = [], []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if breaks_on_newline and "\n" in tok:
            if cur:
                units.append(tuple(cur))
                cur = []
            units.append((tok,))
            i += 1
            continue
        cur.append(tok)
        i += 1
        if tok in ends:
            while i < n and (tokens[i] in ends or tokens[i] in _CLOSERS):
                cur.append(tokens[i])
                i += 1
            units.append(tuple(cur))
            cur = []
    if cur:
        units.append(tuple(cur))
    return units


def sentences(text):
    """The sentences of `text` as strings (for display and tests)."""
    return ["".join(u) for u in _group(tokenize(text), _SENTENCE_END, True)]


def _normal(unit):
    """The alignment key of a unit: digits as 0, so number changes still anchor."""
    return _DIGITS.sub("0", "".join(unit))


def _bigrams(text):
    t = "".join(text.split())
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


# -- diff-match-patch over mapped units -------------------------------------

def _codepoint(i):
    """Private-use code points: no meaning to diff-match-patch's cleanups."""
    if i < 6400:
        return 0xE000 + i
    if i < 6400 + 131072:
        return 0xF0000 + i - 6400
    raise OverflowError("too many distinct units")


def _new_dmp():
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # never a clock: the result must not depend on CPU speed
    return dmp


def _encode(a, b, key):
    table = {}

    def enc(seq):
        out = []
        for u in seq:
            k = key(u)
            code = table.get(k)
            if code is None:
                code = table[k] = chr(_codepoint(len(table)))
            out.append(code)
        return "".join(out)

    return enc(a), enc(b)


def _unit_diff(dmp, a, b, key, semantic=False):
    """Diff two unit sequences; [(op, [units of a or b])], in order."""
    ea, eb = _encode(a, b, key)
    diffs = dmp.diff_main(ea, eb, False)
    if semantic:
        dmp.diff_cleanupSemantic(diffs)
    out, ia, ib = [], 0, 0
    for op, chars in diffs:
        n = len(chars)
        if op == EQUAL:
            out.append((EQUAL, a[ia:ia + n], b[ib:ib + n]))
            ia += n
            ib += n
        elif op == DELETE:
            out.append((DELETE, a[ia:ia + n], None))
            ia += n
        else:
            out.append((INSERT, None, b[ib:ib + n]))
            ib += n
    return out


# -- the three levels ---------------------------------------------------------

class _Differ:
    def __init__(self):
        self.dmp = _new_dmp()
        self.spent = 0
        self.out = []

    def emit(self, op, text):
        if text:
            self.out.append((op, text))

    def whole(self, a_units, b_units):
        self.emit(DELETE, "".join("".join(u) for u in a_units))
        self.emit(INSERT, "".join("".join(u) for u in b_units))

    # units: sentences (level 0) or, inside a pair too large for tokens, clauses (level 1)
    def units(self, a, b, level, anchor=True):
        if len(a) > UNIT_LIMIT or len(b) > UNIT_LIMIT:
            a, b, head, tail = _trim(a, b)
            self.emit(EQUAL, "".join("".join(u) for u in head))
            self.anchored(a, b, level) if anchor else self.whole(a, b)
            self.emit(EQUAL, "".join("".join(u) for u in tail))
            return
        old, new = [], []
        diffs = _unit_diff(self.dmp, a, b, _normal)
        if level:  # clause alignment inside a pair counts against the budget too
            self.spent += (len(a) + len(b)) * sum(len(ua or ub) for op, ua, ub in diffs if op != EQUAL)
        for op, ua, ub in diffs:
            if op == EQUAL:
                self.stretch(old, new, level)
                old, new = [], []
                for x, y in zip(ua, ub):
                    if x == y:
                        self.emit(EQUAL, "".join(x))
                    else:  # only digits differ: a cheap token diff
                        self.pair(x, y, level)
            elif op == DELETE:
                old.extend(ua)
            else:
                new.extend(ub)
        self.stretch(old, new, level)

    def anchored(self, a, b, level):
        """Too many units for diff-match-patch (a 2 MB narrative has ~20,000 sentences): aligned on the
        units found once on each side (patience diff), the stretches between diffed as usual; a stretch
        still too long is a whole replacement (one level of anchors: the work stays n log n)."""
        start_a = start_b = 0
        for i, j in [*_anchors(a, b), (len(a), len(b))]:
            gap_a, gap_b = a[start_a:i], b[start_b:j]
            if gap_a and gap_b:
                self.units(gap_a, gap_b, level, anchor=False)
            else:
                self.whole(gap_a, gap_b)
            if i < len(a):
                self.emit(EQUAL, "".join(a[i]))
            start_a, start_b = i + 1, j + 1

    def stretch(self, old, new, level):
        """A changed stretch: pair similar units, refine pairs, the rest whole."""
        if not old or not new:
            self.whole(old, new)
            return
        for i, j in _align(old, new):
            if j is None:
                self.emit(DELETE, "".join(old[i]))
            elif i is None:
                self.emit(INSERT, "".join(new[j]))
            else:
                self.pair(old[i], new[j], level)

    # one pair of units, token by token
    def pair(self, a, b, level):
        a, b, head, tail = _trim(list(a), list(b))
        self.emit(EQUAL, "".join(head))
        size = len(a) + len(b)
        if not a or not b:
            self.emit(DELETE, "".join(a))
            self.emit(INSERT, "".join(b))
        elif size * size <= PAIR_LIMIT and self.spent < TOTAL_LIMIT:
            edits = 0
            for op, ua, ub in _unit_diff(self.dmp, a, b, lambda t: t, semantic=True):
                part = ua if op != INSERT else ub
                if op != EQUAL:
                    edits += len(part)
                self.emit(op, "".join(part))
            # Charge what the bisection cost (about size * edit distance), so that
            # similar pairs cost little and unrelated ones soon exhaust the budget.
            self.spent += size * edits
        elif level == 0 and self.spent < TOTAL_LIMIT:
            self.units(_group(a, _CLAUSE_END, False), _group(b, _CLAUSE_END, False), 1)
        else:
            self.emit(DELETE, "".join(a))
            self.emit(INSERT, "".join(b))
        self.emit(EQUAL, "".join(tail))


def _anchors(ka, kb):
    """[(i, j)]: units found once in `ka` and once in `kb`, the longest chain increasing on both sides
    (patience sorting; ties cannot occur, so it is deterministic). Exact units, not `_normal` keys: a
    report's sentences often differ only in their numbers, and those the stretches' diff pairs."""
    count_a, count_b = Counter(ka), Counter(kb)
    in_b = {k: j for j, k in enumerate(kb) if count_b[k] == 1}
    pairs = [(i, in_b[k]) for i, k in enumerate(ka) if count_a[k] == 1 and k in in_b]
    tails, ends, before = [], [], [None] * len(pairs)  # tails[n]: least j ending a chain of n + 1
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            ends.append(n)
        else:
            tails[k], ends[k] = j, n
        before[n] = ends[k - 1] if k else None
    chain_, n = [], ends[-1] if ends else None
    while n is not None:
        chain_.append(pairs[n])
        n = before[n]
    return chain_[::-1]


def _trim(a, b):
    """Strip the common head and tail of two lists: (a, b, head, tail)."""
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[-1 - s] == b[-1 - s]:
        s += 1
    head = a[:p]
    tail = a[len(a) - s:] if s else []
    return a[p:len(a) - s], b[p:len(b) - s], head, tail


def _align(old, new):
    """Monotone pairing of similar units: [(i, j)] with None for an unpaired side.

    Candidates are the pairs with a Dice coefficient of character bigrams of
    at least MIN_PAIR_SIMILARITY, found through an inverted bigram index (the
    best PAIR_CANDIDATES per old unit); the pairing is the chain of candidates,
    increasing on both sides, with the largest total similarity (a weighted
    longest increasing subsequence, O(K log n)). Exact, and far from the
    diagonal too: one rewritten sentence after fifty inserted ones still pairs.
    """
    m, n = len(old), len(new)
    if m * n > PAIR_CELLS:
        return [(i, None) for i in range(m)] + [(None, j) for j in range(n)]
    ga = [_bigrams(_normal(u)) for u in old]
    gb = [_bigrams(_normal(u)) for u in new]
    index = {}
    for j, grams in enumerate(gb):
        for g in grams:
            index.setdefault(g, []).append(j)
    cands = []  # (i, j, dice), i ascending
    for i, grams in enumerate(ga):
        if not grams:
            continue
        shared = Counter(chain.from_iterable(index[g] for g in grams if g in index))
        size = len(grams)
        best = []
        for j, k in shared.items():
            dice = 2 * k / (size + len(gb[j]))
            if dice >= MIN_PAIR_SIMILARITY:
                best.append((-dice, j))
        best.sort()
        cands.extend((i, j, -d) for d, j in best[:PAIR_CANDIDATES])
    pairs = _best_chain(cands, n)
    out, pi, pj = [], 0, 0
    for i, j in pairs + [(m, n)]:
        out.extend((k, None) for k in range(pi, i))
        out.extend((None, k) for k in range(pj, j))
        if i < m:
            out.append((i, j))
        pi, pj = i + 1, j + 1
    return out


def _best_chain(cands, n):
    """The chain of (i, j) strictly increasing in both with the largest total weight."""
    tree = [(0.0, -1)] * (n + 1)  # Fenwick tree over j: best (score, candidate) ending below j

    def query(j):  # best over columns < j
        best = (0.0, -1)
        while j > 0:
            if tree[j] > best:
                best = tree[j]
            j -= j & -j
        return best

    def update(j, value):  # column j (0-based)
        j += 1
        while j <= n:
            if value > tree[j]:
                tree[j] = value
            j += j & -j

    score, back = [0.0] * len(cands), [-1] * len(cands)
    k = 0
    while k < len(cands):  # one old unit at a time: query all its candidates, then update
        end = k
        while end < len(cands) and cands[end][0] == cands[k][0]:
            end += 1
        for c in range(k, end):
            prev_score, prev = query(cands[c][1])
            score[c], back[c] = prev_score + cands[c][2], prev
        for c in range(k, end):
            update(cands[c][1], (score[c], c))
        k = end
    if not cands:
        return []
    c = max(range(len(cands)), key=lambda x: (score[x], -x))
    chain = []
    while c != -1:
        chain.append(cands[c][:2])
        c = back[c]
    chain.reverse()
    return chain


def _merge(ops):
    """Join neighbours with the same op; between equalities, deletion before insertion."""
    out = []
    dels, ins = [], []
    for op, text in ops:
        if not text:
            continue
        if op == EQUAL:
            if dels:
                out.append((DELETE, "".join(dels)))
            if ins:
                out.append((INSERT, "".join(ins)))
            dels, ins = [], []
            if out and out[-1][0] == EQUAL:
                out[-1] = (EQUAL, out[-1][1] + text)
            else:
                out.append((EQUAL, text))
        elif op == DELETE:
            dels.append(text)
        else:
            ins.append(text)
    if dels:
        out.append((DELETE, "".join(dels)))
    if ins:
        out.append((INSERT, "".join(ins)))
    return out


# -- public API ---------------------------------------------------------------

def diff_text(old: str, new: str) -> list[tuple[int, str]]:
    """[(op, text)] turning `old` into `new`; op is -1 delete, 0 equal, 1 insert.

    Numbers are never split (`1,200` → `1,350` is one deletion and one
    insertion), the result does not depend on time or CPU speed, and the work
    is bounded (see the module docstring).
    """
    old = old or ""
    new = new or ""
    if old == new:
        return [(EQUAL, old)] if old else []
    if not old or not new:
        return [(DELETE, old)] if old else [(INSERT, new)]
    d = _Differ()
    d.units(_group(tokenize(old), _SENTENCE_END, True), _group(tokenize(new), _SENTENCE_END, True), 0)
    return _merge(d.out)


def old_text(ops: list[tuple[int, str]]) -> str:
    return "".join(t for op, t in ops if op != INSERT)


def new_text(ops: list[tuple[int, str]]) -> str:
    return "".join(t for op, t in ops if op != DELETE)


ELIDE_MIN = 20  # never hide fewer characters than this
DELETE_MARKS = ("[-", "-]")
INSERT_MARKS = ("{+", "+}")


def render_markup(ops: list[tuple[int, str]], context: int | None = None) -> str:
    """Plain text that reads without colour: `[-删除-]{+插入+}`.

    With `context` (characters), an unchanged stretch longer than twice that
    keeps `context` characters at each end and says how much was left out.
    """
    out = []
    last = len(ops) - 1
    for k, (op, text) in enumerate(ops):
        if op == DELETE:
            out.append(f"{DELETE_MARKS[0]}{text}{DELETE_MARKS[1]}")
        elif op == INSERT:
            out.append(f"{INSERT_MARKS[0]}{text}{INSERT_MARKS[1]}")
        else:
            out.append(elide(text, context, keep_head=k > 0, keep_tail=k < last))
    return "".join(out)


def elide(text: str, context: int, keep_head: bool = True, keep_tail: bool = True) -> str:
    """Shorten an unchanged stretch to `context` characters at the ends that touch a change."""
    if context is None:
        return text
    head = context if keep_head else 0
    tail = context if keep_tail else 0
    if len(text) - head - tail < ELIDE_MIN:
        return text
    left = len(text) - head - tail
    return f"{text[:head]}〔略 {left} 字〕{text[len(text) - tail:] if tail else ''}"


def diff_stats(ops: list[tuple[int, str]]) -> tuple[int, int]:
    """(deleted characters, inserted characters)."""
    return (sum(len(t) for op, t in ops if op == DELETE), sum(len(t) for op, t in ops if op == INSERT))


class TextComparison:
    """One [text] key of two reports.

    `old`/`new` are the texts (None where a report lacks the key), `ops` the
    diff (computed on first use when not given, so a screen can build it off
    the UI thread), `similarity` the FORMAT.md §2 measure of new against old
    (0.0 unless both exist), `copied` the yoy.text-copied verdict.
    """

    __slots__ = ("key", "label", "old", "new", "_ops", "similarity")

    def __init__(self, key, label, old, new, ops=None, similarity=None):
        self.key = key
        self.label = label
        self.old = old
        self.new = new
        self._ops = ops
        if similarity is None:
            similarity = text_similarity(new, old) if old is not None and new is not None else 0.0
        self.similarity = similarity

    @property
    def address(self):
        from tui.core.address import format_address

        return format_address(("text", self.key))

    @property
    def ops(self):
        if self._ops is None:
            self._ops = diff_text(self.old or "", self.new or "")
        return self._ops

    @property
    def changed(self):
        return self.old != self.new

    @property
    def copied(self):
        return (self.old is not None and self.new is not None and len(self.new) >= COPY_MIN_CHARS
                and self.similarity >= COPY_THRESHOLD)

    @property
    def percent(self):
        """The similarity as a whole percentage, rounded down (79.9 % never reads as 80 %)."""
        return int(Decimal(repr(self.similarity)) * 100)

    def __repr__(self):
        return f"TextComparison({self.key!r}, similarity={self.similarity:.3f}, copied={self.copied})"
