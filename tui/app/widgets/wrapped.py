"""WrappedLines: a long Text broken CJK-style into lines, kept as offsets.

`wrap_text(text, width).split("\\n")` (tui.app.widgets.paragraph) makes a
Text per line: for a 2 MB narrative's diff some 20,000 of them, each with
its lists and spans, ~100,000 objects the garbage collector then walks
(the full collection after leaving the side-by-side screen held the
interface ~0.2 s). WrappedLines keeps the one Text's plain string and, in
flat integer arrays (not tracked by the collector), where each line starts
and ends and which clipped spans it carries. `lines[y]` builds line y's
Text when it is drawn, equal to what wrap_text and split give (same plain
text, same spans in the same order), so a widget drawing only the lines on
screen draws them the same.
"""

from array import array
from bisect import bisect_right

from rich.text import Span, Text

from tui.app.widgets.paragraph import break_offsets


def line_bounds(plain, width):
    """[start, end, start, end, ...] of the lines wrap_text(width) + split("\\n") make of `plain`:
    it divides the text where wrapped lines start, drops the trailing whitespace of every part but
    the last, and the parts' own line breaks end lines too."""
    cuts = []
    pos = 0
    for line in plain.split("\n"):
        cuts.extend(pos + b for b in break_offsets(line, width))
        pos += len(line) + 1
    bounds = array("q")
    starts = [0, *cuts]
    for k, start in enumerate(starts):
        end = cuts[k] if k < len(cuts) else len(plain)
        if k < len(cuts):
            end = start + len(plain[start:end].rstrip())
        while True:
            newline = plain.find("\n", start, end)
            if newline < 0:
                bounds.extend((start, end))
                break
            bounds.extend((start, newline))
            start = newline + 1
    return bounds


class WrappedLines:
    """`text` wrapped at `width` cells: len() lines, each built as a Text on demand."""

    def __init__(self, text, width):
        self.width = width
        self.plain = plain = text.plain
        bounds = line_bounds(plain, max(width, 2))
        self._bounds = bounds
        starts = bounds[0::2]
        count = len(starts)
        styles, style_ids = [], {}
        per_line = {}  # line → [(start, end, style id)], in the text's span order
        for start, end, style in text.spans:
            if end <= start:
                continue
            sid = style_ids.get(style)
            if sid is None:
                sid = style_ids[style] = len(styles)
                styles.append(style)
            line = max(bisect_right(starts, start) - 1, 0)
            while line < count:
                a, b = bounds[2 * line], bounds[2 * line + 1]
                if a >= end:
                    break
                lo, hi = max(start, a), min(end, b)
                if hi > lo:
                    per_line.setdefault(line, []).append((lo - a, hi - a, sid))
                line += 1
        self._styles = styles
        self._first = first = array("q", [0]) * (count + 1)  # line y's spans: flat[3 * first[y]: 3 * first[y + 1]]
        flat = array("q")
        for y in range(count):
            for span in per_line.get(y, ()):
                flat.extend(span)
            first[y + 1] = len(flat) // 3
        self._spans = flat

    def __len__(self):
        return len(self._bounds) // 2

    def __getitem__(self, y):
        if y < 0:
            y += len(self)
        if not 0 <= y < len(self):
            raise IndexError(y)
        a, b = self._bounds[2 * y], self._bounds[2 * y + 1]
        flat, styles = self._spans, self._styles
        spans = [Span(flat[i], flat[i + 1], styles[flat[i + 2]]) for i in range(3 * self._first[y], 3 * self._first[y + 1], 3)]
        return Text(self.plain[a:b], spans=spans)
