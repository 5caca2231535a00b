"""StatusLine: the focused cell's address, full value, label path and findings."""

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from tui.app.compare_view import STATUS_LINES
from tui.app.layout import cell_value
from tui.app.marks import UNSAVED_WORDS, unsaved_text
from tui.core.address import MISSING
from tui.core.findings import LAPSED_NOTE
from tui.core.inert import inert


def fit_path(parts, width, sep=" › "):
    """A label path in `width` cells: whole if it fits, else its outer parts
    give way to `…` so the row's own label and the column stay whole (issue
    13.2: the table cuts long row labels; here the reviewer reads them)."""
    parts = [inert(p) for p in parts]
    text = ""
    for drop in range(len(parts)):
        shown = (["…"] if drop else []) + parts[drop:]
        text = sep.join(shown)
        if width <= 0 or cell_len(text) <= width:
            return text
    return text


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 3; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    StatusLine.short { height: 2; }
    """

    def show(self, form, data, address, mark, colours, comments=(), notice=None, unsaved=False):
        """`notice`: words leading the problems line (a wrap of n / N to the other end of the list)."""
        if address is None:
            self.update("")
            return
        value = cell_value(data, address)
        shown = "（不存在）" if value is MISSING else repr(value) if isinstance(value, str) and not address.startswith("text.") else (
            f"{len(value)} 字" if isinstance(value, str) else str(value))
        t = Text(no_wrap=True, overflow="crop")
        short = self.has_class("short")
        if notice and short:  # two lines only: lead with it, so 80 columns keep it whole
            t.append(f"↻ {inert(notice)}  ", style="bold " + colours.get("accent", ""))
        t.append(inert(address), style="bold")
        t.append("  值：")
        t.append(inert(shown), style="bold")
        if unsaved:
            t.append_text(unsaved_text(colours, f"  {UNSAVED_WORDS}"))
        t.append("  " if short else "\n")
        if notice and not short:
            t.append(f"↻ {inert(notice)}  ", style="bold " + colours.get("accent", ""))
        if mark is not None:
            for f in mark.findings:
                kind = "accepted" if f.accepted else f.severity
                t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
                t.append(inert(f.message) + "  ")
                if f.lapsed:
                    t.append(f"（{LAPSED_NOTE}）  ", style="bold " + colours.get(kind, ""))
        for c in comments:
            t.append("# ", style=colours.get("accent", ""))
            t.append(inert(f"{c.get('text', '')}（{c.get('user', '')}）") + "  ")
        if mark is None and not comments:
            t.append("本格无问题", style="dim")
        t.append("\n" + fit_path(form.label_path(address), self.content_region.width), style="dim")
        self.update(t)


class CompareStatus(Static):
    """The side-by-side screen's status line: what tui.app.compare_view words, wrapped CJK-style."""

    DEFAULT_CSS = """
    CompareStatus { height: auto; min-height: 3; max-height: %d; background: $panel; padding: 0 1; }
    """ % STATUS_LINES

    def show(self, text):
        from tui.app.widgets.paragraph import Paragraph

        self.text = text  # the unwrapped Text (tests read text.plain)
        self.update(Paragraph(text))  # Chinese wraps between characters
