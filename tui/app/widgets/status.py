"""StatusLine: the focused cell's address, full value, label path and findings."""

from rich.text import Text
from textual.widgets import Static

from tui.app.layout import cell_value
from tui.core.address import MISSING
from tui.core.inert import inert


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 3; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    StatusLine.short { height: 2; }
    """

    def show(self, form, data, address, mark, colours, comments=()):
        if address is None:
            self.update("")
            return
        value = cell_value(data, address)
        shown = "（不存在）" if value is MISSING else repr(value) if isinstance(value, str) and not address.startswith("text.") else (
            f"{len(value)} 字" if isinstance(value, str) else str(value))
        t = Text(no_wrap=True, overflow="crop")
        t.append(inert(address), style="bold")
        t.append("  值：")
        t.append(inert(shown), style="bold")
        t.append("  " if self.has_class("short") else "\n")
        if mark is not None:
            for f in mark.findings:
                kind = "accepted" if f.accepted else f.severity
                t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
                t.append(inert(f.message) + "  ")
        for c in comments:
            t.append("# ", style=colours.get("accent", ""))
            t.append(inert(f"{c.get('text', '')}（{c.get('user', '')}）") + "  ")
        if mark is None and not comments:
            t.append("本格无问题", style="dim")
        t.append("\n" + inert(form.label(address)), style="dim")
        self.update(t)
