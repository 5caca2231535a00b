"""NarrativeBlock: one [text] key (一、五、六 …), wrapped, as a focusable block."""

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from tui.app.marks import UNSAVED_GLYPH, is_unsaved, unsaved_text
from tui.app.widgets.paragraph import Paragraph, wrap_text
from tui.core.findings import LAPSED_NOTE
from tui.core.inert import inert


def text_spans(findings, address, shift=0, length=None):
    """[(start, end, finding)] of the findings with a span in the string at
    `address`, in text order, offsets moved back by `shift` and clipped to
    `length`; overlapping spans are cut where the next begins."""
    out = []
    for f in findings:
        span = getattr(f, "span", None)
        if not span or span[0] != address:
            continue
        start, end = span[1] - shift, span[2] - shift
        if length is not None:
            start, end = max(0, min(start, length)), max(0, min(end, length))
        if end > start:
            out.append((start, end, f))
    out.sort(key=lambda s: (s[0], s[1]))
    clean, pos = [], 0
    for start, end, f in out:
        start = max(start, pos)
        if end > start:
            clean.append((start, end, f))
            pos = end
    return clean


def highlighted(body, spans, colours, current=None):
    """The text with each span marked: the finding's glyph before it, the span in
    reverse (never colour alone), underlined when it is the `current` finding."""
    out = Text()
    pos = 0
    for start, end, f in spans:
        out.append(body[pos:start])
        kind = "accepted" if f.accepted else f.severity
        colour = colours.get(kind, "")
        out.append(f.glyph, style="bold " + colour)
        style = "reverse " + colour + (" bold underline" if f is current else "")
        out.append(body[start:end], style=style.strip())
        pos = end
    out.append(body[pos:])
    return out


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

    def fill(self, data, marks, colours, comments=None, current=None, unsaved=()):
        """Render the text with the findings' marks. A finding with a span in this
        text (a claim's clause, a placeholder) is highlighted there, after its
        glyph; `current`, the finding the navigator stands on, is underlined too."""
        text = data.get("text", {}) if isinstance(data.get("text"), dict) else {}
        value = text.get(self.block.key)
        mark = marks.get(self.address)
        signature = (value, tuple((f.rule, f.message, f.accepted, f.lapsed, f.span) for f in mark.findings)
                     if mark else (), bool(comments and self.address in comments),
                     tuple(sorted(colours.items())), id(current) if current is not None else None,
                     is_unsaved(self.address, unsaved))
        if signature == getattr(self, "_signature", None):
            return  # unchanged: skip re-wrapping and re-layout
        self._signature = signature
        self.text = value if isinstance(value, str) else ""
        self._offsets = {}
        out = Text()
        if is_unsaved(self.address, unsaved):
            out.append_text(unsaved_text(colours, f"{UNSAVED_GLYPH} "))
        if comments and self.address in comments:
            out.append("# ", style=colours.get("accent", ""))
        if mark is not None:
            out.append(f"{mark.glyph} ", style="bold " + colours.get(mark.kind, ""))
            out.append(inert("；".join(f.message + (f"（{LAPSED_NOTE}）" if f.lapsed else "") for f in mark.findings))
                       + "\n", style=colours.get(mark.kind, ""))
        if value is None:
            out.append("（本节无内容）", style="dim")
        elif not isinstance(value, str):
            out.append(f"（不是文字：{value!r}）", style="dim")
        else:
            body = self.text.strip("\n")
            lead = len(self.text) - len(self.text.lstrip("\n"))
            spans = text_spans(mark.findings if mark else (), self.address, lead, len(body))
            self._offsets = {id(f): len(out.plain) + start + sum(1 for s in spans if s[0] < start)
                             for start, _, f in spans}
            out.append_text(highlighted(body, spans, colours, current) if body else Text("（空白）"))
        self._rendered = out
        self.update(Paragraph(out))

    def line_of(self, finding):
        """The wrapped line (0-based, within the block) where a finding's span starts."""
        offset = getattr(self, "_offsets", {}).get(id(finding))
        if offset is None:
            return 0
        width = max(self.content_region.width, 2)
        return wrap_text(Text(self._rendered.plain[:offset]), width).plain.count("\n")

    def has(self, address):
        return address == self.address

    def select(self, address=None, first=False, last=False):
        pass

    def on_focus(self):
        self.post_message(self.Moved(self, self.address))
