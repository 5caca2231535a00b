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

from tui.core.review import STATE_NAMES

PENDING, IDENTIFIED, CHECKED, INVALID = "pending", "identified", "checked", "invalid"

SORTS = (("agency", "机关"), ("year", "年度"), ("errors", "错误数"), ("warnings", "警告数"),
         ("signoff", "签核"), ("file", "文件"))

_DIGITS = re.compile(r"(\d+)")


def natural(text):
    """Sort key reading digit runs as numbers: 测试机关1, 2, 10, 100 (issue 13.10)."""
    parts = _DIGITS.split(text)
    return [int(p) if i % 2 else p for i, p in enumerate(parts)]


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
    whole reports), else None."""

    __slots__ = ("file", "agency", "year", "form", "errors", "warnings", "signoff", "detail", "digest",
                 "stale", "summary", "invalid", "state", "_search", "_nat_agency", "_nat_file")

    def __init__(self, file):
        self.file = file
        self.agency = ""
        self.year = 0
        self.form = ""
        self.errors = self.warnings = 0
        self.signoff = ""
        self.detail = ""
        self.digest = ""
        self.stale = ""
        self.summary = None
        self.invalid = None
        self.state = PENDING
        self._search = None
        self._nat_agency = None
        self._nat_file = None

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
        self.agency, self.year, self.state = agency, year, IDENTIFIED
        self.invalid = None
        self._search = self._nat_agency = None

    def checked_as(self, row):
        (self.agency, self.year, self.form, self.errors, self.warnings, self.signoff, self.detail,
         self.digest, *extra) = row
        self.stale, self.summary = extra if extra else ("", None)
        self.invalid = None
        self.state = CHECKED
        self._search = self._nat_agency = None

    def failed(self, invalid):
        self.invalid, self.state = invalid, INVALID
        self.agency, self.year, self.summary = "", 0, None
        self._search = self._nat_agency = None

    def natural_file(self):
        if self._nat_file is None:
            self._nat_file = natural(self.file)
        return self._nat_file

    def sort_value(self, key):
        if key == "file":
            return self.natural_file()
        if self.state == INVALID:
            return {"agency": [""], "year": 0, "errors": 10**9, "warnings": 0, "signoff": ""}[key]
        if key == "agency":
            if self._nat_agency is None:
                self._nat_agency = natural(self.agency)
            return self._nat_agency
        if key in ("errors", "warnings") and self.state != CHECKED:
            return -1
        return getattr(self, key)

    def search_text(self):
        if self._search is None:
            if self.state == INVALID:
                self._search = f"{self.file} 无效 无法读取 {self.invalid.error}".lower()
            elif self.state == CHECKED:
                state = "有错误" if self.errors else ("有警告" if self.warnings else "无问题")
                self._search = " ".join([self.agency, str(self.year), self.form, STATE_NAMES[self.signoff],
                                         self.signoff, state, self.file]).lower()
            else:
                self._search = f"{self.agency} {self.year or ''} {self.file}".lower()
        return self._search


class ListModel:
    """Entries in file order; `shown` is them filtered and sorted (a new list,
    the entries themselves are shared)."""

    def __init__(self, entries=()):
        self.entries = list(entries)
        self.sort_index = 0
        self.reverse = False
        self.terms = []
        self.shown = list(self.entries)
        self._positions = None

    @property
    def sort_key(self):
        return SORTS[self.sort_index][0]

    def set_entries(self, entries):
        self.entries = list(entries)
        self.update()

    def set_filter(self, text):
        self.terms = text.lower().split()
        self.update()

    def sort_next(self):
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.reverse = self.sort_key in ("errors", "warnings")  # most problems first
        self.update()

    def sort_reverse(self):
        self.reverse = not self.reverse
        self.update()

    def update(self):
        """Filter and sort again (50,000 entries: some tens of ms)."""
        key = self.sort_key
        terms = self.terms
        entries = self.entries
        if terms:
            entries = [e for e in entries if all(t in e.search_text() for t in terms)]
        if key == "file":
            self.shown = sorted(entries, key=Entry.natural_file, reverse=self.reverse)
        else:
            self.shown = sorted(entries, key=lambda e: (e.sort_value(key), e.natural_file()), reverse=self.reverse)
        self._positions = None
        return self.shown

    def index_of(self, file):
        if self._positions is None:
            self._positions = {e.file: i for i, e in enumerate(self.shown)}
        return self._positions.get(file)

    def counts(self):
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
        return bad, warn, signed, invalid

    def related(self, entry):
        """Entries of the same agency for the entry's year and the year before (for pairing)."""
        return [e for e in self.entries if e is not entry and e.state == CHECKED and e.agency == entry.agency
                and e.year in (entry.year, entry.year - 1)]

    def of_agencies(self, agencies):
        """Every entry of these agencies: what a change to one of their files may re-pair."""
        return [e for e in self.entries if e.agency in agencies]
