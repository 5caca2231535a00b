"""GridTable: one table block of a report (二, 三, 四 or the identity table).

A DataTable whose first column is the printed row label; heading rows are
printed sub-headings the cursor skips. Its height is its content, so the
report scrolls as one document (never the table on its own: a second
scrollbar inside the view at 80×24 was a stray glyph); moving past the first or last row hands the
cursor to the neighbouring block.
"""

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from tui.app.layout import cell_value, display_value
from tui.app.marks import is_unsaved, unsaved_text
from tui.app.widgets.cursor import CellCursorMixin

LABEL_MIN = 10


def _at(cells, i):
    return cells[i] if i < len(cells) else None


class GridTable(CellCursorMixin, DataTable):
    DEFAULT_CSS = """
    GridTable { height: auto; max-height: 1000; overflow: hidden hidden; margin: 0 0 1 0; }
    """

    class Moved(Message):
        """The cursor is on `address` in `block` (key)."""

        def __init__(self, table, address):
            super().__init__()
            self.table = table
            self.address = address

    class Leave(Message):
        """The cursor tried to move past the table's edge (direction -1 up, +1 down)."""

        def __init__(self, table, direction):
            super().__init__()
            self.table = table
            self.direction = direction

    def __init__(self, block, **kwargs):
        super().__init__(cursor_type="cell", zebra_stripes=False, show_cursor=True, cell_padding=1, **kwargs)
        self.block = block
        self.data = {}
        self.marks = {}
        self.comments = {}
        self.unsaved = frozenset()  # addresses edited since the last save
        self.colours = {}
        self.narrow = False
        self._where = {}  # address → (row, column)
        self._shown = {}  # address → (value text, mark kind, commented): what each cell shows now
        self._widths = {}  # column → width
        self._quiet = False  # no Moved messages while (re)filling

    # -- content --------------------------------------------------------

    def fill(self, data, marks, colours, width, comments=None, unsaved=()):
        """(Re)build the table for this report data, marks and screen width."""
        self.data, self.marks, self.colours = data, marks, colours
        self.comments = comments or {}
        self.unsaved = frozenset(unsaved)
        keep = self.cursor_coordinate if self.row_count else None
        self._quiet = True
        try:
            self._fill(data, width, keep)
        finally:
            self._quiet = False

    def _fill(self, data, width, keep):
        self.clear(columns=True)
        block = self.block
        # 二 and the identity table carry their own printed heads in heading rows
        self.show_header = block.key not in ("active", "report")
        values = {a: display_value(cell_value(data, a)) for a in block.addresses()}
        ncols = len(block.columns)
        col_widths = []
        self.narrow = width < 100
        for i, (label, short) in enumerate(block.columns):
            head = short if self.narrow else label
            w = max([Text(head).cell_len] + [Text(values[r.cells[i]]).cell_len + 2
                                                  for r in block.rows if not r.heading and r.cells[i]]
                    + [Text(_at(r.cells, i) or "").cell_len for r in block.rows if r.heading])
            if block.key == "report":
                w = min(max(w, 10), max(20, width - 24))
            col_widths.append(w if block.key == "report" else min(w, 18 if self.narrow else 28))
        label_w = max(LABEL_MIN, width - sum(col_widths) - 2 * (ncols + 1) - 4)
        label_w = min(label_w, max(Text(self._label(r)).cell_len for r in block.rows) if block.rows else LABEL_MIN)
        self.add_column("项目", width=label_w, key="label")
        for i, (label, short) in enumerate(block.columns):
            head = "" if block.key in ("active", "report") else (short if self.narrow else label)
            self.add_column(Text(head, justify="right"), width=col_widths[i], key=f"c{i}")
        self._where = {}
        self._widths = {i + 1: w for i, w in enumerate(col_widths)}
        self._shown = {}
        for r_index, row in enumerate(block.rows):
            label = Text(self._label(row), style="bold" if row.heading else "")
            label.truncate(label_w, overflow="ellipsis")  # `…` where cut; the status line has it whole
            cells = [self._cell(row, i, values) for i in range(ncols)]
            self.add_row(label, *cells, key=str(r_index))
            for i, a in enumerate(row.cells):
                if a and not row.heading:
                    self._where[a] = (r_index, i + 1)
                    self._shown[a] = self._signature(a, values[a])
        if keep is not None and self._where:
            self.move_cursor(row=min(keep.row, self.row_count - 1), column=max(1, keep.column), animate=False)
        elif self._where:
            first = min(self._where.values())
            self.move_cursor(row=first[0], column=first[1], animate=False)

    def _signature(self, address, value):
        mark = self.marks.get(address)
        return (value, (mark.kind, mark.glyph) if mark else None, address in self.comments,
                is_unsaved(address, self.unsaved))

    def update_cells(self, data, marks, comments=None, unsaved=()):
        """Repaint only the cells whose value, mark or comment changed (after an edit).

        Returns False when a value no longer fits its column: the caller then
        refills the table. Avoiding clear()+add_row keeps an edit from
        re-laying out and re-rendering every table (~150 ms → a few ms).
        """
        self.data, self.marks = data, marks
        self.comments = comments or {}
        self.unsaved = frozenset(unsaved)
        changed = []
        for a, (row, col) in self._where.items():
            value = display_value(cell_value(data, a))
            sig = self._signature(a, value)
            if sig != self._shown.get(a):
                changed.append((a, row, col, value, sig))
        rows = self.block.rows
        for a, row, col, value, sig in changed:
            text = self._cell(rows[row], col - 1, {a: value})
            if text.cell_len > self._widths.get(col, 0) and self.block.key != "report":
                return False
            self._shown[a] = sig
            self.update_cell_at((row, col), text)
        return True

    def value_text(self, address):
        return display_value(cell_value(self.data, address))

    @staticmethod
    def _label(row):
        return "  " * row.indent + row.label

    def _cell(self, row, i, values):
        a = _at(row.cells, i)
        if row.heading:
            return Text(a or "", style="bold dim", justify="right")
        if self.block.key == "report" and a:
            value = values[a]
            mark = self.marks.get(a)
            t = Text()
            if mark is not None:
                t.append(mark.glyph + " ", style="bold " + self.colours.get(mark.kind, ""))
            if is_unsaved(a, self.unsaved):
                t.append_text(unsaved_text(self.colours))
            t.append(value)
            return t
        if not a:
            return Text("")
        mark = self.marks.get(a)
        text = Text(justify="right")
        if a in self.comments:
            text.append("#", style=self.colours.get("accent", ""))
        if mark is not None:
            text.append(mark.glyph, style="bold " + self.colours.get(mark.kind, ""))
            text.append(" ")
        if is_unsaved(a, self.unsaved):
            text.append_text(unsaved_text(self.colours))
        value = values[a]
        style = "dim" if value in ("空", "缺") else ""
        if mark is not None:
            style = self.colours.get(mark.kind, "") + (" bold" if mark.kind == "error" else "")
        text.append(value, style=style)
        return text

    # -- cursor ---------------------------------------------------------

    def address_at(self, row, column):
        r = self.block.rows[row] if 0 <= row < len(self.block.rows) else None
        if r is None or r.heading or column < 1 or column > len(r.cells):
            return None
        return r.cells[column - 1]

    def selectable_columns(self, row):
        r = self.block.rows[row]
        return [] if r.heading else [i for i, a in enumerate(r.cells, 1) if a]

    def has(self, address):
        return address in self._where

    def select(self, address, first=False, last=False):
        if address in self._where:
            row, col = self._where[address]
        elif self._where:
            row, col = (min if first or not last else max)(self._where.values())
        else:
            return
        self.move_cursor(row=row, column=col, animate=False)

    def watch_cursor_coordinate(self, old, new):
        super().watch_cursor_coordinate(old, new)
        if self._quiet:
            return
        address = self.address_at(new.row, new.column)
        if address is None and self._where and self.row_count:
            # landed on a heading or the label column (mouse, page keys): nudge to a cell
            if not self._step(1, 0) and not self._step(-1, 0):
                self._step(0, 1)
            return
        self.post_message(self.Moved(self, address))
