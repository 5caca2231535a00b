"""Cell cursors for the report and compare tables, and scrolling a tall block.

A table says which columns of a display row can take the cursor
(`selectable_columns`); the cursor skips headings and empty cells, and
moving past the first or last row posts the table's own `Leave` message so
the screen can hand the cursor to the neighbouring block.
"""


class CellCursorMixin:
    def cursor_row_on_screen(self):
        """The cursor's display row as a Region of the screen (what an edit overlay must not cover)."""
        from textual.geometry import Region

        row = self._get_row_region(self.cursor_coordinate.row)  # inside the table, header included
        return Region(self.region.x, self.region.y + row.y - round(self.scroll_y), self.region.width, row.height)

    def selectable_columns(self, row):
        """Columns of display row `row` that can take the cursor ([] for headings)."""
        raise NotImplementedError

    def _step(self, drow, dcol):
        """Move to the next selectable cell in a direction; False at the edge."""
        c = self.cursor_coordinate
        row, col = c.row, c.column
        if dcol:
            ahead = [i for i in self.selectable_columns(row) if (i - col) * dcol > 0]
            if not ahead:
                return False
            self.move_cursor(row=row, column=min(ahead, key=lambda i: abs(i - col)), animate=False)
            return True
        row += drow
        while 0 <= row < self.row_count:
            cols = self.selectable_columns(row)
            if cols:
                target = col if col in cols else min(cols, key=lambda i: abs(i - col))
                self.move_cursor(row=row, column=target, animate=False)
                return True
            row += drow
        return False

    def action_cursor_down(self):
        if not self._step(1, 0):
            self.post_message(self.Leave(self, 1))

    def action_cursor_up(self):
        if not self._step(-1, 0):
            self.post_message(self.Leave(self, -1))

    def action_cursor_left(self):
        self._step(0, -1)

    def action_cursor_right(self):
        self._step(0, 1)


def scroll_within(container, widget, direction):
    """Scroll `container` one line to show more of a `widget` taller than the view;
    True if it scrolled, False when the widget's edge is already in view."""
    top, bottom = widget.virtual_region.y, widget.virtual_region.bottom
    if direction > 0 and bottom > container.scroll_y + container.size.height:
        container.scroll_relative(y=1, animate=False, immediate=True)
        return True
    if direction < 0 and top < container.scroll_y:
        container.scroll_relative(y=-1, animate=False, immediate=True)
        return True
    return False
