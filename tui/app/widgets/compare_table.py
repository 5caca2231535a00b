"""CompareTable: one section (二, 三 or 四) of two reports, aligned row by row.

Each aligned row is printed once: its label, a 年度 column naming the two
sides, and per column the earlier report's value above the later one's. A
changed cell carries `*` before the later value and, where there is room,
the change (`*95 +74 +352%`), so it reads without colour. A row that only
one edition has is one line, for its side. The cursor moves over aligned
cells, so both sides always show the same place: there is only one cursor.

Table 二 has per-row fields rather than columns: printed field names come
in heading rows (like the report screen), and a row with more fields than
columns (the summary's categories) continues on further lines.

No screen logic here: the table renders the display lines the view-model
(tui.app.compare_view) laid out and reports cursor moves; the screen owns
marks, findings and the status line.
"""

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from tui.app.actions import bindings
from tui.app.compare_view import side_addresses, signed
from tui.app.layout import display_value
from tui.app.marks import any_unsaved, unsaved_text
from tui.app.widgets.cursor import CellCursorMixin
from tui.app.widgets.paragraph import break_offsets
from tui.core.compare import NEW, OLD

LABEL_MIN = 12   # below this the cells lose their change figures first
HEAD_CAP = 12    # a printed field name wider than this wraps onto more lines
HEAD_LINES = 3
HEAD_WIDE = 16   # ...but is widened up to this where the labels leave room
SIDE_WIDTH = 5   # ">2024"
CHANGED = "*"


def change_text(cell, level):
    """The change printed after a changed value: level 2 delta and percent, 1 delta, 0 nothing."""
    if level == 0 or not cell.changed or cell.delta is None:
        return ""
    out = signed(cell.delta)
    if level == 2 and cell.percent is not None:
        out += f" {cell.percent:+.0f}%"
    return out


def value_text(value):
    return "缺" if value is None else display_value(value)


def wrap_lines(text, width, limit):
    """`text` broken CJK-style into at most `limit` lines of `width` cells (the rest cropped)."""
    offsets = [0] + break_offsets(text, width) + [len(text)]
    lines = [text[a:b].strip() for a, b in zip(offsets, offsets[1:])]
    return lines[:limit] or [""]


# Keys the screen handles: it knows which table the cursor is in even while focus is still
# moving between tables (Textual moves focus later), and the scrolling container around the
# tables must not take the arrows for itself. The registry's cursor actions, sent to the screen.
SCREEN_KEYS = bindings("compare", only=("cursor_up", "cursor_down", "cursor_left", "cursor_right", "first_cell",
                                        "last_cell"), target="screen")


class CompareTable(CellCursorMixin, DataTable, inherit_bindings=False):
    BINDINGS = SCREEN_KEYS
    DEFAULT_CSS = """
    CompareTable { height: auto; max-height: 1000; margin: 0 0 1 0; overflow: hidden hidden; }
    """

    class Moved(Message):
        """The cursor is on an aligned cell (None on no cell)."""

        def __init__(self, table, cell, row):
            super().__init__()
            self.table = table
            self.cell = cell
            self.row = row

    class Leave(Message):
        def __init__(self, table, direction):
            super().__init__()
            self.table = table
            self.direction = direction

    def __init__(self, section, index, column_specs=(), **kwargs):
        super().__init__(cursor_type="cell", zebra_stripes=False, show_cursor=True, cell_padding=1, **kwargs)
        self.section = section
        self.index = index            # position of the section on the screen
        self.column_specs = list(column_specs)   # the form's columns (label, short) of a grid section
        self.lines = []
        self.ncols = 0
        self.level = 2
        self.side = NEW               # the side the screen is working on (">" in the 年度 column)
        self.years = {OLD: "旧", NEW: "新"}
        self.where = {OLD: {}, NEW: {}}   # address → (line, column) per side
        self.unsaved = {OLD: (), NEW: ()}  # addresses edited since the last save, per side
        self._cursor_line = None
        self._quiet = False

    # -- content --------------------------------------------------------

    def fill(self, layout, years, marks, colours, width, side, unsaved=None):
        """(Re)build for a section of a (re)computed comparison (its tui.app.compare_view.SectionLayout),
        keeping the cursor where it was. `unsaved`: {side: addresses edited, not saved} (✎)."""
        self.section = layout.section
        self.years, self.marks, self.colours, self.side = years, marks, colours, side
        self.unsaved = unsaved or {OLD: (), NEW: ()}
        keep = self.cursor_coordinate if self.row_count else None
        self._quiet = True
        try:
            self._fill(layout, width, keep)
        finally:
            self._quiet = False

    def _cell_lines(self, line, i, level):
        """A Text per printed side for value column i of a line."""
        cell = line.cells[i]
        return [self._side_text(cell, side, level) if cell is not None else Text("") for side in line.sides]

    def _mark(self, cell, side):
        marks = self.marks[side]
        found = [marks[a] for a in side_addresses(cell, side) if a in marks]
        if not found:
            return None
        rank = {"error": 3, "warning": 2, "info": 1, "accepted": 0}
        return max(found, key=lambda m: rank[m.kind])

    def _side_text(self, cell, side, level):
        value = cell.old if side == OLD else cell.new
        t = Text(justify="right", no_wrap=True, overflow="crop")
        mark = self._mark(cell, side)
        colours = self.colours
        if mark is not None:
            t.append(mark.glyph, style="bold " + colours.get(mark.kind, ""))
            t.append(" ")
        if any_unsaved(side_addresses(cell, side), self.unsaved[side]):
            t.append_text(unsaved_text(colours))
        shown = value_text(value)
        style = "dim" if shown in ("空", "缺") else ""
        if mark is not None:
            style = colours.get(mark.kind, "") + (" bold" if mark.kind == "error" else "")
        if side == NEW and cell.changed:
            t.append(CHANGED, style="bold " + colours.get("accent", ""))
            t.append(shown, style=(style + " bold").strip())
            change = change_text(cell, level)
            if change:
                t.append(" " + change, style="dim")
        else:
            t.append(shown, style=style)
        return t

    def _fill(self, layout, width, keep):
        self.clear(columns=True)
        ncols, lines = layout.ncols, layout.lines
        self.ncols, self.lines = ncols, lines
        grid = bool(self.section.columns)
        self.show_header = grid
        narrow = width < 100
        heads = []
        if grid:
            from_form = self._column_heads(narrow)
            heads = [from_form[i] if i < len(from_form) else c for i, c in enumerate(self.section.columns)]

        def widths(level):
            out = []
            for i in range(ncols):
                w = cell_len(heads[i]) if grid else 1
                for line in lines:
                    if line.heading:
                        w = max(w, min(cell_len(line.heads[i]), HEAD_CAP))
                    elif line.cells[i] is not None:
                        for side in line.sides:
                            w = max(w, self._side_text(line.cells[i], side, level).cell_len)
                out.append(w)
            return out

        fixed = SIDE_WIDTH + 2 * (ncols + 2)
        for level in (2, 1, 0):
            col_w = widths(level)
            label_w = width - fixed - sum(col_w)
            if label_w >= LABEL_MIN:
                break
        self.level = level
        longest = max([cell_len(line.label) for line in lines] + [4])
        # room the labels do not need goes to field names that would otherwise wrap
        spare = label_w - longest
        for i in range(ncols):
            want = min(HEAD_WIDE, max([cell_len(line.heads[i]) for line in lines if line.heading] + [0]))
            if spare > 0 and want > col_w[i]:
                extra = min(spare, want - col_w[i])
                col_w[i] += extra
                spare -= extra
                label_w -= extra
        label_w = max(6, min(label_w, longest))
        self.add_column("项目", width=label_w, key="label")
        self.add_column(Text("年度", justify="right"), width=SIDE_WIDTH, key="side")
        for i in range(ncols):
            self.add_column(Text(heads[i] if grid else "", justify="right"), width=col_w[i], key=f"c{i}")
        self.where = layout.where
        for n, line in enumerate(lines):
            if line.heading:
                wrapped = [wrap_lines(h, col_w[i], HEAD_LINES) for i, h in enumerate(line.heads)]
                height = max([len(w) for w in wrapped] + [1])
                label = Text(line.label, style="bold", no_wrap=True, overflow="crop")
                cells = [Text("\n".join(w), style="bold dim", justify="right") for w in wrapped]
                self.add_row(label, Text(""), *cells, height=height, key=str(n))
                continue
            height = len(line.sides)
            label = Text("\n".join(wrap_lines(line.label, label_w, height)), no_wrap=True, overflow="crop")
            if line.row.combined or not line.row.comparable:
                label.stylize("italic" if line.row.combined else "dim")
            cells = []
            for i in range(ncols):
                parts = self._cell_lines(line, i, level)
                t = Text(justify="right", no_wrap=True, overflow="crop")
                for k, p in enumerate(parts):
                    if k:
                        t.append("\n")
                    t.append_text(p)
                cells.append(t)
            self.add_row(label, self._side_cell(line, False), *cells, height=height, key=str(n))
        self._cursor_line = None
        target = None
        if keep is not None and self.cell_at(keep.row, keep.column) is not None:
            target = (keep.row, keep.column)
        elif self.positions():
            target = self.positions()[0]
        if target:
            self.move_cursor(row=target[0], column=target[1], animate=False)
            if self.has_focus:
                self._mark_cursor_line(target[0])

    def _column_heads(self, narrow):
        """Short column heads (自然人, 商业, ...) on narrow screens, else the printed ones."""
        return [c.short if narrow else c.label for c in self.column_specs]

    def _side_cell(self, line, cursor):
        sides = line.sides
        t = Text(justify="right", no_wrap=True)
        for k, side in enumerate(sides):
            if k:
                t.append("\n")
            active = cursor and side == self.side
            t.append((">" if active else "") + self.years[side], style="bold reverse" if active else "dim")
        return t

    def _mark_cursor_line(self, row):
        """Show which side the screen works on, in the 年度 column of the cursor's row only."""
        if self._cursor_line == row:
            return
        for n, cursor in ((self._cursor_line, False), (row, True)):
            if n is not None and 0 <= n < len(self.lines) and not self.lines[n].heading:
                self.update_cell_at((n, 1), self._side_cell(self.lines[n], cursor))
        self._cursor_line = row

    def set_side(self, side):
        self.side = side
        row = self._cursor_line
        self._cursor_line = None
        if row is not None and self.has_focus:
            self._mark_cursor_line(row)
        elif row is not None and 0 <= row < len(self.lines) and not self.lines[row].heading:
            self.update_cell_at((row, 1), self._side_cell(self.lines[row], False))

    # -- cursor ---------------------------------------------------------

    def cell_at(self, row, column):
        line = self.lines[row] if 0 <= row < len(self.lines) else None
        if line is None or line.heading or not 2 <= column < 2 + self.ncols:
            return None
        return line.cells[column - 2]

    @property
    def cursor_cell(self):
        c = self.cursor_coordinate
        return self.cell_at(c.row, c.column)

    @property
    def cursor_row_aligned(self):
        line = self.lines[self.cursor_coordinate.row] if self.lines else None
        return None if line is None or line.heading else line.row

    def selectable_columns(self, row):
        line = self.lines[row]
        return [] if line.heading else [i + 2 for i, x in enumerate(line.cells) if x is not None]

    def positions(self):
        """(row, column) of every selectable cell, in reading order."""
        return [(n, i + 2) for n, line in enumerate(self.lines) if not line.heading
                for i, c in enumerate(line.cells) if c is not None]

    def select_position(self, row, column):
        self.move_cursor(row=row, column=column, animate=False)

    def select_edge(self, last=False):
        pos = self.positions()
        if pos:
            self.select_position(*(pos[-1] if last else pos[0]))

    def row_region(self, row):
        """The region of a display row inside the table (header included), for scrolling."""
        return self._get_row_region(row)

    def watch_cursor_coordinate(self, old, new):
        super().watch_cursor_coordinate(old, new)
        if self._quiet:
            return
        cell = self.cell_at(new.row, new.column)
        if cell is None and self.lines:
            # landed on a heading or a label (mouse, page keys): nudge to a cell
            if not self._step(1, 0) and not self._step(-1, 0):
                self._step(0, 1)
            return
        if self.has_focus:
            self._mark_cursor_line(new.row)
        line = self.lines[new.row]
        self.post_message(self.Moved(self, cell, line.row))

    def on_focus(self):
        self._cursor_line = None
        self._mark_cursor_line(self.cursor_coordinate.row)

    def on_blur(self):
        row = self._cursor_line
        if row is not None and 0 <= row < len(self.lines) and not self.lines[row].heading:
            self.update_cell_at((row, 1), self._side_cell(self.lines[row], False))
        self._cursor_line = None
