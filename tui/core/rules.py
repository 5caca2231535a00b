"""The single-report rules of FORMAT.md §2.

Each rule is a function (report) → list of Finding, registered under its id.
Which rules run is the form's choice (forms/*.toml `rules`); every rule runs
on every report whatever else is wrong with it, so each must cope with
missing rows and non-numeric cells (those count as 0 in sums).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
import datetime
import math

from tui.core.address import format_address
from tui.core.findings import ERROR, WARNING, Finding
from tui.core.forms import LEVELS, form_for_year
from tui.core.ruleview import INTS as _INTS, View, all_counts, current, view

if TYPE_CHECKING:
    from tui.core.report import Report

    RuleFn = Callable[[Report], list[Finding]]

RULES = {}
_NUMBERS = frozenset((int, float))  # exact types: a bool is not a number
_STRS = frozenset((str,))


def all_ints(cells):
    """True when every cell is an int (not a bool): the usual, fast case."""
    return cells is not None and _INTS.issuperset(map(type, cells))


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn):
        RULES[rule_id] = fn
        fn.rule_id = rule_id
        return fn
    return register


# -- cell helpers ---------------------------------------------------------

def is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def num(v: object) -> int | float:
    """A cell's value in sums: numbers as they are, anything else 0."""
    return v if is_number(v) else 0


def fmt(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) and abs(v) >= 10000 else str(v)


def describe(v: object) -> str:
    """A cell's content in words, for messages."""
    if isinstance(v, str):
        return "空白" if v.strip() == "" else f"“{v}”"
    if isinstance(v, bool):
        return f"布尔值 {str(v).lower()}"
    if isinstance(v, float):
        return f"小数 {v}"
    if isinstance(v, int) and v < 0:
        return f"负数 {v}"
    return type(v).__name__


def addr(keys: Iterable[str], index: int | None = None) -> str:
    return format_address(keys, index)


def cell(cells: list | None, i: int) -> object:
    return cells[i] if cells is not None and i < len(cells) else 0


def active_row(report: Report, row_key: str) -> dict | None:
    active = report.data.get("active")
    row = active.get(row_key) if isinstance(active, dict) else None
    return row if isinstance(row, dict) else None


# -- cell.value -----------------------------------------------------------

def _count_problem(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return None if v >= 0 else "不能为负数"
    return "应为非负整数"


def _value_finding(report, keys, index, v, why):
    return _value_finding_at(report, addr(keys, index), v, why)


def _value_finding_at(report, a, v, why):
    # FORMAT.md §2: for cell.value, `actual` is the cell's value itself when
    # it is a string, number or boolean (so an acceptance of a blank cell
    # lapses when the blank becomes "/"), else null.
    actual = v if isinstance(v, (str, int, float)) else None
    return Finding("cell.value", ERROR, f"{report.form.short_label(a)}{why}，实为{describe(v)}",
                   [a], None, actual)


@rule("cell.value")
def cell_value(report):
    found = []
    seen = view(report)
    for section in report.form.tables:
        plan, lists, clean = seen.table(section)
        if clean:
            continue  # the usual case: counts only
        width = plan.width
        for row, cells in zip(plan.rows, lists):
            if cells is None or all_counts(cells):  # counts only: the usual case
                continue
            for i, v in enumerate(cells[:width]):
                why = _count_problem(v)
                if why:
                    found.append(_value_finding_at(report, row.cell_addresses[i], v, why))
    for row, values, counts in zip(report.form.active_rows, *seen.active()):
        if values is None or counts:
            continue  # no row or counts only: every kind of field takes a count
        for field in row.fields:
            if field.key not in values:
                continue
            v = values[field.key]
            if field.kind == "count":
                why = _count_problem(v)
            elif field.kind == "change":
                why = None if isinstance(v, int) and not isinstance(v, bool) else "应为整数（可带正负号）"
            elif field.kind == "amount":
                why = None if is_number(v) and math.isfinite(v) and v >= 0 else "应为不小于 0 的有限数"
            else:
                why = None
            if why:
                found.append(_value_finding_at(report, row.field_addresses[field.key], v, why))
    active = report.data.get("active")
    summary = active.get("summary") if isinstance(active, dict) else None
    if isinstance(summary, dict):
        if "total" in summary and _count_problem(summary["total"]):
            found.append(_value_finding(report, ("active", "summary", "total"), None, summary["total"],
                                        _count_problem(summary["total"])))
        cats = summary.get("categories")
        if isinstance(cats, dict) and not all_counts(cats.values()):
            for name, v in cats.items():
                why = _count_problem(v)
                if why:
                    found.append(_value_finding(report, ("active", "summary", "categories", name), None, v, why))
    return found


# -- report.schema --------------------------------------------------------

def _schema(report, a, message):
    return Finding("report.schema", ERROR, message, [a])


_KIND_NAMES = {dict: "表", list: "数组", str: "字符串"}


@rule("report.schema")
def schema(report):
    form, data = report.form, report.data
    found = []
    ident = data["report"]
    for key in ("region", "title", "source"):
        if key in ident and not isinstance(ident[key], str):
            found.append(_schema(report, f"report.{key}", f"report.{key} 应为字符串"))
    if "published" in ident and not isinstance(ident["published"], datetime.date):
        label = form.identity_map["published"].label if "published" in form.identity_map else "published"
        found.append(_schema(report, "report.published", f"report.published（{label}）应为日期，如 2021-01-29"))
    if "level" in ident and not (isinstance(ident["level"], str) and ident["level"] in LEVELS):
        found.append(_schema(report, "report.level",
                             "report.level（报告级别）应为 \"government\"（本级政府）或 \"department\"（部门）"))
    text = data.get("text")
    if text is not None:
        if not isinstance(text, dict):
            found.append(_schema(report, "text", "[text] 应为表（叙述部分）"))
        elif not _STRS.issuperset(map(type, text.values())):
            for key, v in text.items():
                if not isinstance(v, str):
                    a = addr(("text", key))
                    found.append(_schema(report, a, f"{form.label(a)}应为字符串"))
    for section, label in (("active", form.active_label), ("applications", form.applications_label),
                           ("appeals", form.appeals_label)):
        if not isinstance(data.get(section), dict):
            what = "缺少" if section not in data else "格式错误："
            found.append(_schema(report, section, f"{what}[{section}]（{label}）"))
    if isinstance(data.get("active"), dict):
        found.extend(_schema_active(report))
    for section, table in form.tables.items():
        if isinstance(data.get(section), dict):
            found.extend(_schema_table(report, section, table.width))
    return found


def _schema_active(report):
    form, active = report.form, report.data["active"]
    seen = view(report)
    found = []
    for row, values, required in zip(form.active_rows, seen.active()[0], seen.plan.active_required):
        if values is not None and required is not None and values.keys() >= required:
            continue  # the usual case: an inline table with every required field
        a = row.address_text
        if row.key not in active:
            # FORMAT.md §1.2 makes every row of table 二 part of the form (only
            # [active.summary] and `unit` are optional); a row the published
            # report left empty is transcribed with "" cells, not omitted.
            found.append(_schema(report, a, f"缺少{form.label(a)}（{a}）"))
            continue
        values = active[row.key]
        if not isinstance(values, dict):
            found.append(_schema(report, a, f"{form.label(a)}应为内联表，如 {{ {row.fields[0].key} = 0 }}"))
            continue
        for field in row.fields:
            if field.key not in values:
                if field.required:
                    fa = row.field_addresses[field.key]
                    found.append(_schema(report, fa, f"缺少{form.label(fa)}（{fa}）"))
            elif field.kind == "unit" and values[field.key] not in field.choices:
                fa = row.field_addresses[field.key]
                found.append(_schema(report, fa, f"{form.label(fa)}应为 {' 或 '.join(field.choices)}"))
    summary = active.get("summary")
    if summary is not None:
        if not isinstance(summary, dict):
            found.append(_schema(report, "active.summary", "[active.summary] 应为表"))
        elif "categories" in summary and not isinstance(summary["categories"], dict):
            found.append(_schema(report, "active.summary.categories", "active.summary.categories 应为表（分类名 = 条数）"))
    return found


def _schema_table(report, section, width):
    plan, lists, clean = view(report).table(section)
    if clean:
        return []
    found = []
    for row, cells in zip(plan.rows, lists):
        if cells is not None and len(cells) == width:
            continue
        a = row.address_text
        if cells is None:
            # Missing, or some key on the way is not a table / the row is not an array.
            node, missing = report.data, False
            for key in row.keys:
                if not isinstance(node, dict):
                    break  # a key on the way is not a table: wrong kind
                if key not in node:
                    missing = True
                    break
                node = node[key]
            what = "缺少" if missing else "格式错误（应为数组）："
            found.append(_schema(report, a, f"{what}{row.label}（{a}）"))
        elif len(cells) != width:
            found.append(_schema(report, a, f"{row.label}应有 {width} 个单元格，实有 {len(cells)} 个"))
    return found


# -- report.form-year -----------------------------------------------------

@rule("report.form-year")
def form_year(report):
    wanted = form_for_year(report.year)
    if wanted.id == report.form.id:
        return []
    return [Finding("report.form-year", ERROR,
                    f"{report.year} 年度报告应使用{wanted.name}格式（{wanted.issued_by}），实用{report.form.name}",
                    ["report.form", "report.year"])]


# -- table sums -----------------------------------------------------------

def _row_totals(report, section, rule_id):
    table = report.form.tables[section]
    width, total, parts = table.width, table.total_index, table.part_indexes
    if total is None:
        return []
    plan, lists, clean = view(report).table(section)
    plain = plan.plain
    if clean and plain and list(map(sum, lists)) == [cells[total] * 2 for cells in lists]:
        return []  # the usual case: every total (the last cell) is half its row's sum
    found = []
    for row, cells in zip(plan.rows, lists):
        if clean and plain:
            expected, actual = sum(cells[:total]), cells[total]
        elif cells is None or len(cells) != width:
            continue
        elif plain and _NUMBERS.issuperset(map(type, cells)):
            expected, actual = sum(cells[:total]), cells[total]  # every cell a number: num() is the identity
        else:
            expected, actual = sum([num(cells[i]) for i in parts]), num(cells[total])
        if expected != actual:
            names = "+".join(table.columns[i].label for i in parts)
            found.append(Finding(
                rule_id, ERROR,
                f"{row.label}：总计 = {fmt(actual)}，{names} = {fmt(expected)}",
                [row.cell_addresses[total]] + [row.cell_addresses[i] for i in parts],
                expected, actual))
    return found


@rule("applications.row-total")
def applications_row_total(report):
    return _row_totals(report, "applications", "applications.row-total")


@rule("appeals.row-total")
def appeals_row_total(report):
    return _row_totals(report, "appeals", "appeals.row-total")


@rule("applications.outcome-total")
def outcome_total(report):
    plan, lists, clean = view(report).table("applications")
    (t,) = plan.roles["outcome_total"]
    where = plan.roles["outcome"]
    columns = report.form.tables["applications"].columns
    width = len(columns)
    outcomes = [lists[i] for i in where]
    sums = None
    if outcomes and (clean or all(all_ints(cells) and len(cells) == width for cells in outcomes)):
        sums = list(map(sum, zip(*outcomes)))  # integers: exact in any order
        if clean and sums == lists[t]:
            return []  # the usual case: every column adds up
    total_row, total = plan.rows[t], lists[t]
    found = []
    for col in columns:
        c = col.index
        expected = sums[c] if sums is not None else sum(num(cell(cells, c)) for cells in outcomes)
        actual = num(cell(total, c))
        if expected != actual:
            found.append(Finding(
                "applications.outcome-total", ERROR,
                f"{total_row.label}（{col.label}）= {fmt(actual)}，各项办理结果之和 = {fmt(expected)}",
                [total_row.cell_addresses[c]]
                + [plan.rows[i].cell_addresses[c] for i, cells in zip(where, outcomes) if cells is not None],
                expected, actual))
    return found


@rule("applications.balance")
def balance(report):
    plan, lists, clean = view(report).table("applications")
    roles, rows = plan.roles, plan.rows
    (i_new,), (i_over,), (i_total,), (i_fwd,) = (roles["new"], roles["carried_over"], roles["outcome_total"],
                                                 roles["carried_forward"])
    new, over, total, fwd = lists[i_new], lists[i_over], lists[i_total], lists[i_fwd]
    section = report.form.tables["applications"].short
    columns = report.form.application_columns
    width = len(columns)
    if clean or all(all_ints(x) and len(x) >= width for x in (new, over, total, fwd)):
        if all(a + b == t + f for a, b, t, f in zip(new, over, total, fwd)):
            return []  # the usual case: every column balances
    new_row, over_row, total_row, fwd_row = rows[i_new], rows[i_over], rows[i_total], rows[i_fwd]
    found = []
    for col in columns:
        c = col.index
        received = num(cell(new, c)) + num(cell(over, c))
        handled = num(cell(total, c)) + num(cell(fwd, c))
        if received != handled:
            # Expected/actual from the first cell's point of view (FORMAT.md
            # §2): the 新收 that would balance the column, against the 新收 as is.
            found.append(Finding(
                "applications.balance", ERROR,
                f"{section}·本列勾稽关系（{col.label}）：{new_row.short}+{over_row.short} = {fmt(received)}，"
                f"{total_row.short}+{fwd_row.short} = {fmt(handled)}",
                [r.cell_addresses[c] for r in (new_row, over_row, total_row, fwd_row)],
                handled - num(cell(over, c)), num(cell(new, c))))
    return found


# -- table 二 -------------------------------------------------------------

@rule("active.summary-total")
def summary_total(report):
    active = report.data.get("active")
    summary = active.get("summary") if isinstance(active, dict) else None
    if not isinstance(summary, dict) or "total" not in summary or not isinstance(summary.get("categories"), dict):
        return []
    cats = summary["categories"]
    expected, actual = sum(num(v) for v in cats.values()), num(summary["total"])
    if expected == actual:
        return []
    return [Finding("active.summary-total", ERROR,
                    f"正文所述主动公开总数 = {fmt(actual)}，各分类之和 = {fmt(expected)}",
                    ["active.summary.total"] + [addr(("active", "summary", "categories", k)) for k in cats],
                    expected, actual)]


@rule("active.items-negative")
def items_negative(report):
    found = []
    for row, values, counts in zip(report.form.active_rows, *view(report).active()):
        if values is None or counts or not row.has("previous", "change"):
            continue  # counts only: their sum is not negative
        result = num(values.get("previous")) + num(values.get("change"))
        if result < 0:
            found.append(Finding(
                "active.items-negative", ERROR,
                f"{row.label}：上一年项目数量 {fmt(num(values.get('previous')))} 加本年增/减 "
                f"{fmt(num(values.get('change')))} 得 {fmt(result)}，项目数不能为负",
                [addr(("active", row.key, "change")), addr(("active", row.key, "previous"))],
                None, result))
    return found


@rule("active.published-over-total")
def published_over_total(report):
    found = []
    for row, values in zip(report.form.active_rows, view(report).active()[0]):
        if values is None or not row.has("published", "total"):
            continue
        published, total = num(values.get("published")), num(values.get("total"))
        if published > total:
            found.append(Finding(
                "active.published-over-total", WARNING,
                f"{row.label}：本年新公开数量 {fmt(published)} 大于对外公开总数量 {fmt(total)}",
                [addr(("active", row.key, "published")), addr(("active", row.key, "total"))],
                total, published))
    return found


# -- import.unconfirmed (FORMAT §2.1, §6) ------------------------------------

IMPORT_REASONS = {
    "fuzzy-label": "标签近似匹配", "by-position": "按位置推定", "merged": "合并单元格",
    "realigned": "右对齐推定", "split-table": "跨页表格", "placeholder": "占位符或文字",
    "blank": "空白", "missing": "原件中未找到", "number-format": "数字格式（全角、千分位或单位）",
}


def import_flags(data):
    """Every `[[review.import.flags]]` record (a dict with a string `cell`), in file order."""
    review = data.get("review")
    imports = review.get("import") if isinstance(review, dict) else None
    out = []
    for rec in imports if isinstance(imports, list) else ():
        flags = rec.get("flags") if isinstance(rec, dict) else None
        for flag in flags if isinstance(flags, list) else ():
            if isinstance(flag, dict) and isinstance(flag.get("cell"), str) and "value" in flag:
                out.append(flag)
    return out


def _same_value(a, b):
    return type(a) is type(b) and a == b


@rule("import.unconfirmed")
def import_unconfirmed(report):
    from tui.core.address import get_value, parse_address

    found, seen = [], set()
    for flag in import_flags(report.data):
        try:
            a = parse_address(flag["cell"])
        except ValueError:
            continue
        address = format_address(a.keys, a.index)
        if address in seen:
            continue
        try:
            value = get_value(report.data, a)
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        if not _same_value(value, flag["value"]):
            continue  # edited since the import: confirmed
        seen.add(address)
        reason = flag.get("reason")
        why = IMPORT_REASONS.get(reason, str(reason)) if reason is not None else "待核对"
        raw = flag.get("raw")
        where = flag.get("locator")
        detail = "".join([f"，原文“{raw}”" if isinstance(raw, str) else "",
                          f"，位于 {where}" if isinstance(where, str) and where else ""])
        found.append(Finding("import.unconfirmed", ERROR,
                             f"{report.form.short_label(address)}：导入待核对（{why}）{detail}；"
                             "请与原件核对后确认，或改为正确的值",
                             [address], None, num(value)))
    return found


def check_report(report: Report) -> list[Finding]:
    """Every single-report rule the report's form lists, in registry order."""
    found = []
    current.view = View(report)
    try:
        rules = report.form.rules
        for rule_id, fn in RULES.items():
            if rule_id in rules:
                found.extend(fn(report))
    finally:
        current.view = None
    return found


def check_each(reports: list[Report]) -> list[list[Finding]]:
    """check_report() of each report, a rule at a time over all of them (the
    same findings in the same order; one rule's code over many reports in a
    row keeps the interpreter's caches warm)."""
    views = [View(report) for report in reports]
    found = [[] for _ in reports]
    try:
        for rule_id, fn in RULES.items():
            for report, seen, findings in zip(reports, views, found):
                if rule_id in report.form.rules:
                    current.view = seen
                    findings.extend(fn(report))
    finally:
        current.view = None
    return found


# The narrative and identity rules (FORMAT.md §2.1) register themselves here.
from tui.core import narrative  # noqa: E402,F401
