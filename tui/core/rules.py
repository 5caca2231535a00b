"""The single-report rules of FORMAT.md §2.

Each rule is a function (report) → list of Finding, registered under its id.
Which rules run is the form's choice (forms/*.toml `rules`); every rule runs
on every report whatever else is wrong with it, so each must cope with
missing rows and non-numeric cells (those count as 0 in sums).
"""

import datetime
import math

from tui.core.address import format_address
from tui.core.findings import ERROR, WARNING, Finding
from tui.core.forms import form_for_year

RULES = {}
# report.level (FORMAT.md §1): a 本级政府 report or a 部门 report.
LEVELS = {"government": "本级政府", "department": "部门"}


def rule(rule_id):
    def register(fn):
        RULES[rule_id] = fn
        fn.rule_id = rule_id
        return fn
    return register


# -- cell helpers ---------------------------------------------------------

def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def num(v):
    """A cell's value in sums: numbers as they are, anything else 0."""
    return v if is_number(v) else 0


def fmt(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) and abs(v) >= 10000 else str(v)


def describe(v):
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


def addr(keys, index=None):
    return format_address(keys, index)


def table_rows(report, section):
    """[(TableRow, list-or-None)] for table 三 or 四: the row's cells if it is a list."""
    form = report.form
    rows = form.application_rows if section == "applications" else form.appeal_rows
    table = report.data.get(section)
    out = []
    for row in rows:
        node = table
        for key in row.keys[1:]:
            node = node.get(key) if isinstance(node, dict) else None
        out.append((row, node if isinstance(node, list) else None))
    return out


def cell(cells, i):
    return cells[i] if cells is not None and i < len(cells) else 0


def active_row(report, row_key):
    active = report.data.get("active")
    row = active.get(row_key) if isinstance(active, dict) else None
    return row if isinstance(row, dict) else None


# -- cell.value -----------------------------------------------------------

def _count_problem(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return None if v >= 0 else "不能为负数"
    return "应为非负整数"


def _value_finding(report, keys, index, v, why):
    a = addr(keys, index)
    # FORMAT.md §2: for cell.value, `actual` is the cell's value itself when
    # it is a string, number or boolean (so an acceptance of a blank cell
    # lapses when the blank becomes "/"), else null.
    actual = v if isinstance(v, (str, int, float)) else None
    return Finding("cell.value", ERROR, f"{report.form.short_label(a)}{why}，实为{describe(v)}",
                   [a], None, actual)


@rule("cell.value")
def cell_value(report):
    found = []
    for section, width in (("applications", 7), ("appeals", 5)):
        for row, cells in table_rows(report, section):
            for i, v in enumerate((cells or [])[:width]):
                why = _count_problem(v)
                if why:
                    found.append(_value_finding(report, row.keys, i, v, why))
    for row in report.form.active_rows:
        values = active_row(report, row.key)
        if values is None:
            continue
        for field in row.fields:
            if field.key not in values:
                continue
            v = values[field.key]
            keys = ("active", row.key, field.key)
            if field.kind == "count":
                why = _count_problem(v)
            elif field.kind == "change":
                why = None if isinstance(v, int) and not isinstance(v, bool) else "应为整数（可带正负号）"
            elif field.kind == "amount":
                why = None if is_number(v) and math.isfinite(v) and v >= 0 else "应为不小于 0 的有限数"
            else:
                why = None
            if why:
                found.append(_value_finding(report, keys, None, v, why))
    summary = report.data.get("active", {}).get("summary") if isinstance(report.data.get("active"), dict) else None
    if isinstance(summary, dict):
        if "total" in summary and _count_problem(summary["total"]):
            found.append(_value_finding(report, ("active", "summary", "total"), None, summary["total"],
                                        _count_problem(summary["total"])))
        cats = summary.get("categories")
        if isinstance(cats, dict):
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
        found.append(_schema(report, "report.published", "report.published（发布日期）应为日期，如 2021-01-29"))
    if "level" in ident and not (isinstance(ident["level"], str) and ident["level"] in LEVELS):
        found.append(_schema(report, "report.level",
                             "report.level（报告级别）应为 \"government\"（本级政府）或 \"department\"（部门）"))
    text = data.get("text")
    if text is not None:
        if not isinstance(text, dict):
            found.append(_schema(report, "text", "[text] 应为表（叙述部分）"))
        else:
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
    for section, width in (("applications", 7), ("appeals", 5)):
        if isinstance(data.get(section), dict):
            found.extend(_schema_table(report, section, width))
    return found


def _schema_active(report):
    form, active = report.form, report.data["active"]
    found = []
    for row in form.active_rows:
        a = addr(("active", row.key))
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
            fa = addr(("active", row.key, field.key))
            if field.key not in values:
                if field.required:
                    found.append(_schema(report, fa, f"缺少{form.label(fa)}（{fa}）"))
            elif field.kind == "unit" and values[field.key] not in field.choices:
                found.append(_schema(report, fa, f"{form.label(fa)}应为 {' 或 '.join(field.choices)}"))
    summary = active.get("summary")
    if summary is not None:
        if not isinstance(summary, dict):
            found.append(_schema(report, "active.summary", "[active.summary] 应为表"))
        elif "categories" in summary and not isinstance(summary["categories"], dict):
            found.append(_schema(report, "active.summary.categories", "active.summary.categories 应为表（分类名 = 条数）"))
    return found


def _schema_table(report, section, width):
    found = []
    for row, cells in table_rows(report, section):
        a = addr(row.keys)
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

def _row_totals(report, section, width, rule_id):
    found = []
    for row, cells in table_rows(report, section):
        if cells is None or len(cells) != width:
            continue
        parts = [num(v) for v in cells[: width - 1]]
        expected, actual = sum(parts), num(cells[width - 1])
        if expected != actual:
            cols = report.form.application_columns if section == "applications" else report.form.appeal_columns
            names = "+".join(c.label for c in cols[: width - 1])
            found.append(Finding(
                rule_id, ERROR,
                f"{row.label}：总计 = {fmt(actual)}，{names} = {fmt(expected)}",
                [addr(row.keys, width - 1)] + [addr(row.keys, i) for i in range(width - 1)],
                expected, actual))
    return found


@rule("applications.row-total")
def applications_row_total(report):
    return _row_totals(report, "applications", 7, "applications.row-total")


@rule("appeals.row-total")
def appeals_row_total(report):
    return _row_totals(report, "appeals", 5, "appeals.row-total")


def _by_role(report):
    roles = {}
    for row, cells in table_rows(report, "applications"):
        roles.setdefault(row.role, []).append((row, cells))
    return roles


@rule("applications.outcome-total")
def outcome_total(report):
    roles = _by_role(report)
    (total_row, total), = roles["outcome_total"]
    outcomes = roles["outcome"]
    found = []
    for col in report.form.application_columns:
        c = col.index
        expected = sum(num(cell(cells, c)) for _, cells in outcomes)
        actual = num(cell(total, c))
        if expected != actual:
            found.append(Finding(
                "applications.outcome-total", ERROR,
                f"三（七）总计（{col.label}）= {fmt(actual)}，各项办理结果之和 = {fmt(expected)}",
                [addr(total_row.keys, c)] + [addr(r.keys, c) for r, cells in outcomes if cells is not None],
                expected, actual))
    return found


@rule("applications.balance")
def balance(report):
    roles = _by_role(report)
    (new_row, new), = roles["new"]
    (over_row, over), = roles["carried_over"]
    (total_row, total), = roles["outcome_total"]
    (fwd_row, fwd), = roles["carried_forward"]
    found = []
    for col in report.form.application_columns:
        c = col.index
        received = num(cell(new, c)) + num(cell(over, c))
        handled = num(cell(total, c)) + num(cell(fwd, c))
        if received != handled:
            # Expected/actual from the first cell's point of view (FORMAT.md
            # §2): the 新收 that would balance the column, against the 新收 as is.
            found.append(Finding(
                "applications.balance", ERROR,
                f"三·本列勾稽关系（{col.label}）：一+二 = {fmt(received)}，三（七）+四 = {fmt(handled)}",
                [addr(r.keys, c) for r in (new_row, over_row, total_row, fwd_row)],
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
    for row in report.form.active_rows:
        values = active_row(report, row.key)
        if values is None or not row.has("previous", "change"):
            continue
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
    for row in report.form.active_rows:
        values = active_row(report, row.key)
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


def check_report(report):
    """Every single-report rule the report's form lists, in registry order."""
    found = []
    for rule_id, fn in RULES.items():
        if rule_id in report.form.rules:
            found.extend(fn(report))
    return found


# The narrative and identity rules (FORMAT.md §2.1) register themselves here.
from tui.core import narrative  # noqa: E402,F401
