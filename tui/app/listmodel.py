"""The report list's data: one small Entry per file, sorting and filtering.

No rendering here (tui.app.screens.report_list draws the rows that are on
screen) and no report data: an Entry holds what a row, its status line and
the summary export show, a few hundred bytes, so 50,000 reports fit in a few
tens of MB. The report itself is read from disk again when it is opened.
Entries fill in as the check goes: first the file name, then identity
(agency, year), then the counts (`row_of`, computed in the batch workers).
"""

import os
import re
import unicodedata
from operator import attrgetter

from tui.core.review import STATE_NAMES

PENDING, IDENTIFIED, CHECKED, INVALID = "pending", "identified", "checked", "invalid"

SORTS = (("agency", "机关"), ("year", "年度"), ("errors", "错误数"), ("warnings", "警告数"),
         ("signoff", "签核"), ("file", "文件"))

_DIGITS = re.compile(r"(\d+)")
_LOW = str.maketrans({"\x00": "\x01\x01", "\x01": "\x01\x02"})

# Bumped whenever an Entry changes (every change goes through Entry._set):
# what a ListModel derives from its entries (counts, the filtered list a
# narrower filter starts from) holds while it is unchanged.
_changes = [0]
# Bumped, per sort, when an Entry's value for that sort changes: a list
# sorted by agency stays sorted while the check fills in counts and states.
_moved = {"agency": 0, "year": 0, "errors": 0, "warnings": 0, "signoff": 0, "file": 0}


def natural(text):
    """Sort key reading digit runs as numbers: 测试机关1, 2, 10, 100 (issue 13.10);
    机关7 and 机关007 tie.

    A string, so that keys compare in C (50,000 agencies sort in ~20 ms; as
    lists of text and numbers, ~100 ms). It orders exactly as the list
    [text, number, text, …] would (tests/test_natural.py): each digit run
    becomes \\x00, then the length of its length, its length and its digits
    without leading zeros (fewer digits, a smaller number; no int(), so no
    limit on a run's length); \\x00 and \\x01 in the text are escaped as
    \\x01\\x01 and \\x01\\x02, so \\x00 stays below every character of it.
    """
    parts = _DIGITS.split(text.translate(_LOW) if "\x00" in text or "\x01" in text else text)
    for i in range(1, len(parts), 2):
        run = parts[i]
        if not run.isascii():  # other decimal digits (full-width …): their values
            run = "".join(map(str, map(unicodedata.decimal, run)))
        digits = run.lstrip("0") or "0"
        size = str(len(digits))
        parts[i] = "\x00" + str(len(size)) + size + digits
    return "".join(parts)


def row_of(checked):
    """What the list keeps of a checked report (runs in the batch workers, so
    the parent never holds report data): the row, the status line's first
    finding, the stale sign-off's reason and the summary export's row."""
    from tui.core.opinion.model import SummaryRow

    r = checked.report
    findings = checked.findings
    first = next((f for f in findings if f.blocking), findings[0] if findings else None)
    detail = "" if first is None else f"{first.glyph} {first.message}"
    stale = ""
    if checked.signoff == "stale":
        from tui.store.signoff import stale_description

        stale = stale_description(r.data, r.digest)
    return (r.agency, r.year, r.form.name, checked.errors, checked.warnings, checked.signoff, detail, r.digest,
            stale, SummaryRow(checked))


class Entry:
    """One row. `checked` and `report` are the entry itself once known (so
    `e.checked.errors` and `e.report.year` read as they did when rows held
    whole reports), else None. The sort keys and the search text are made
    when the entry changes, so a sort or a filter only reads attributes."""

    __slots__ = ("file", "agency", "year", "form", "errors", "warnings", "signoff", "detail", "digest",
                 "stale", "summary", "invalid", "state", "search", "sk_agency", "sk_errors", "sk_warnings",
                 "_nat_file")

    def __init__(self, file):
        self.file = file
        self.form = self.detail = self.digest = self.stale = ""
        self.summary = self.invalid = self._nat_file = None
        self.agency = self.year = self.signoff = self.sk_errors = self.sk_warnings = None
        self._set(PENDING, "", 0, 0, 0, "")

    def _set(self, state, agency, year, errors, warnings, signoff):
        _changes[0] += 1
        if state == CHECKED:
            sk_errors, sk_warnings = errors, warnings
            status = "有错误" if errors else ("有警告" if warnings else "无问题")
            self.search = " ".join([agency, str(year), self.form, STATE_NAMES[signoff], signoff, status,
                                    self.file]).lower()
        elif state == INVALID:
            sk_errors, sk_warnings = 10**9, 0  # unreadable files first when sorting by errors
            self.search = f"{self.file} 无效 无法读取 {self.invalid.error}".lower()
        else:
            sk_errors = sk_warnings = -1
            self.search = f"{agency} {year or ''} {self.file}".lower()
        if agency != self.agency:
            self.sk_agency = natural(agency)
        for key, old, new in (("agency", self.agency, agency), ("year", self.year, year),
                              ("errors", self.sk_errors, sk_errors), ("warnings", self.sk_warnings, sk_warnings),
                              ("signoff", self.signoff, signoff)):
            if old != new:
                _moved[key] += 1
        self.state, self.agency, self.year, self.errors, self.warnings, self.signoff = (
            state, agency, year, errors, warnings, signoff)
        self.sk_errors, self.sk_warnings = sk_errors, sk_warnings

    @property
    def checked(self):
        return self if self.state == CHECKED else None

    @property
    def report(self):
        return self if self.state in (IDENTIFIED, CHECKED) else None

    @property
    def name(self):
        return os.path.basename(self.file)

    def identified(self, agency, year):
        self.invalid = None
        self._set(IDENTIFIED, agency, year, 0, 0, "")

    def checked_as(self, row):
        agency, year, self.form, errors, warnings, signoff, self.detail, self.digest, *extra = row
        self.stale, self.summary = extra if extra else ("", None)
        self.invalid = None
        self._set(CHECKED, agency, year, errors, warnings, signoff)

    def failed(self, invalid):
        self.invalid, self.summary, self.form = invalid, None, ""
        self._set(INVALID, "", 0, 0, 0, "")

    def natural_file(self):
        if self._nat_file is None:
            self._nat_file = natural(self.file)
        return self._nat_file

    def sort_value(self, key):
        if key == "file":
            return self.natural_file()
        return getattr(self, _SORT_ATTRS[key])

    def search_text(self):
        return self.search


_SORT_ATTRS = {"agency": "sk_agency", "year": "year", "errors": "sk_errors", "warnings": "sk_warnings",
               "signoff": "signoff"}
_SORT_KEYS = {k: attrgetter(a) for k, a in _SORT_ATTRS.items()}


class ListModel:
    """Entries in file order; `shown` is them filtered and sorted (a new list,
    the entries themselves are shared)."""

    def __init__(self, entries=()):
        self.sort_index = 0
        self.reverse = False
        self.terms = []
        self._counts = self._made = None
        self.set_entries(entries)

    @property
    def sort_key(self):
        return SORTS[self.sort_index][0]

    def set_entries(self, entries):
        self.entries = list(entries)
        # Ties sort by file name (naturally): a stable sort of the entries in
        # that order gives it without a second key.
        self._by_file = sorted(self.entries, key=Entry.natural_file)
        self._made = None
        self._sorted = None  # (sort, reverse, _moved[sort], every entry in that order)
        self.update()

    def set_filter(self, text):
        terms = text.lower().split()
        if terms == self.terms and self._unchanged():
            return self.shown
        narrower = self._unchanged() and _narrows(self.terms, terms)
        self.terms = terms
        if narrower:
            # Typing one more character: what shows now is what showed (already
            # filtered and sorted) less what the new terms drop. A keystroke
            # on 50,000 reports reads the rows left, not all and sorts none.
            self._shown(_filtered(self.shown, terms))
            return self.shown
        return self.update()

    def sort_next(self):
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.reverse = self.sort_key in ("errors", "warnings")  # most problems first
        self.update()

    def sort_reverse(self):
        self.reverse = not self.reverse
        self.update()

    def update(self):
        """Filter and sort again: attribute reads only (50,000 entries: tens of ms).
        The whole list's order is kept while no entry's value for the sort
        changes (a check filling in counts, sorted by agency): then an update
        only filters."""
        key, terms = self.sort_key, self.terms
        kept = self._sorted
        if kept is not None and kept[:3] == (key, self.reverse, _moved[key]):
            shown = _filtered(kept[3], terms)
        else:
            shown = self._sort(_filtered(self._by_file[::-1] if self.reverse else self._by_file, terms), key)
            if not terms:
                self._sorted = (key, self.reverse, _moved[key], shown)
        self._shown(shown)  # may be the kept list itself: `shown` is never changed in place
        self._made = _changes[0]
        return self.shown

    def _sort(self, entries, key):
        if key == "file":
            return list(entries)
        # reverse=True keeps equal entries in their (reversed) file order: ties reversed too
        return sorted(entries, key=_SORT_KEYS[key], reverse=self.reverse)

    def _shown(self, shown):
        self.shown = shown
        self._positions = None

    def _unchanged(self):
        """No entry changed since `shown` was made from them."""
        return self._made == _changes[0]

    def index_of(self, file):
        if self._positions is None:
            self._positions = {e.file: i for i, e in enumerate(self.shown)}
        return self._positions.get(file)

    def position(self, entry):
        """The row of `entry` in `shown`, or None: a scan in C (building
        index_of's table of 50,000 rows took 20 ms a keystroke)."""
        try:
            return self.shown.index(entry)
        except ValueError:
            return None

    def counts(self):
        """(with errors, with warnings only, approved, invalid), kept until an entry changes."""
        if self._counts is not None and self._counts[0] == _changes[0] and self._counts[1] is self.entries:
            return self._counts[2]
        bad = warn = signed = invalid = 0
        for e in self.entries:
            if e.state == CHECKED:
                if e.errors:
                    bad += 1
                elif e.warnings:
                    warn += 1
                if e.signoff == "approved":
                    signed += 1
            elif e.state == INVALID:
                invalid += 1
        self._counts = (_changes[0], self.entries, (bad, warn, signed, invalid))
        return bad, warn, signed, invalid

    def related(self, entry):
        """Entries of the same agency for the entry's year and the year before (for pairing)."""
        return [e for e in self.entries if e is not entry and e.state == CHECKED and e.agency == entry.agency
                and e.year in (entry.year, entry.year - 1)]

    def of_agencies(self, agencies):
        """Every entry of these agencies: what a change to one of their files may re-pair."""
        return [e for e in self.entries if e.agency in agencies]


def _filtered(entries, terms):
    """The entries whose search text holds every term, in order (the list
    itself when there is no term: callers never change it in place)."""
    for t in terms:
        entries = [e for e in entries if t in e.search]
    return entries


def _narrows(before, after):
    """True when every entry the terms `after` let through, `before` let
    through too: each earlier term lies within some later term (no term
    before lets every entry through)."""
    return all(any(b in a for a in after) for b in before)
