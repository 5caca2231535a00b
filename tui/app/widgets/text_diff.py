"""TextDiffView: one [text] key of two reports, as an inline diff.

Deleted text reads `[-删除-]`, inserted `{+新增+}`: the brackets carry the
meaning, colour (and strike-through / underline) only helps, so the view
reads the same under NO_COLOR. The head names the section, the similarity
of FORMAT.md §2 and, when the later text is mostly last year's, `! 内容雷同`.

The diff itself is computed by the screen in a worker thread; until it
arrives the view says so (`show_pending`), then `show_ops` renders it.
"""

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from tui.app.widgets.compare_table import SCREEN_KEYS
from tui.app.widgets.paragraph import Paragraph
from tui.core.textdiff import DELETE, DELETE_MARKS, INSERT, INSERT_MARKS, diff_stats

PENDING = "正在比较..."
COPIED = "内容雷同"


def diff_markup(ops, colours):
    """The ops as one Rich Text with bracketed, coloured deletions and insertions."""
    out = Text()
    deleted = f"strike {colours.get('error', '')}".strip()
    inserted = f"underline {colours.get('accepted', '')}".strip()
    for op, text in ops:
        if op == DELETE:
            out.append(DELETE_MARKS[0], style="bold " + colours.get("error", ""))
            out.append(text, style=deleted)
            out.append(DELETE_MARKS[1], style="bold " + colours.get("error", ""))
        elif op == INSERT:
            out.append(INSERT_MARKS[0], style="bold " + colours.get("accepted", ""))
            out.append(text, style=inserted)
            out.append(INSERT_MARKS[1], style="bold " + colours.get("accepted", ""))
        else:
            out.append(text)
    return out


class TextDiffView(Static, can_focus=True):
    BINDINGS = SCREEN_KEYS
    DEFAULT_CSS = """
    TextDiffView { height: auto; padding: 0 1; margin: 0 0 1 0; border-left: solid $panel; }
    TextDiffView:focus { border-left: thick $accent; background: $boost; }
    """

    class Moved(Message):
        def __init__(self, view):
            super().__init__()
            self.view = view

    def __init__(self, comparison, years, **kwargs):
        super().__init__("", **kwargs)
        self.comparison = comparison   # a TextComparison
        self.years = years             # {"old": "2023", "new": "2024"}
        self.ops = None
        self.rendered = Text()         # what is shown, unwrapped (tests and search read it)
        self.marks = {}
        self.colours = {}

    @property
    def key(self):
        return self.comparison.key

    @property
    def address(self):
        return self.comparison.address

    @property
    def pending(self):
        return self.ops is None and self._needs_diff()

    def _needs_diff(self):
        t = self.comparison
        return t.old is not None and t.new is not None and t.changed

    def head(self):
        """The head line: label, address, similarity, size of the change, 内容雷同."""
        t, colours = self.comparison, self.colours
        out = Text()
        out.append(t.label, style="bold")
        out.append(f"  {t.address}", style="dim")
        if t.old is None:
            out.append(f"  仅新报告（{self.years['new']}）有，{len(t.new)} 字")
        elif t.new is None:
            out.append(f"  仅旧报告（{self.years['old']}）有，{len(t.old)} 字")
        else:
            out.append(f"  相似度 {t.percent}%")
            if t.copied:
                out.append("  ")
                out.append(f"! {COPIED}", style="bold reverse " + colours.get("warning", ""))
            if not t.changed:
                out.append("  文字相同", style="dim")
            elif self.ops is not None:
                deleted, inserted = diff_stats(self.ops)
                out.append(f"  删 {deleted} 字，增 {inserted} 字")
        mark = self.marks.get(self.address)
        if mark is not None:
            out.append("\n")
            for f in mark.findings:
                kind = "accepted" if f.accepted else f.severity
                out.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
                out.append(f.message + "  ", style=colours.get(kind, ""))
        return out

    def fill(self, comparison, marks, colours, ops=None):
        """Show a (re)computed comparison: its diff if known, else the pending note."""
        self.comparison, self.marks, self.colours = comparison, marks, colours
        t = comparison
        if ops is None and not self._needs_diff():
            ops = t.ops  # one side missing or equal: no diff to compute
        self.ops = ops
        out = self.head()
        out.append("\n")
        if ops is None:
            out.append(PENDING, style="italic dim")
        elif not ops:
            out.append("（两份报告此节均无内容）", style="dim")
        else:
            out.append_text(diff_markup(ops, colours))
        self.rendered = out
        self.update(Paragraph(out))

    def show_ops(self, ops):
        self.fill(self.comparison, self.marks, self.colours, ops)

    def on_focus(self):
        self.post_message(self.Moved(self))
