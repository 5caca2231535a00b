"""CJK-aware line breaking for narrative text.

Rich wraps at spaces, so "2023 年，洪泽区…" (one space, then a long run of
Chinese) leaves "2023" alone on a line. Chinese breaks between any two
characters; we keep Latin words and numbers whole, and do not start a line
with closing punctuation (a simple 禁则).
"""

import re

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

_UNIT = re.compile(r"[A-Za-z0-9_.,%:/@+\-]+|\s+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’〉】…·,.;:?!)]}%")


def break_offsets(line, width):
    """Offsets in `line` where wrapped lines start (besides 0), and spaces to drop."""
    width = max(width, 2)
    units = [(m.start(), m.end(), get_character_cell_size(m.group()) if m.end() - m.start() == 1
              else cell_len(m.group())) for m in _UNIT.finditer(line)]
    breaks = []
    used = 0
    i = 0
    while i < len(units):
        start, end, w = units[i]
        if used and used + w > width:
            if line[start].isspace():
                breaks.append(end)  # break at a space: the space disappears
                used = 0
                i += 1
                continue
            cut = i
            if line[start] in _NO_LINE_START and i > 0 and units[i - 1][0] not in breaks \
                    and not line[units[i - 1][0]].isspace():
                cut = i - 1  # carry the previous character down with the punctuation
            breaks.append(units[cut][0])
            used = sum(u[2] for u in units[cut:i])
            continue  # re-place unit i on the new line
        if w > width:  # a single unit longer than a line: fold it by characters
            chunk_w = used
            for j, ch in enumerate(line[start:end]):
                cw = cell_len(ch)
                if chunk_w + cw > width and chunk_w:
                    breaks.append(start + j)
                    chunk_w = 0
                chunk_w += cw
            used = chunk_w
            i += 1
            continue
        used += w
        i += 1
    return breaks


def wrap_text(text, width):
    """A Rich Text with hard line breaks at the CJK-aware points (styles kept)."""
    plain = text.plain
    offsets = []
    pos = 0
    for line in plain.split("\n"):
        offsets.extend(pos + b for b in break_offsets(line, width))
        pos += len(line) + 1
    if not offsets:
        return text
    parts = text.divide(offsets)
    out = Text()
    for n, part in enumerate(parts):
        if n:
            out.append("\n")
        if n < len(parts) - 1:
            part.rstrip()
        out.append_text(part)
    return out


class Paragraph:
    """A renderable that wraps its Text CJK-style to the available width."""

    def __init__(self, text):
        self.text = text
        self._wrapped = {}  # width → Text: Textual measures, then renders, at the same width

    def __rich_console__(self, console, options):
        width = options.max_width
        wrapped = self._wrapped.get(width)
        if wrapped is None:
            wrapped = wrap_text(self.text, width)
            wrapped.no_wrap = True
            wrapped.overflow = "crop"
            self._wrapped = {width: wrapped}
        yield wrapped

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement(1, options.max_width)
