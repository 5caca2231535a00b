"""CSV of the summary, for spreadsheets.

A string cell that a spreadsheet would take for a formula (starting with
`= + - @`, tab or carriage return) gets a leading `'` (OWASP's advice for
CSV injection): report files are untrusted. The last row holds the totals.
"""

import csv
import io

from tui.core.opinion.escape import printable
from tui.core.opinion.model import SUMMARY_COLUMNS

HEAD = [label for _, label in SUMMARY_COLUMNS]
KEYS = ("agency", "year", "edition", "errors", "warnings", "accepted", "state_name", "reviewer", "date", "file")


def _safe(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    s = printable(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def render_summary(summary):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEAD)
    for r in summary.rows:
        w.writerow([_safe(getattr(r, k)) for k in KEYS])
    t = summary.totals_row()
    w.writerow([_safe(t[k]) for k in KEYS])
    for f, e in summary.invalid:
        w.writerow([_safe("（无法读取）"), "", "", "", "", "", "", "", "", _safe(f)])
    return out.getvalue()
