"""Finding: one rule's verdict on one place in a report (FORMAT.md §2)."""

from __future__ import annotations

import math

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# The one glyph per severity, shared by `check`'s text output and the workbench.
# All are narrow, unambiguous-width characters (FIELD-NOTES: avoid ①, ±, …).
# Each meaning has its own glyph (issue 13.5): ✓ no problems found, ≃ a finding
# the reviewer accepted, and (tui.core.review.STATE_GLYPHS) ◉ approved.
GLYPHS = {ERROR: "✗", WARNING: "!", INFO: "i", "accepted": "≃", "unconfirmed": "?", "clean": "✓"}
UNCONFIRMED = "import.unconfirmed"  # an import flag not yet checked against the original: its own glyph
SEVERITY_NAMES = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
# Said of a finding whose acceptance lapsed (FORMAT.md §5: the figures changed).
LAPSED_NOTE = "已接受的数字已变化"


class Finding:
    __slots__ = ("rule", "severity", "message", "cells", "expected", "actual", "previous", "accepted", "span",
                 "lapsed")

    def __init__(self, rule, severity, message, cells, expected=None, actual=None, previous=None):
        self.rule = rule
        self.severity = severity
        self.message = message
        self.cells = list(cells)
        self.expected = expected
        self.actual = actual
        self.previous = previous  # {"file": ..., "cells": [...]} on year-over-year findings
        self.accepted = False
        # (address, start, end): the characters of a string cell the finding is
        # about (a placeholder, a year, a claim's clause), for highlighting.
        self.span = None
        # True when an acceptance names this finding's rule and first cell but
        # accepted other figures (FORMAT.md §5): it lapsed.
        self.lapsed = False

    @property
    def first(self):
        return self.cells[0] if self.cells else None

    @property
    def glyph(self):
        if self.accepted:
            return GLYPHS["accepted"]
        return GLYPHS["unconfirmed"] if self.rule == UNCONFIRMED else GLYPHS[self.severity]

    @property
    def blocking(self):
        """An unaccepted error blocks approval and makes `check` exit 1."""
        return self.severity == ERROR and not self.accepted

    def to_json(self):
        doc = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "cells": self.cells,
            "expected": jsonable(self.expected),
            "actual": jsonable(self.actual),
            "accepted": self.accepted,
        }
        if self.previous is not None:
            doc["previous"] = self.previous
        return doc

    def __getstate__(self):
        return tuple(getattr(self, s) for s in self.__slots__)

    def __setstate__(self, state):
        for s, v in zip(self.__slots__, state):
            setattr(self, s, v)

    def __repr__(self):
        return f"Finding({self.rule!r}, {self.severity!r}, {self.first!r})"


def jsonable(value):
    """`expected`/`actual` for the JSON output: a number, a string or a
    boolean (cell.value reports the cell's own value, FORMAT.md §2), else
    null. `nan` and `inf` (valid TOML floats) become null too: json.dumps
    would write NaN/Infinity, which is not JSON."""
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None


_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def sort_key(finding: Finding) -> tuple:
    return (_ORDER.get(finding.severity, 3), finding.rule, finding.first or "")
