"""What the single-report rules read, computed once (issue 15.3).

Per form (cached): where each row of tables 三 and 四 sits (its rows in runs
that share a parent table, so a report's table is read with one C-level
`map` per run), the row indexes of each role, whether the total column is
last, and the keys of table 二's rows. Per report (while `check_report`
runs, shared by every rule): the cells of each table's rows as plain lists,
whether a table is clean (every row a list of exactly `width` counts, the
usual case), and the rows of table 二. The rules test the usual case on
these plain values with a few C-level passes and only walk cell by cell,
and format addresses and messages, where a finding may be.

Pure: reads the forms (tui.core.forms) and a report's data, nothing else.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.forms import Form, Table, TableRow
    from tui.core.report import Report

INTS = frozenset((int,))  # exact types: a bool is not a count
_LISTS = frozenset((list,))
_DICTS = frozenset((dict,))


def all_counts(values) -> bool:
    """True when every value (a list, or a table's values) is an int >= 0, not a
    bool: the usual case, tested at C speed."""
    return INTS.issuperset(map(type, values)) and min(values, default=0) >= 0


class TablePlan:
    """Table 三 or 四 of one form, as the rules walk it."""

    __slots__ = ("section", "rows", "runs", "width", "plain", "roles")

    def __init__(self, section: str, table: Table):
        self.section = section
        self.rows = table.rows
        runs = []
        for row in table.rows:
            parent, leaf = row.keys[1:-1], row.keys[-1]
            if runs and runs[-1][0] == parent:
                runs[-1][1].append(leaf)
            else:
                runs.append((parent, [leaf]))
        self.runs = tuple((parent, tuple(leaves)) for parent, leaves in runs)
        self.width = table.width
        # The total column last, the others its parts: a clean row's total
        # is right when the sum of the whole row is twice the total.
        self.plain = (table.total_index == table.width - 1
                      and table.part_indexes == tuple(range(table.width - 1)))
        roles = {}
        for i, row in enumerate(table.rows):
            roles.setdefault(row.role, []).append(i)
        self.roles = {role: tuple(where) for role, where in roles.items()}

    def lists(self, data: dict) -> list:
        """The cells of every row, in the form's order: a list, or None when
        the row is missing or not an array (or a key on its way not a table)."""
        top = data.get(self.section)
        out = []
        for parent, leaves in self.runs:
            node = top
            for key in parent:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, dict):
                out.extend(map(node.get, leaves))
            else:
                out.extend([None] * len(leaves))
        if not _LISTS.issuperset(map(type, out)):
            out = [cells if isinstance(cells, list) else None for cells in out]
        return out

    def clean(self, lists: list) -> bool:
        """True when every row is a list of exactly `width` counts (ints >= 0)."""
        if None in lists or not set(map(len, lists)) <= {self.width}:
            return False
        return all_counts(list(chain.from_iterable(lists)))


class FormPlan:
    __slots__ = ("tables", "active_keys", "active_required")

    def __init__(self, form: Form):
        self.tables = {section: TablePlan(section, table) for section, table in form.tables.items()}
        self.active_keys = tuple(row.key for row in form.active_rows)
        # Per row of table 二: the keys it must have, or None when it has a
        # field with choices (its value is tested too).
        self.active_required = tuple(
            None if any(f.kind == "unit" for f in row.fields) else frozenset(f.key for f in row.fields if f.required)
            for row in form.active_rows)


_PLANS: dict = {}


def form_plan(form: Form) -> FormPlan:
    plan = _PLANS.get(form)
    if plan is None:
        plan = _PLANS[form] = FormPlan(form)
    return plan


class View:
    """One report as the rules read it; each part computed on first use."""

    __slots__ = ("report", "plan", "_tables", "_active")

    def __init__(self, report: Report):
        self.report = report
        self.plan = form_plan(report.form)
        self._tables = {}
        self._active = None

    def table(self, section: str) -> tuple[TablePlan, list, bool]:
        """(plan, cells of each row, clean) of table `section`."""
        got = self._tables.get(section)
        if got is None:
            plan = self.plan.tables[section]
            lists = plan.lists(self.report.data)
            got = self._tables[section] = (plan, lists, plan.clean(lists))
        return got

    def active(self) -> tuple[list, list]:
        """The rows of table 二 in the form's order: (values, counts), where
        values[i] is the row's inline table (a dict) or None, and counts[i]
        is True when that row holds only counts (ints >= 0)."""
        if self._active is None:
            active = self.report.data.get("active")
            if isinstance(active, dict):
                values = list(map(active.get, self.plan.active_keys))
                if not _DICTS.issuperset(map(type, values)):
                    values = [v if isinstance(v, dict) else None for v in values]
            else:
                values = [None] * len(self.plan.active_keys)
            counts = [v is not None and all_counts(v.values()) for v in values]
            self._active = (values, counts)
        return self._active


class _Current:
    """The view of the report `check_report` is checking: every rule reads
    that one. A reader checks the report's identity, so two threads checking
    at once only read twice (a plain object, not threading.local: importing
    threading cost `check` start-up time)."""

    view = None


current = _Current()


def view(report: Report) -> View:
    found = current.view
    return found if found is not None and found.report is report else View(report)


def row_cells(report: Report, row: TableRow) -> list | None:
    """The cells of one row of table 三 or 四 (as `TablePlan.lists` reads them),
    for a rule that needs one row of a report (the year before's)."""
    node = report.data
    for key in row.keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else None
