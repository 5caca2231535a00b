"""A table that draws only the rows on screen (Textual's Line API).

DataTable builds every row's renderables up front: 5,000 rows take seconds to
add, and re-sorting rebuilds them all. Here a row exists only while it is
visible: `cells(index)` is asked for the cells of the rows on screen, so
sorting or filtering 50,000 reports costs the sort and one screenful.

The owner keeps the data (tui.app.listmodel) and tells the table how many
rows there are (`set_rows`); the table keeps the cursor and the scrolling.
"""

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualTable(ScrollView, can_focus=True, inherit_bindings=False):
    # No keys of its own: the report list's registry keys (tui.app.actions,
    # scope "list") move the cursor through the methods below.
    BINDINGS = []
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; overflow-x: hidden; }
    """

    class RowHighlighted(Message):
        def __init__(self, table, cursor_row):
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row

        @property
        def control(self):
            return self.table

    class RowSelected(RowHighlighted):
        pass

    def __init__(self, cells, index_of=None, **kwargs):
        """`cells(index)` → the row's cells (str or rich Text), one per column;
        `index_of(key)` → the index of the row with that key, or None."""
        super().__init__(**kwargs)
        self._cells_of = cells
        self._index_of = index_of
        self.columns = []  # [(label, key, width)]
        self.row_count = 0
        self._cursor = 0

    # -- data -----------------------------------------------------------

    def set_columns(self, columns):
        self.columns = list(columns)
        self._resize()
        self.refresh()

    def set_rows(self, count):
        """The number of rows changed (or their order): redraw what is visible."""
        self.row_count = count
        if self._cursor >= count:
            self._cursor = max(0, count - 1)
        self._resize()
        self.refresh()

    def _resize(self):
        width = sum(w + 2 for _, _, w in self.columns)
        self.virtual_size = Size(width, self.row_count + 1)  # + the header line

    def get_row_at(self, index):
        return self._cells_of(index)

    def get_row(self, key):
        index = self._index_of(key) if self._index_of else None
        if index is None:
            raise KeyError(key)
        return self._cells_of(index)

    # -- cursor (the DataTable names the screen and its tests use) --------

    @property
    def cursor_row(self):
        return self._cursor

    def move_cursor(self, row=None, **_ignored):
        if row is None or self.row_count == 0:
            return
        row = max(0, min(row, self.row_count - 1))
        changed = row != self._cursor
        self._cursor = row
        self._scroll_to_cursor()
        self.refresh()
        if changed:
            self.post_message(self.RowHighlighted(self, row))

    def _page(self):
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self):
        top = int(self.scroll_offset.y)
        page = self._page()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + page:
            self.scroll_to(y=self._cursor - page + 1, animate=False, immediate=True)

    def action_cursor_up(self):
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self):
        self.move_cursor(row=self._cursor + 1)

    def action_page_up_rows(self):
        self.move_cursor(row=self._cursor - self._page())

    def action_page_down_rows(self):
        self.move_cursor(row=self._cursor + self._page())

    def action_first_row(self):
        self.move_cursor(row=0)

    def action_last_row(self):
        self.move_cursor(row=self.row_count - 1)

    def action_select_row(self):
        if self.row_count:
            self.post_message(self.RowSelected(self, self._cursor))

    def on_click(self, event):
        row = int(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= row < self.row_count:
            if row == self._cursor:
                self.action_select_row()
            else:
                self.move_cursor(row=row)

    def on_focus(self):
        self.refresh()

    def on_blur(self):
        self.refresh()

    # -- drawing --------------------------------------------------------

    def _line(self, cells, style=None):
        line = Text(no_wrap=True, overflow="crop", end="")
        for cell, (_, _, width) in zip(cells, self.columns):
            t = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            t.no_wrap = True
            if t.justify == "right" and t.cell_len < width:
                t.pad_left(width - t.cell_len)
            # a cut name ends in … so the reader knows there is more (the status line has it whole)
            t.truncate(width, overflow="ellipsis", pad=True)
            line.append(" ")  # one space each side of a cell, as DataTable's cell padding
            line.append_text(t)
            line.append(" ")
        if style is not None:
            line.stylize(style)
        return line

    def render_line(self, y):
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if y == 0:
            text = self._line([Text(label, style="bold") for label, _, _ in self.columns])
            text.stylize(Style(underline=True))
        else:
            index = int(self.scroll_offset.y) + y - 1
            if index >= self.row_count:
                return Strip.blank(width, base)
            style = None
            if index == self._cursor:
                style = Style(reverse=True, bold=self.has_focus)
            elif index % 2:
                style = Style(dim=False)
            text = self._line(self._cells_of(index), style)
        segments = list(text.render(self.app.console))
        return Strip(segments).apply_style(base).adjust_cell_length(width, base)
