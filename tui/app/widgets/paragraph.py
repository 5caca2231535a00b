"""CJK-aware line breaking for narrative text.

Rich wraps at spaces, so "2023 年，洪泽区…" (one space, then a long run of
Chinese) leaves "2023" alone on a line. Chinese breaks between any two
characters; we keep Latin words and numbers whole, and do not start a line
with closing punctuation (a simple 禁则).
"""

import re

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

# A unit is never split across lines (unless longer than a line): a run of
# printable ASCII (a Latin word, a number, `2024`, `.docx`, `[[review.withdrawn]]`),
# a run of spaces, or one other character (each Chinese character is its own unit).
_UNIT = re.compile(r"[!-~]+|\s+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’〉】…·,.;:?!)]}%")
_NO_LINE_END = set("（《「『“‘〈【([{")
_WIDTHS = {}  # character → cells (the same few thousand characters recur)


def _no_start(line, unit):
    """Whether a unit may not begin a line: closing punctuation, a space
    (`.docx` may: a file extension after a Chinese comma)."""
    first = line[unit[0]]
    return first.isspace() or (first in _NO_LINE_START and not (first == "." and unit[1] - unit[0] > 1))


def break_offsets(line, width):
    """Offsets in `line` where wrapped lines start (besides 0), and spaces to drop."""
    width = max(width, 2)
    units = []
    add = units.append
    widths = _WIDTHS
    for m in _UNIT.finditer(line):
        unit = m.group()
        w = widths.get(unit)
        if w is None:
            w = get_character_cell_size(unit) if len(unit) == 1 else cell_len(unit)
            if len(unit) == 1:
                widths[unit] = w
        start, end = m.span()
        add((start, end, w))
    breaks = []
    used = 0
    first = 0  # the unit that starts the current line
    i = 0
    while i < len(units):
        start, end, w = units[i]
        if used and used + w > width:
            if line[start].isspace():
                breaks.append(end)  # break at a space: the space disappears
                used = 0
                i += 1
                first = i
                continue
            # 禁则: no closing punctuation (nor a space) at the start of a line, no
            # opening bracket at its end: carry up to three units down to the new
            # line (when that is no help, as in a run of punctuation, break here).
            cut = next((c for c in range(i, max(first, i - 4), -1)
                        if not _no_start(line, units[c]) and line[units[c - 1][0]] not in _NO_LINE_END), i)
            breaks.append(units[cut][0])
            used = sum(u[2] for u in units[cut:i])
            first = cut
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
            first = i
            continue
        used += w
        i += 1
    return [b for b in breaks if b < len(line)]  # a space at the very end starts no line


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
