"""NarrativeBlock: one [text] key (一、五、六 …), wrapped, as a focusable block."""

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from tui.app.widgets.paragraph import Paragraph
from tui.core.inert import inert


class NarrativeBlock(Static, can_focus=True):
    DEFAULT_CSS = """
    NarrativeBlock { height: auto; max-width: 124; padding: 0 1; margin: 0 0 1 0; border-left: solid $panel; }
    NarrativeBlock:focus { border-left: thick $accent; background: $boost; }
    """

    class Moved(Message):
        def __init__(self, block, address):
            super().__init__()
            self.block = block
            self.address = address

    def __init__(self, block, **kwargs):
        super().__init__("", **kwargs)
        self.block = block
        self.address = block.address
        self.text = ""

    def fill(self, data, marks, colours, comments=None):
        text = data.get("text", {}) if isinstance(data.get("text"), dict) else {}
        value = text.get(self.block.key)
        mark = marks.get(self.address)
        signature = (value, tuple((f.rule, f.message, f.accepted) for f in mark.findings) if mark else (),
                     bool(comments and self.address in comments), tuple(sorted(colours.items())))
        if signature == getattr(self, "_signature", None):
            return  # unchanged: skip re-wrapping and re-layout
        self._signature = signature
        self.text = value if isinstance(value, str) else ""
        out = Text()
        if comments and self.address in comments:
            out.append("# ", style=colours.get("accent", ""))
        if mark is not None:
            out.append(f"{mark.glyph} ", style="bold " + colours.get(mark.kind, ""))
            out.append(inert("；".join(f.message for f in mark.findings)) + "\n", style=colours.get(mark.kind, ""))
        if value is None:
            out.append("（本节无内容）", style="dim")
        elif not isinstance(value, str):
            out.append(f"（不是文字：{value!r}）", style="dim")
        else:
            out.append(inert(self.text.strip("\n"), multiline=True) or "（空白）")
        self.update(Paragraph(out))

    def has(self, address):
        return address == self.address

    def select(self, address=None, first=False, last=False):
        pass

    def on_focus(self):
        self.post_message(self.Moved(self, self.address))
