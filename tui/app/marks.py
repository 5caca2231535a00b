"""Marks on cells: which glyph and style each address carries, from findings.

A cell involved in several findings shows the worst: error, then warning,
then info; a cell whose findings are all accepted shows ≃ (GLYPHS["accepted"]). A cell with an
import flag not yet confirmed (import.unconfirmed) shows ? before anything
else: until it is checked against the original, its value itself is in doubt.
"""

from rich.text import Text

from tui.core.findings import GLYPHS, UNCONFIRMED
from tui.core.review import normal_address

# An edited cell (or narrative) whose value is not yet saved (issue 13.10): a glyph,
# never colour alone; it goes when the file is saved (or the edit undone).
UNSAVED_GLYPH = "✎"
UNSAVED_WORDS = f"{UNSAVED_GLYPH} 未保存"    # in status lines


def unsaved_text(colours, words=UNSAVED_GLYPH):
    """The unsaved mark as every screen shows it (report and side-by-side): one style."""
    return Text(words, style="bold " + colours.get("warning", ""))


def is_unsaved(address, unsaved):
    """Whether a shown cell holds an unsaved edit: its own, or its row's when a row was added."""
    return bool(unsaved) and (address in unsaved or address.split("[", 1)[0] in unsaved)


def any_unsaved(addresses, unsaved):
    """Whether any of `addresses` holds an unsaved edit (a cell shown as the sum of several)."""
    return bool(unsaved) and any(is_unsaved(a, unsaved) for a in addresses)


_RANK = {"error": 3, "warning": 2, "info": 1, "accepted": 0}


class Mark:
    __slots__ = ("kind", "findings", "unconfirmed")

    def __init__(self):
        self.kind = None
        self.findings = []
        self.unconfirmed = False

    @property
    def glyph(self):
        return GLYPHS["unconfirmed"] if self.unconfirmed else GLYPHS[self.kind]

    def first(self, finding):
        """A copy of the mark listing `finding` first."""
        m = Mark()
        m.kind = self.kind
        m.unconfirmed = self.unconfirmed
        m.findings = [finding] + [f for f in self.findings if f is not finding]
        return m

    def add(self, finding):
        if finding.rule == UNCONFIRMED and not finding.accepted:
            self.unconfirmed = True
            self.findings.insert(0, finding)
        else:
            self.findings.append(finding)
        kind = "accepted" if finding.accepted else finding.severity
        if self.kind is None or _RANK[kind] > _RANK[self.kind]:
            self.kind = kind


def marks_for(findings, side="current"):
    """{address: Mark}. side="previous" marks a year-over-year finding's cells in the earlier report."""
    marks = {}
    for f in findings:
        if side == "previous":
            cells = (f.previous or {}).get("cells", [])
        else:
            cells = f.cells
        for cell in cells:
            marks.setdefault(normal_address(cell), Mark()).add(f)
    return marks
