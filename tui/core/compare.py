"""Two reports side by side, cell by cell: what `nianbao diff` prints and the
workbench's compare screen shows.

`compare_reports(old, new)` aligns the tables of two reports of any editions
and pairs their narratives. Everything a screen needs is computed here, in
display order, so that the UI only renders:

- `Comparison.sections`: 二, 三, 四, each a `Section` of `AlignedRow`s whose
  `AlignedCell`s carry both addresses, the printed label path, both values,
  `changed`, `delta` and `percent`;
- `Comparison.rows`: the same rows as one flat list;
- `Comparison.texts`: a `TextComparison` per [text] key (diff built lazily);
- `Comparison.notes`: what the reader must know, in Chinese (editions
  differ, not consecutive years, ...).

Across the 2019 and 2021 editions, table 二 has different rows and columns
and is listed per side, not compared; table 三 differs in one place: the
2019 row 三（六）其他处理 became three rows in 2021, so the one row is
compared with the sum of the three, which stay visible on their side.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING
from dataclasses import dataclass, field, replace
from decimal import Decimal
from difflib import SequenceMatcher

from tui.core.address import MISSING, Address, format_address, get_value
from tui.core.rules import is_number, num
from tui.core.textdiff import TextComparison

if TYPE_CHECKING:
    from tui.core.report import Report

ACTIVE, APPLICATIONS, APPEALS = "active", "applications", "appeals"
SEP = " › "
BOTH, OLD, NEW = "both", "old", "new"

_CN_NUMBERS = "零一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class AlignedCell:
    """One cell of a comparison row.

    `old`/`new` are the values (None where that report has no such cell);
    `changed` says whether they differ (always False for a cell that is not
    comparable); `delta` is new − old when both are numbers; `percent` is
    100 × delta / old, None when old is 0 or not a number. A cell of a
    combined row holds a sum: `old_parts`/`new_parts` name the summed cells
    and the side's address is None.
    """

    column: str
    label_path: tuple
    old_address: str | None
    new_address: str | None
    old: object
    new: object
    changed: bool
    delta: int | float | None
    percent: float | None
    comparable: bool = True
    old_parts: tuple = ()
    new_parts: tuple = ()

    @property
    def label(self):
        return SEP.join(self.label_path)

    @property
    def address(self):
        """The address to point at: the new report's, else the old one's."""
        return self.new_address or self.old_address

    @property
    def old_where(self):
        """The old side's address, or the summed addresses joined by " + "."""
        return self.old_address or " + ".join(self.old_parts) or None

    @property
    def new_where(self):
        return self.new_address or " + ".join(self.new_parts) or None


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """A row of a section: `side` is "both", or "old"/"new" for a row only one
    report's edition has; `combined` marks a row compared with a sum of the
    other edition's rows; `note` explains either."""

    section: str
    key: str
    label: str
    cells: tuple
    side: str = BOTH
    comparable: bool = True
    combined: bool = False
    note: str | None = None

    @property
    def changed(self):
        return any(c.changed for c in self.cells)

    @property
    def changed_cells(self):
        return [c for c in self.cells if c.changed]

    @property
    def address(self):
        """The row's address without a column: `applications.outcome.other`, `active.licensing`."""
        return format_address((self.section, *self.key.split(".")))


@dataclass(frozen=True, slots=True)
class Section:
    """二, 三 or 四: `columns` are the column labels of a grid section (三, 四);
    empty for 二, whose rows each have their own fields (cell.column)."""

    key: str
    title: str
    columns: tuple
    rows: tuple
    comparable: bool = True
    note: str | None = None

    @property
    def changed_cells(self):
        return [c for r in self.rows for c in r.cells if c.changed]


@dataclass(frozen=True, slots=True)
class IdentityField:
    key: str
    label: str
    old: object
    new: object

    @property
    def changed(self):
        return self.old != self.new


@dataclass(slots=True)
class Comparison:
    old: object
    new: object
    year_over_year: bool
    same_edition: bool
    notes: list
    sections: list
    texts: list
    identity: list
    rows: list = field(default_factory=list)
    _yoy: list | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.rows = [r for s in self.sections for r in s.rows]

    def section(self, key):
        return next((s for s in self.sections if s.key == key), None)

    def text(self, key):
        return next((t for t in self.texts if t.key == key), None)

    @property
    def changed_cells(self):
        return [(r, c) for r in self.rows for c in r.cells if c.changed]

    @property
    def changed_texts(self):
        return [t for t in self.texts if t.changed]

    def yoy_findings(self):
        """The year-over-year findings of the later report (empty unless year_over_year)."""
        if self._yoy is None:
            self._yoy = []
            if self.year_over_year:
                from tui.core.checker import check_reports

                for checked in check_reports([self.old, self.new]):
                    if checked.report is self.new:
                        self._yoy = [f for f in checked.findings if f.rule.startswith("yoy.")]
        return self._yoy


# -- values -----------------------------------------------------------------

def _value(report, keys, index=None):
    v = get_value(report.data, Address(keys, index))
    return None if v is MISSING else v


def finite(v: object) -> bool:
    """A number with a difference: not `inf`, `-inf` or `nan` (valid TOML floats)."""
    return is_number(v) and (not isinstance(v, float) or math.isfinite(v))


def same_value(a: object, b: object) -> bool:
    """Equal as published: 3 and 3.0 are the same, "" and 0 are not; nan is nan."""
    if is_number(a) and is_number(b):
        return a == b or (a != a and b != b)
    return type(a) is type(b) and a == b


def delta_of(old: object, new: object) -> int | float | None:
    """new − old for two finite numbers (exact in decimal: 7545 − 7730.28 = −185.28), else None."""
    if not (finite(old) and finite(new)):
        return None
    if isinstance(old, int) and isinstance(new, int):
        return new - old
    d = Decimal(repr(new)) - Decimal(repr(old))
    return int(d) if d == d.to_integral_value() else float(d)


def percent_of(old: object, delta: int | float | None) -> float | None:
    if delta is None or not finite(old) or old == 0:
        return None
    return float(Decimal(repr(delta)) * 100 / Decimal(repr(old)))


def _cell(column, label_path, old_address, new_address, old, new, comparable=True, old_parts=(), new_parts=()):
    if comparable:
        changed = not same_value(old, new)
        delta = delta_of(old, new)
        percent = percent_of(old, delta)
    else:
        changed, delta, percent = False, None, None
    return AlignedCell(column, tuple(label_path), old_address, new_address, old, new, changed, delta, percent,
                       comparable, tuple(old_parts), tuple(new_parts))


def _one_side(side, column, label_path, address, value):
    if side == OLD:
        return _cell(column, label_path, address, None, value, None, comparable=False)
    return _cell(column, label_path, None, address, None, value, comparable=False)


def _cn(n):
    return _CN_NUMBERS[n] if 0 <= n <= 10 else str(n)


# -- 二 -----------------------------------------------------------------------

def _active_rows_same(old, new):
    form = new.form
    rows = []
    for row in form.active_rows:
        cells = []
        unit_differs = False
        if row.has("unit"):
            f = row.field_map["unit"]
            ou = _value(old, (ACTIVE, row.key, "unit")) or f.default
            nu = _value(new, (ACTIVE, row.key, "unit")) or f.default
            unit_differs = ou != nu
        for f in row.fields:
            keys = (ACTIVE, row.key, f.key)
            ov, nv = _value(old, keys), _value(new, keys)
            if not f.required and ov is None and nv is None:
                continue
            a = format_address(keys)
            cell = _cell(f.label, form.label_path(a), a, a, ov, nv)
            if unit_differs and f.kind == "amount":  # 元 against 万元: no meaningful difference
                cell = replace(cell, delta=None, percent=None)
            cells.append(cell)
        note = "两份报告金额单位不同，不计算差值" if unit_differs else None
        rows.append(AlignedRow(ACTIVE, row.key, row.label, tuple(cells), note=note))
    return rows


def _active_rows_side(report, side):
    form = report.form
    rows = []
    for row in form.active_rows:
        cells = []
        for f in row.fields:
            keys = (ACTIVE, row.key, f.key)
            v = _value(report, keys)
            if not f.required and v is None:
                continue
            a = format_address(keys)
            cells.append(_one_side(side, f.label, form.label_path(a), a, v))
        rows.append(AlignedRow(ACTIVE, row.key, f"{row.label}（{form.name}）", tuple(cells), side=side,
                               comparable=False, note=f"仅{form.name}有此栏目，不与另一份报告逐格比较"))
    return rows


def _summary_rows(old, new):
    """[active.summary]: the same in both editions, so compared whenever both have it."""
    def summary(report):
        s = _value(report, (ACTIVE, "summary"))
        return s if isinstance(s, dict) else None

    so, sn = summary(old), summary(new)
    if so is None and sn is None:
        return []
    form = new.form if sn is not None else old.form
    labels = form.summary_labels
    # One report states no summary at all: list the other's, do not call every entry a difference.
    side = BOTH if so is not None and sn is not None else (OLD if so is not None else NEW)
    note = None if side == BOTH else f"仅{'旧' if side == OLD else '新'}报告有{labels.get('label')}"

    def make(column, keys):
        a = format_address(keys)
        if side == BOTH:
            return _cell(column, form.label_path(a), a, a, _value(old, keys), _value(new, keys))
        return _one_side(side, column, form.label_path(a), a, _value(old if side == OLD else new, keys))

    rows = [AlignedRow(ACTIVE, "summary.total", f"{labels.get('label')}{SEP}{labels.get('total_label')}",
                       (make(labels.get("total_label", "total"), (ACTIVE, "summary", "total")),),
                       side=side, comparable=side == BOTH, note=note)]
    names = []
    for s in (so, sn):
        cats = s.get("categories") if s else None
        if isinstance(cats, dict):
            names.extend(n for n in cats if n not in names)
    if names:
        cells = tuple(make(name, (ACTIVE, "summary", "categories", name)) for name in names)
        rows.append(AlignedRow(ACTIVE, "summary.categories",
                               f"{labels.get('label')}{SEP}{labels.get('categories_label')}", cells,
                               side=side, comparable=side == BOTH, note=note))
    return rows


def _active_section(old, new, same_edition):
    form = new.form
    if same_edition:
        rows = _active_rows_same(old, new)
        note = None
    else:
        rows = _active_rows_side(old, OLD) + _active_rows_side(new, NEW)
        note = (f"两份报告格式不同（{old.form.name}、{new.form.name}），本表栏目不同，"
                "按各自格式分别列出，不逐格比较")
    rows += _summary_rows(old, new)
    return Section(ACTIVE, form.active_label, (), tuple(rows), comparable=same_edition, note=note)


# -- 三 and 四 ------------------------------------------------------------------

def _grid_rows(form, section):
    return form.application_rows if section == APPLICATIONS else form.appeal_rows


def _grid_columns(form, section):
    return form.application_columns if section == APPLICATIONS else form.appeal_columns


def _grid_label_path(form, section, path, col):
    title = form.applications_label if section == APPLICATIONS else form.appeals_label
    out = [title, *path]
    if col.group:
        out.append(col.group)
    out.append(col.label)
    return out


def _row_cells_both(old, new, section, orow, nrow):
    form = new.form
    cells = []
    for col in _grid_columns(form, section):
        ao = format_address(orow.keys, col.index)
        an = format_address(nrow.keys, col.index)
        cells.append(_cell(col.label, form.label_path(an), ao, an,
                           _value(old, orow.keys, col.index), _value(new, nrow.keys, col.index)))
    return tuple(cells)


def _row_one_side(report, section, row, side, note):
    form = report.form
    cells = []
    for col in _grid_columns(form, section):
        a = format_address(row.keys, col.index)
        cells.append(_one_side(side, col.label, form.label_path(a), a, _value(report, row.keys, col.index)))
    return AlignedRow(section, row.key, row.label, tuple(cells), side=side, comparable=False, note=note)


def _combined_row(old, new, section, whole_side, whole, parts):
    """One row of one edition against the sum of its sub-rows in the other."""
    whole_report = old if whole_side == OLD else new
    parts_report = new if whole_side == OLD else old
    form = new.form
    pform = parts_report.form
    suffix = f"（{pform.name}{_cn(len(parts))}项合计）"
    cells = []
    for col in _grid_columns(form, section):
        wa = format_address(whole.keys, col.index)
        wv = _value(whole_report, whole.keys, col.index)
        addresses = tuple(format_address(p.keys, col.index) for p in parts)
        values = [_value(parts_report, p.keys, col.index) for p in parts]
        total = sum(num(v) for v in values if v is not None) if any(v is not None for v in values) else None
        path = _grid_label_path(form, section, [*whole.path[:-1], whole.path[-1] + suffix], col)
        if whole_side == OLD:
            cells.append(_cell(col.label, path, wa, None, wv, total, new_parts=addresses))
        else:
            cells.append(_cell(col.label, path, None, wa, total, wv, old_parts=addresses))
    note = (f"{whole_report.form.name}“{whole.label}”为一行，{pform.name}分为{_cn(len(parts))}项；"
            f"此行以{pform.name}{_cn(len(parts))}项之和对照")
    return AlignedRow(section, whole.key, whole.label + suffix, tuple(cells), combined=True, note=note)


def _grid_section(old, new, section):
    orows, nrows = _grid_rows(old.form, section), _grid_rows(new.form, section)
    okeys, nkeys = [r.key for r in orows], [r.key for r in nrows]
    rows = []
    matcher = SequenceMatcher(None, okeys, nkeys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for orow, nrow in zip(orows[i1:i2], nrows[j1:j2]):
                rows.append(AlignedRow(section, nrow.key, nrow.label, _row_cells_both(old, new, section, orow, nrow)))
            continue
        rows.extend(_unmatched(old, new, section, list(orows[i1:i2]), list(nrows[j1:j2])))
    form = new.form
    title = form.applications_label if section == APPLICATIONS else form.appeals_label
    columns = tuple(c.label for c in _grid_columns(form, section))
    return Section(section, title, columns, tuple(rows))


def _unmatched(old, new, section, olds, news):
    """Rows only one edition has; a row whose sub-rows the other edition has is compared with their sum."""
    out = []
    used_new = set()
    for orow in olds:
        parts = [n for n in news if n.key.startswith(orow.key + ".")]
        if parts:
            out.append(_combined_row(old, new, section, OLD, orow, parts))
            used_new.update(p.key for p in parts)
            out.extend(_row_one_side(new, section, p, NEW, f"仅{new.form.name}有此行，已计入上面的合计行")
                       for p in parts)
            continue
        wholes = [n for n in news if orow.key.startswith(n.key + ".")]
        if wholes:
            continue  # handled from the new side below
        out.append(_row_one_side(old, section, orow, OLD, f"仅{old.form.name}有此行"))
    for nrow in news:
        if nrow.key in used_new:
            continue
        parts = [o for o in olds if o.key.startswith(nrow.key + ".")]
        if parts:
            out.extend(_row_one_side(old, section, p, OLD, f"仅{old.form.name}有此行，已计入下面的合计行")
                       for p in parts)
            out.append(_combined_row(old, new, section, NEW, nrow, parts))
            continue
        out.append(_row_one_side(new, section, nrow, NEW, f"仅{new.form.name}有此行"))
    return out


# -- text ---------------------------------------------------------------------

def _texts(report):
    t = report.data.get("text")
    return {k: v for k, v in t.items() if isinstance(v, str)} if isinstance(t, dict) else {}


def _text_comparisons(old, new):
    to, tn = _texts(old), _texts(new)
    labels = dict(old.form.text_keys)
    labels.update(new.form.text_keys)
    order = [k for k, _ in new.form.text_keys]
    order += [k for k in list(to) + list(tn) if k not in order]
    seen, out = set(), []
    for key in order:
        if key in seen or (key not in to and key not in tn):
            continue
        seen.add(key)
        out.append(TextComparison(key, labels.get(key, key), to.get(key), tn.get(key)))
    return out


# -- identity and notes ---------------------------------------------------------

def _identity(old, new):
    out = []
    for f in new.form.identity:  # the newer report's form names the fields
        key, label = f.key, f.label
        ov, nv = _value(old, ("report", key)), _value(new, ("report", key))
        if ov is None and nv is None:
            continue
        if key == "form":
            ov, nv = old.form.name, new.form.name
        out.append(IdentityField(key, label, ov, nv))
    return out


def _notes(old, new, yoy, same_edition, sections):
    notes = []
    if yoy:
        notes.append(f"同一机关相邻年度的报告（{old.year} 年度与 {new.year} 年度），可逐项对照上年。")
    elif old.agency != new.agency:
        notes.append(f"发布机关不同（{old.agency}、{new.agency}），不是同一机关的逐年对照。")
    elif old.year == new.year:
        notes.append(f"同一机关同一年度（{new.year} 年度）的两个版本。")
    elif new.year < old.year:
        notes.append(f"新文件的年度（{new.year}）早于旧文件（{old.year}），不是逐年对照。")
    else:
        notes.append(f"年度不相邻（{old.year} 年度与 {new.year} 年度），不是逐年对照。")
    if not same_edition:
        notes.append(f"两份报告格式不同：旧为{old.form.name}，新为{new.form.name}。")
        active = next(s for s in sections if s.key == ACTIVE)
        notes.append(f"表二（{active.title}）两版栏目不同，不可跨版比较，按各自格式分别列出。")
        for s in sections:
            for r in s.rows:
                if r.combined:
                    notes.append(f"表三：{r.note}。")
    return notes


def compare_reports(old: Report, new: Report) -> Comparison:
    """Align two Reports (any editions) cell by cell; see the module docstring."""
    same_edition = old.form.id == new.form.id
    yoy = old.agency == new.agency and new.year == old.year + 1
    sections = [_active_section(old, new, same_edition),
                _grid_section(old, new, APPLICATIONS),
                _grid_section(old, new, APPEALS)]
    return Comparison(old=old, new=new, year_over_year=yoy, same_edition=same_edition,
                      notes=_notes(old, new, yoy, same_edition, sections), sections=sections,
                      texts=_text_comparisons(old, new), identity=_identity(old, new))
