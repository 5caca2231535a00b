"""Grouping findings that one cause produced many times.

A report that left a whole column of table 三 blank yields one `cell.value`
finding per cell: 125 lines that say one thing. `group_findings` folds
findings of the same rule, severity, acceptance and figures that fill a
rectangle of a table (some rows × some columns) into one Group, so a reader
sees `三、… › 法人或其他组织 5 列 × 25 行（125 格）` once. Everything else stays a
group of one. Pure: used by the review opinion and the workbench problem list.
"""

from tui.core.address import MISSING, get_value, parse_address
from tui.core.order import cell_order, rank_of

SEP = " › "
MIN_CELLS = 3  # fewer cells than this are listed one by one


class Group:
    """Findings that share a cause: one finding, or a rows × columns block of a table."""

    __slots__ = ("findings", "table", "rows", "columns")

    def __init__(self, findings, table=None, rows=(), columns=()):
        self.findings = list(findings)
        self.table = table          # "applications" / "appeals" for a block, else None
        self.rows = tuple(rows)     # TableRow objects of the block, printed order
        self.columns = tuple(columns)  # Column objects of the block, printed order

    @property
    def first(self):
        return self.findings[0]

    @property
    def rule(self):
        return self.first.rule

    @property
    def severity(self):
        return self.first.severity

    @property
    def accepted(self):
        return self.first.accepted

    @property
    def size(self):
        return len(self.findings)

    @property
    def is_block(self):
        return self.size > 1

    @property
    def cells(self):
        """The first cell of each finding, in printed order."""
        return [f.first for f in self.findings]

    def address_text(self):
        """`a[1]` for one finding; `a[1] … b[5]（共 N 格）` for a block."""
        if not self.is_block:
            return self.first.first or ""
        return f"{self.cells[0]} … {self.cells[-1]}（共 {self.size} 格）"

    def label(self, form):
        """The printed label path; for a block, the table, its columns and rows in words."""
        if not self.is_block:
            return form.label(self.first.first) if self.first.first else ""
        section = form.applications_label if self.table == "applications" else form.appeals_label
        all_cols = form.application_columns if self.table == "applications" else form.appeal_columns
        all_rows = form.application_rows if self.table == "applications" else form.appeal_rows
        parts = [section]
        if len(self.rows) == 1:
            parts.extend(self.rows[0].path)
        parts.append(_columns_text(self.columns, all_cols))
        text = SEP.join(parts)
        if len(self.rows) > 1:
            text += " × " + ("全部 " if len(self.rows) == len(all_rows) else "") + f"{len(self.rows)} 行"
        return text + f"（{self.size} 格）"

    def brief(self, form):
        """A compact name for a problem list at 80 columns: `表三 法人或其他组织 5 列 × 全部 25 行`
        (the section by its number, the block's columns and rows); a single finding: its short label."""
        if not self.is_block:
            return form.short_label(self.first.first) if self.first.first else ""
        section = form.applications_label if self.table == "applications" else form.appeals_label
        number, sep, _ = section.partition("、")
        parts = ["表" + number if sep and len(number) <= 2 else section]
        all_cols = form.application_columns if self.table == "applications" else form.appeal_columns
        all_rows = form.application_rows if self.table == "applications" else form.appeal_rows
        if len(self.rows) == 1:
            parts.append(self.rows[0].label)
        parts.append(_columns_text(self.columns, all_cols))
        text = " ".join(parts)
        if len(self.rows) > 1:
            text += " × " + ("全部 " if len(self.rows) == len(all_rows) else "") + f"{len(self.rows)} 行"
        return text

    def common_message(self, form):
        """What every member says, without the cell's own name: `应为非负整数，实为空白`
        (members' messages begin with their cell's short label); else the first member's message."""
        f = self.first
        if self.is_block and f.first:
            name = form.short_label(f.first)
            if f.message.startswith(name) and len(f.message) > len(name):
                return f.message[len(name):].lstrip("：: ")
        return f.message

    def __repr__(self):
        return f"Group({self.rule!r}, {self.address_text()!r})"


def _columns_text(columns, all_cols):
    if len(columns) == 1:
        c = columns[0]
        return f"{c.group} › {c.label}" if c.group else c.label
    groups = {c.group for c in columns}
    if len(groups) == 1 and None not in groups:
        name = groups.pop()
        members = [c for c in all_cols if c.group == name]
        if len(members) == len(columns):
            return f"{name} {len(columns)} 列"
    if len(columns) == len(all_cols):
        return f"全部 {len(columns)} 列"
    return "、".join(c.label for c in columns) + f" {len(columns)} 列"


def _table_cell(form, address):
    """(table, TableRow, column index) of a table-三/四 cell address, else None."""
    if not address:
        return None
    try:
        a = parse_address(address)
    except ValueError:
        return None
    if not a.keys or a.keys[0] not in ("applications", "appeals") or a.index is None:
        return None
    row = form.table_row(a.keys)
    cols = form.application_columns if a.keys[0] == "applications" else form.appeal_columns
    if row is None or a.index >= len(cols):
        return None
    return a.keys[0], row, a.index


def _value_key(data, address):
    if data is None or not address:
        return None
    try:
        v = get_value(data, parse_address(address))
    except ValueError:
        return None
    if v is MISSING:
        return ("missing",)
    return (type(v).__name__, repr(v))


def group_findings(findings, form, data=None, min_cells=MIN_CELLS):
    """[Group] in printed order (by each group's first cell).

    Findings group when they share rule, severity, acceptance, expected,
    actual and (given `data`) the first cell's published value, lie in one
    table (三 or 四), and their first cells fill whole rows × columns: the
    columns with the same set of rows form one block. A block of fewer than
    `min_cells` cells is left as single findings. Order inside a block and
    of the blocks follows the printed order of the report.
    """
    order = cell_order(form, data)

    def rank(f):
        return rank_of(f.first, order), f.rule

    buckets = {}
    singles = []
    for f in findings:
        where = _table_cell(form, f.first)
        if where is None:
            singles.append(f)
            continue
        key = (f.rule, f.severity, f.accepted, repr(f.expected), repr(f.actual), where[0], _value_key(data, f.first))
        buckets.setdefault(key, []).append((f, where))
    groups = [Group([f]) for f in singles]
    for key, members in buckets.items():
        table = key[5]
        by_col = {}
        for f, (_, row, col) in members:
            by_col.setdefault(col, {})[row.keys] = (f, row)
        blocks = {}
        for col, rows in by_col.items():
            blocks.setdefault(frozenset(rows), []).append(col)
        for row_keys, cols in blocks.items():
            cols = sorted(cols)
            cells = [by_col[c][k] for c in cols for k in row_keys]
            if len(cells) < min_cells:
                groups.extend(Group([f]) for f, _ in cells)
                continue
            all_cols = form.application_columns if table == "applications" else form.appeal_columns
            rows = sorted({k: row for _, row in cells for k in [row.keys]}.values(),
                          key=lambda r: rank_of(str(r.address), order))
            block = sorted((f for f, _ in cells), key=rank)
            groups.append(Group(block, table, rows, [all_cols[c] for c in cols]))
    groups.sort(key=lambda g: rank(g.first))
    return groups
