"""The report list's data: one small Entry per file, sorting and filtering.

No rendering here (tui.app.screens.report_list draws the rows that are on
screen) and no report data: an Entry holds what a row shows, a few hundred
bytes, so 50,000 reports fit in a few tens of MB. The report itself is read
from disk again when it is opened. Entries fill in as the check goes: first
the file name, then identity (agency, year, form), then the counts.
"""

import os

from tui.core.review import STATE_NAMES

PENDING, IDENTIFIED, CHECKED, INVALID = "pending", "identified", "checked", "invalid"

SORTS = (("agency", "机关"), ("year", "年度"), ("errors", "错误数"), ("warnings", "警告数"),
         ("signoff", "签核"), ("file", "文件"))


class Entry:
    """One row. `checked` and `report` are the entry itself once known (so
    `e.checked.errors` and `e.report.year` read as they did when rows held
    whole reports), else None."""

    __slots__ = ("file", "agency", "year", "form", "errors", "warnings", "signoff", "detail", "digest",
                 "invalid", "state", "_search")

    def __init__(self, file):
        self.file = file
        self.agency = ""
        self.year = 0
        self.form = ""
        self.errors = self.warnings = 0
        self.signoff = ""
        self.detail = ""
        self.digest = ""
        self.invalid = None
        self.state = PENDING
        self._search = None

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
        self._search = None

    def checked_as(self, summary):
        (self.agency, self.year, self.form, self.errors, self.warnings, self.signoff, self.detail,
         self.digest) = summary
        self.state = CHECKED
        self._search = None

    def failed(self, invalid):
        self.invalid, self.state = invalid, INVALID
        self._search = None

    def sort_value(self, key):
        if self.state == INVALID:
            return {"agency": "", "year": 0, "errors": 10**9, "warnings": 0, "signoff": "", "file": self.file}[key]
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
    """Entries in file order; `shown` is them sorted and filtered (a new list,
    the entries themselves are shared)."""

    def __init__(self, entries=()):
        self.entries = list(entries)
        self.sort_index = 0
        self.reverse = False
        self.terms = []
        self.shown = list(self.entries)

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
        """Sort and filter again (50,000 entries: some tens of ms)."""
        key = self.sort_key
        terms = self.terms
        entries = self.entries
        if terms:
            entries = [e for e in entries if all(t in e.search_text() for t in terms)]
        if key == "file":
            self.shown = sorted(entries, key=_file, reverse=self.reverse)
        else:
            self.shown = sorted(entries, key=lambda e: (e.sort_value(key), e.file), reverse=self.reverse)
        return self.shown

    def index_of(self, file):
        for i, e in enumerate(self.shown):
            if e.file == file:
                return i
        return None

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


def _file(e):
    return e.file
