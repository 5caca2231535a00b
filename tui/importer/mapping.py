"""Grid → report data, by printed labels from the forms data (FORMAT §1.2–1.4, §6).

Rows are matched by their printed labels (exact last label part first, then
fuzzy above a threshold, flagged), columns by their header path (table 四 by
group: 行政复议 / 未经复议直接起诉 / 复议后起诉). Position alone never decides a
cell silently: swapped rows or columns pass every sum rule, so only labels
catch them; where position had to decide, the cell is flagged.

The walk goes through every table row in reading order with a context (the
section and its column map) that survives a page break, so a table split
across pages is stitched: a continuation without a header inherits the
columns of the part before it (aligned on the right edge when the widths
differ, flagged `split-table`).
"""

import difflib

from tui.core.address import format_address
from tui.importer.labels import norm, parse_value

FUZZY = 0.75
REASONS = ("fuzzy-label", "by-position", "merged", "realigned", "split-table", "placeholder", "blank",
           "number-format", "missing")

CORNER = "勾稽"


class Flag:
    __slots__ = ("cell", "value", "reason", "raw", "locator", "has_value")

    def __init__(self, cell, value, reason, raw, locator, has_value=True):
        self.cell, self.value, self.reason, self.raw, self.locator = cell, value, reason, raw, locator
        self.has_value = has_value

    def to_record(self):
        rec = {"cell": self.cell}
        if self.has_value:
            rec["value"] = self.value
        rec["reason"] = self.reason
        if self.raw is not None:
            rec["raw"] = self.raw
        if self.locator:
            rec["locator"] = self.locator
        return rec

    def __repr__(self):
        return f"Flag({self.cell!r}, {self.value!r}, {self.reason!r})"


# -- rows of a grid -----------------------------------------------------------

def row_runs(grid_row):
    """[(cell, first column, last column)] of the distinct cells of a row, left to right."""
    runs = []
    for c, cell in enumerate(grid_row):
        if cell is None:
            continue
        if runs and runs[-1][0] is cell and runs[-1][2] == c - 1:
            runs[-1] = (cell, runs[-1][1], c)
        else:
            runs.append((cell, c, c))
    return runs


def _texts(grid_row):
    return [norm(cell.text) for cell, _, _ in row_runs(grid_row)]


def _is_number_text(t):
    value, reason = parse_value(t)
    return isinstance(value, (int, float)) and reason is None


class Target:
    """One cell of the report being written: its address, value, provenance and doubts."""

    __slots__ = ("keys", "index", "kind", "cell", "raw", "value", "reasons")

    def __init__(self, keys, index, kind, cell):
        self.keys, self.index, self.kind, self.cell = keys, index, kind, cell
        self.raw = cell.text if cell is not None else None
        self.value, reason = parse_value(self.raw, kind) if cell is not None else (None, None)
        self.reasons = [reason] if reason else []

    @property
    def address(self):
        return format_address(self.keys, self.index)


class Mapper:
    def __init__(self, form):
        self.form = form
        self.targets = []           # Target, in the order found
        self.assigned = {}          # (keys, index) → Target
        self.notes = []             # things worth telling the user that are not cell flags
        self.found = set()          # sections seen: active, applications, appeals
        self.field_labels = {}
        for row in form.active_rows:
            for f in row.fields:
                self.field_labels.setdefault(norm(f.label), []).append((row.key, f.key))
        self.active_labels = {norm(r.label): r for r in form.active_rows}
        self.app_rows = list(form.application_rows)
        # Table 三 as the form prints it: its width, the headings above its columns
        # (e.g. 申请人情况, 法人或其他组织) and above its outcome rows (三、本年度办理结果,
        # also printed 三.本年度办理结果), and the words that mark its header row.
        self.app_width = len(form.application_columns)
        groups = [c.group for c in form.application_columns if c.group]
        self.app_headings = {norm(t) for t in [form.column_heading, *groups] if t}
        heading = form.outcome_heading
        self.outcome_headings = {norm(heading), norm(heading.replace("、", ".", 1))}
        self.app_header_words = self.app_headings | {norm(form.application_columns[0].label)}

    # -- assignment -----------------------------------------------------------

    def assign(self, keys, index, kind, cell, *reasons):
        key = (tuple(keys), index)
        if key in self.assigned:
            return None
        t = Target(tuple(keys), index, kind, cell)
        t.reasons = [r for r in reasons if r] + t.reasons
        self.assigned[key] = t
        self.targets.append(t)
        return t

    # -- the walk -------------------------------------------------------------

    def run(self, tables):
        ctx = None
        for table in tables:
            header_rows = []
            for r, grid_row in enumerate(table.rows):
                texts = [t for t in _texts(grid_row) if t]
                if not texts:
                    continue
                kind = self._header_kind(texts)
                if kind is None and ctx is not None and ctx["kind"] == "appeals" and ctx["table"] is table \
                        and not ctx["data_seen"] and not any(_is_number_text(t) for t in texts):
                    kind = "appeals"
                if kind:
                    if ctx is None or ctx.get("table") is not table or ctx.get("kind") != kind \
                            or ctx.get("data_seen"):
                        header_rows = []
                    header_rows.append(r)
                    ctx = {"kind": kind, "table": table, "header": list(header_rows), "data_seen": False,
                           "width": table.width}
                    continue
                if self._active_row(table, r, ctx):
                    if ctx is not None and ctx.get("kind") != "active":
                        ctx = {"kind": "active", "table": table, "header": [], "data_seen": True,
                               "width": table.width}
                    continue
                if ctx is None:
                    continue
                if ctx["kind"] == "applications":
                    self._app_row(table, r, ctx)
                elif ctx["kind"] == "appeals":
                    self._appeal_row(table, r, ctx)
                ctx["data_seen"] = True
        self._merged()

    def _header_kind(self, texts):
        joined = "|".join(texts)
        if any(t in self.field_labels for t in texts) or any(t == "信息内容" for t in texts):
            return "active"
        if any(t in self.app_header_words for t in texts):
            return "applications"
        numbers = sum(1 for t in texts if _is_number_text(t))
        if numbers == 0 and ("行政复议" in joined or "行政诉讼" in joined or "复议后起诉" in joined
                             or "直接起诉" in joined) and len(texts) >= 2:
            return "appeals"
        return None

    # -- table 二 -------------------------------------------------------------

    def _active_header(self, table, ctx):
        """{grid column: [(row key, field key)]} from the context's header rows."""
        if ctx is None or ctx.get("kind") != "active" or not ctx["header"]:
            return None
        cols = {}
        htable = ctx["table"]
        for hr in ctx["header"]:
            for cell, c0, c1 in row_runs(htable.rows[hr]):
                fields = self.field_labels.get(norm(cell.text))
                if fields:
                    for c in range(c0, c1 + 1):
                        cols[c] = (fields, cell)
        return cols if (htable is table or htable.width == table.width) else None

    def _active_row(self, table, r, ctx):
        runs = row_runs(table.rows[r])
        if not runs:
            return False
        label = norm(runs[0][0].text)
        row = self.active_labels.get(label)
        reason = None
        if row is None:
            alias = {"规范性文件": "行政规范性文件", "行政规范性文件": "规范性文件"}.get(label)
            row = self.active_labels.get(alias) if alias else None
            reason = "fuzzy-label" if row is not None else None
        if row is None:
            return False
        self.found.add("active")
        values = [(cell, c0, c1) for cell, c0, c1 in runs[1:]]
        header = self._active_header(table, ctx)
        wanted = [f for f in row.fields if f.required]
        placed = []
        if header:
            for cell, c0, c1 in values:
                fields = []
                for c in range(c0, c1 + 1):
                    hit = header.get(c)
                    if hit:
                        for rk, fk in hit[0]:
                            if rk == row.key and fk not in fields:
                                fields.append(fk)
                for fk in fields:
                    placed.append((fk, cell))
        if not placed:
            # No header names these columns (a continuation without one): by order.
            for f, (cell, _, _) in zip(wanted, values):
                placed.append((f.key, cell, "by-position"))
        for item in placed:
            fk, cell = item[0], item[1]
            field = row.field_map[fk]
            self.assign(("active", row.key, fk), None, field.kind, cell, reason,
                        item[2] if len(item) > 2 else None)
        return True

    # -- table 三 -------------------------------------------------------------

    def _app_columns(self, ctx):
        """{application column index: (grid column, exact?)} from the header rows."""
        paths = _header_paths(ctx)
        labels = {norm(col.label): col.index for col in self.form.application_columns}
        cols = {}
        for c in sorted(paths):
            parts = [t for _, t in paths[c] if t and CORNER not in t and t not in self.app_headings]
            if not parts or any(CORNER in t for _, t in paths[c]):
                continue
            leaf = "".join(parts)
            if len(set(parts)) == 1:
                leaf = parts[0]
            idx, exact = labels.get(leaf), True
            if idx is None:
                exact = False
                idx = _column_named(self.form.application_columns, leaf)
            if idx is not None and idx not in cols:
                cols[idx] = (c, exact)
        return cols

    def _label_parts(self, runs, first_value_col):
        parts = []
        for cell, c0, _ in runs:
            if c0 >= first_value_col:
                break
            t = norm(cell.text)
            if t and CORNER not in t and t not in self.outcome_headings \
                    and not _is_number_text(t):
                parts.append((t, cell))
        return parts

    def _match_app_row(self, parts):
        """(TableRow or None, reason)."""
        if not parts:
            return None, None
        texts = [t for t, _ in parts]
        last = texts[-1]
        candidates = [row for row in self.app_rows if norm(row.path[-1]) == last]
        if len(candidates) > 1:
            grouped = [row for row in candidates if len(row.path) > 1 and norm(row.path[0]) in texts]
            candidates = grouped or candidates[:1]
        if candidates:
            return candidates[0], None
        # Two label cells that together make the printed label (wrapped cells).
        if len(texts) >= 2:
            joined = texts[-2] + texts[-1]
            for row in self.app_rows:
                if norm(row.path[-1]) == joined:
                    return row, None
        # A group printed as one row (a 2019-style （六）其他处理 in a 2021 report):
        # the group's last row, flagged; its other rows stay missing.
        group = [row for row in self.app_rows if len(row.path) > 1 and norm(row.path[0]) == last]
        if group:
            return group[-1], "fuzzy-label"
        scored = []
        for row in self.app_rows:
            ratio = difflib.SequenceMatcher(None, last, norm(row.path[-1]), autojunk=False).ratio()
            scored.append((ratio, row))
        scored.sort(key=lambda x: -x[0])
        if scored and scored[0][0] >= FUZZY and (len(scored) < 2 or scored[0][0] - scored[1][0] >= 0.05):
            return scored[0][1], "fuzzy-label"
        return None, None

    def _app_row(self, table, r, ctx):
        if "cols" not in ctx:
            ctx["cols"] = self._app_columns(ctx)
            ctx["col_table"] = ctx["table"]
        cols = ctx["cols"]
        if not cols:
            return
        shift, inherited = 0, table is not ctx["col_table"]
        if inherited and table.width != ctx["col_table"].width:
            shift = table.width - ctx["col_table"].width
        first_value_col = min(c for c, _ in cols.values()) + shift
        grid_row = table.rows[r]
        runs = row_runs(grid_row)
        parts = self._label_parts(runs, first_value_col)
        cells = {}
        for idx, (c, exact) in cols.items():
            gc = c + shift
            cells[idx] = grid_row[gc] if 0 <= gc < len(grid_row) else None
        if not parts and all(cell is None or not cell.text.strip() for cell in cells.values()):
            return
        row, reason = self._match_app_row(parts)
        if row is None:
            if not any(cell is not None and cell.text.strip() for cell in cells.values()):
                return
            nxt = self._next_app_row()
            if nxt is None:
                self.notes.append(f"{table.locator} 第 {r + 1} 行的标签“{''.join(t for t, _ in parts)}”"
                                  "与表格标签不符，未采用")
                return
            row, reason = nxt, "by-position"
            self.notes.append(f"{table.locator} 第 {r + 1} 行的标签“{''.join(t for t, _ in parts)}”"
                              f"与表格标签不符，按位置记为“{row.label}”")
        if any((row.keys, i) in self.assigned for i in range(self.app_width)):
            self.notes.append(f"{table.locator} 第 {r + 1} 行重复了“{row.label}”，未采用")
            return
        self.found.add("applications")
        self._last_app_row = row
        width = self.app_width
        row_cells = [cells.get(i) for i in range(width)]
        realigned = False
        if any(cell is None for cell in row_cells):
            # A short row (a label cell missing, values shifted left): take the
            # row's last `width` value-like cells, only if the row total then holds.
            tail = []
            for cell, _, _ in reversed(runs):
                value, why = parse_value(cell.text)
                if not (isinstance(value, (int, float)) or why == "blank") or len(tail) == width:
                    break
                tail.insert(0, cell)
            if len(tail) == width:
                nums = [parse_value(c.text)[0] for c in tail]
                nums = [v if isinstance(v, (int, float)) else 0 for v in nums]
                if sum(nums[:-1]) == nums[-1]:
                    row_cells, realigned = tail, True
        split = "split-table" if shift else None
        if inherited and not split:
            nums = [parse_value(c.text)[0] if c is not None else 0 for c in row_cells]
            nums = [v if isinstance(v, (int, float)) else 0 for v in nums]
            if sum(nums[:-1]) != nums[-1]:
                split = "split-table"
        exact_cols = {idx: exact for idx, (c, exact) in cols.items()}
        for i, cell in enumerate(row_cells):
            if cell is None:
                continue
            self.assign(row.keys, i, "count", cell, reason, "realigned" if realigned else None, split,
                        None if exact_cols.get(i, True) else "fuzzy-label")

    def _next_app_row(self):
        last = getattr(self, "_last_app_row", None)
        rows = self.app_rows
        start = rows.index(last) + 1 if last in rows else 0
        if start < len(rows) and not any((rows[start].keys, i) in self.assigned for i in range(self.app_width)):
            return rows[start]
        return None

    # -- table 四 -------------------------------------------------------------

    def _appeal_columns(self, ctx):
        paths = _header_paths(ctx)
        leaves = {norm(col.label): col.index for col in self.form.appeal_columns}
        cols = {}
        for c in sorted(paths):
            texts = [t for _, t in paths[c] if t]
            if not texts:
                continue
            joined = "|".join(texts)
            exact = True
            if "复议后起诉" in texts:
                group = "litigation_after_reconsideration"
            elif "未经复议直接起诉" in texts:
                group = "litigation"
            elif "行政复议" in texts and "行政诉讼" not in texts:
                group = "reconsideration"
            else:
                exact = False
                if "复议后" in joined:
                    group = "litigation_after_reconsideration"
                elif "直接起诉" in joined or "诉讼" in joined:
                    group = "litigation"
                elif "复议" in joined:
                    group = "reconsideration"
                else:
                    continue
            leaf = texts[-1]
            idx = leaves.get(leaf)
            if idx is None:
                exact = False
                idx = _column_named(self.form.appeal_columns, leaf)
            if idx is None:
                continue
            cols.setdefault((group, idx), (c, exact))
        return cols

    def _appeal_row(self, table, r, ctx):
        if ctx.get("done"):
            return
        if "cols" not in ctx:
            ctx["cols"] = self._appeal_columns(ctx)
        cols = ctx["cols"]
        if not cols or table is not ctx["table"]:
            return
        grid_row = table.rows[r]
        if not any(cell is not None and cell.text.strip() for cell in grid_row):
            return
        ctx["done"] = True
        self.found.add("appeals")
        for (group, idx), (c, exact) in sorted(cols.items(), key=lambda kv: kv[1][0]):
            cell = grid_row[c] if c < len(grid_row) else None
            if cell is None:
                continue
            self.assign(("appeals", group), idx, "count", cell, None if exact else "fuzzy-label")

    # -- after the walk -------------------------------------------------------

    def _merged(self):
        uses = {}
        for t in self.targets:
            if t.cell is not None:
                uses.setdefault(id(t.cell), []).append(t)
        for group in uses.values():
            if len(group) > 1:
                for t in group:
                    t.reasons.insert(0, "merged")

    def result(self):
        """(data, flags): data holds what was found; flags one per doubtful or missing cell."""
        form = self.form
        data = {"active": {}, "applications": {}, "appeals": {}}
        flags = []
        for row in form.active_rows:
            vals = {}
            for f in row.fields:
                t = self.assigned.get((("active", row.key, f.key), None))
                if t is not None:
                    vals[f.key] = t.value
            if vals:
                data["active"][row.key] = vals
        for rows, width in ((form.application_rows, len(form.application_columns)),
                            (form.appeal_rows, len(form.appeal_columns))):
            for row in rows:
                got = [self.assigned.get((row.keys, i)) for i in range(width)]
                if all(t is not None for t in got):
                    node = data
                    for k in row.keys[:-1]:
                        node = node.setdefault(k, {})
                    node[row.keys[-1]] = [t.value for t in got]
                elif any(t is not None for t in got):
                    for t in got:
                        if t is not None:
                            del self.assigned[(row.keys, t.index)]
                    self.notes.append(f"“{row.label}”只找到部分单元格，整行未写入")
        order = {}
        for row in form.active_rows:
            for f in row.fields:
                order[(("active", row.key, f.key), None)] = len(order)
        for rows, width in ((form.application_rows, len(form.application_columns)),
                            (form.appeal_rows, len(form.appeal_columns))):
            for row in rows:
                for i in range(width):
                    order[(row.keys, i)] = len(order)
        for key, t in sorted(self.assigned.items(), key=lambda kv: order.get(kv[0], 1 << 30)):
            if t.reasons:
                flags.append(Flag(t.address, t.value, _pick(t.reasons), t.raw.strip(), t.cell.locator))
        return data, flags

    def missing(self, data):
        """Flags (no value) for every row or field of a found section that is absent."""
        form, flags = self.form, []
        for row in form.active_rows:
            if "active" not in self.found:
                break
            got = data["active"].get(row.key, {})
            for f in row.fields:
                if f.required and f.key not in got:
                    flags.append(Flag(format_address(("active", row.key, f.key)), None, "missing", None, None,
                                      has_value=False))
        for section, rows in (("applications", form.application_rows), ("appeals", form.appeal_rows)):
            if section not in self.found:
                continue
            for row in rows:
                node = data
                for k in row.keys:
                    node = node.get(k) if isinstance(node, dict) else None
                if node is None:
                    flags.append(Flag(format_address(row.keys), None, "missing", None, None, has_value=False))
        return flags


def _pick(reasons):
    for r in REASONS:
        if r in reasons:
            return r
    return reasons[0]


def edition_scores(forms, tables):
    """{form id: how many printed labels of table 二 and 三 only that form has}."""
    texts = set()
    for table in tables:
        for grid_row in table.rows:
            for cell, _, _ in row_runs(grid_row):
                texts.add(norm(cell.text))
    labels = {}
    for form in forms:
        own = set()
        for row in form.active_rows:
            own.add(norm(row.label))
            own.update(norm(f.label) for f in row.fields)
        for row in form.application_rows:
            own.add(norm(row.path[-1]))
        labels[form.id] = own
    scores = {}
    for form in forms:
        others = set().union(*(labels[f.id] for f in forms if f.id != form.id)) if len(forms) > 1 else set()
        scores[form.id] = len((labels[form.id] - others) & texts)
    return scores


def _column_named(columns, leaf):
    """The index of the form's column whose name (label, short name or alias)
    the header text `leaf` contains, the longest name winning; None if none."""
    best = None
    for col in columns:
        for name in col.names:
            n = norm(name)
            if n and n in leaf and (best is None or len(n) > best[0]):
                best = (len(n), col.index)
    return best[1] if best else None


def map_tables(form, tables):
    m = Mapper(form)
    m.run(tables)
    data, flags = m.result()
    flags += m.missing(data)
    return data, flags, m.found, m.notes


def _header_paths(ctx):
    """{grid column: [(cell, normalised text)]} down the header rows, a merged
    cell counted once per column it spans: the header path of each column."""
    table = ctx["table"]
    paths = {}
    for hr in ctx["header"]:
        for cell, c0, c1 in row_runs(table.rows[hr]):
            for c in range(c0, c1 + 1):
                path = paths.setdefault(c, [])
                if not path or path[-1][0] is not cell:
                    path.append((cell, norm(cell.text)))
    return paths
