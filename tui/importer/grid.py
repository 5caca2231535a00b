"""The reader-neutral model of a published report: blocks of text and tables.

Every reader (HTML, DOCX, PDF) turns its source into a `Source`: the title,
the narrative lines in reading order, and the tables as grids. A grid
position points at the source cell covering it (`Cell`); a merged cell is
one `Cell` object repeated over every position it covers, so the mapping can
tell a merge from two equal cells. Each cell carries a locator a person can
follow back into the original (an XPath, `table/row/cell`, or page + table +
row + column).
"""


class Cell:
    __slots__ = ("text", "row", "col", "rowspan", "colspan", "locator")

    def __init__(self, text, row, col, rowspan=1, colspan=1, locator=""):
        self.text = text
        self.row = row
        self.col = col
        self.rowspan = rowspan
        self.colspan = colspan
        self.locator = locator

    def __repr__(self):
        return f"Cell({self.text!r}, r{self.row} c{self.col} {self.rowspan}x{self.colspan})"


class Table:
    """A grid of positions; `rows[r][c]` is the Cell covering (r, c) or None."""

    __slots__ = ("rows", "locator", "page")

    def __init__(self, rows, locator, page=None):
        self.rows = rows
        self.locator = locator
        self.page = page

    @property
    def width(self):
        return max((len(r) for r in self.rows), default=0)


class Source:
    """What a reader found: kind, title lines, narrative lines, tables, metadata."""

    __slots__ = ("kind", "title", "lines", "tables", "published")

    def __init__(self, kind, title, lines, tables, published=None):
        self.kind = kind          # "html" | "docx" | "pdf"
        self.title = title        # the document's title as printed, or ""
        self.lines = lines        # narrative text lines in reading order (tables excluded where possible)
        self.tables = tables      # [Table] in reading order
        self.published = published  # datetime.date or None


class Refused(Exception):
    """The source cannot be imported; the message (Chinese) says what to do."""


def build_grid(cells, n_rows, n_cols):
    """Positions from a list of Cells with spans (later cells never overwrite earlier ones)."""
    grid = [[None] * n_cols for _ in range(n_rows)]
    for cell in cells:
        for r in range(cell.row, min(cell.row + cell.rowspan, n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, n_cols)):
                if grid[r][c] is None:
                    grid[r][c] = cell
    return grid
