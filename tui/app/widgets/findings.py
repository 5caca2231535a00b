"""FindingsPanel: every finding of the report with its Chinese message."""

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.findings import GLYPHS, LAPSED_NOTE
from tui.core.inert import inert


class FindingsPanel(OptionList):
    DEFAULT_CSS = """
    FindingsPanel { height: 7; border: none; border-top: solid $panel; padding: 0; }
    FindingsPanel:focus { border: none; border-top: heavy $accent; }
    FindingsPanel.short { height: 4; }
    """

    class Chosen(Message):
        def __init__(self, finding):
            super().__init__()
            self.finding = finding

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.findings = []
        self.comment_cells = []

    class CommentChosen(Message):
        def __init__(self, cell):
            super().__init__()
            self.cell = cell

    def fill(self, findings, colours, comments=(), label=None):
        """`comments`: [(cell, record)] listed after the findings, each in full
        (`label(cell)` names the cell), so every comment of the report can be read."""
        from tui.app.widgets.paragraph import Paragraph

        self.findings = list(findings)
        self.comment_cells = [cell for cell, _ in comments]
        self.clear_options()
        if not self.findings:
            self.add_option(Option(Text(GLYPHS["clean"] + " 未发现问题", style=colours.get("accepted", "")), disabled=True))
        for i, f in enumerate(self.findings):
            kind = "accepted" if f.accepted else f.severity
            t = Text()
            t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
            t.append(inert(f.message))
            if f.accepted:
                t.append("（已接受）", style="dim")
            elif f.lapsed:
                t.append(f"（{LAPSED_NOTE}）", style="bold " + colours.get(kind, ""))
            self.add_option(Option(t, id=str(i)))
        for i, (cell, c) in enumerate(comments):
            t = Text()
            t.append("# 批注 ", style="bold " + colours.get("accent", ""))
            t.append(f"{label(cell) if label else cell}：", style="dim")
            t.append(inert(str(c.get("text", ""))))
            t.append(f"（{inert(str(c.get('user', '')))}）", style="dim")
            self.add_option(Option(Paragraph(t), id=f"c{i}"))  # whole, wrapped between characters

    def show(self, finding):
        """Highlight a finding without moving focus."""
        for i, f in enumerate(self.findings):
            if f is finding:
                self.highlighted = i
                return

    def on_option_list_option_selected(self, event):
        event.stop()
        oid = event.option.id
        if oid is None:
            return
        if oid.startswith("c"):
            self.post_message(self.CommentChosen(self.comment_cells[int(oid[1:])]))
        else:
            self.post_message(self.Chosen(self.findings[int(oid)]))


class CompareFindings(FindingsPanel):
    """Every finding of both reports, each tagged with its side (跨年 for year-over-year ones)."""

    def fill_entries(self, entries, tags, colours):
        from tui.app.widgets.paragraph import Paragraph

        self.entries = list(entries)
        self.findings = [f for _, f in self.entries]
        self.clear_options()
        if not self.entries:
            self.add_option(Option(Text(GLYPHS["clean"] + " 两份报告均未发现问题", style=colours.get("accepted", "")), disabled=True))
            return
        for i, (side, f) in enumerate(self.entries):
            kind = "accepted" if f.accepted else f.severity
            t = Text()
            t.append(f"[{tags[side]}] ", style="dim")
            t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
            t.append(inert(f.message))
            if f.accepted:
                t.append("（已接受）", style="dim")
            elif f.lapsed:
                t.append(f"（{LAPSED_NOTE}）", style="bold " + colours.get(kind, ""))
            self.add_option(Option(Paragraph(t), id=str(i)))  # Chinese wraps between characters
