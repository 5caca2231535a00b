"""Year-over-year: pairing reports by agency and year, and the cross-year rules.

A report is paired with the same agency's report for `year - 1` when both
are among the inputs and neither year is ambiguous (report.duplicate).
Findings live in the later report; `previous` names the earlier file and
its cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tui.core.address import format_address
from tui.core.findings import ERROR, WARNING, Finding
from tui.core.rules import all_ints, active_row, cell, fmt, num
from tui.core.ruleview import row_cells
from tui.core.similarity import similarity

if TYPE_CHECKING:
    from tui.core.report import Report

PAIR_RULES = {}
COPY_THRESHOLD = 0.80
COPY_MIN_CHARS = 100


def pair_rule(rule_id: str) -> Callable:
    def register(fn):
        PAIR_RULES[rule_id] = fn
        return fn
    return register


def pair_reports(reports: Iterable[Report]) -> tuple[dict[int, Report], dict[int, list[Finding]]]:
    """Return ({id(report): previous report}, [duplicate findings per report])."""
    by_key = {}
    for r in reports:
        claim(by_key, (r.agency, r.year), r)
    previous = {}
    duplicates = {}

    def paired(r, before):
        previous[id(r)] = before

    def duplicated(r, agency, year, others):
        duplicates[id(r)] = [duplicate_finding(agency, year, [o.file for o in others])]

    pair_claims(by_key, paired, duplicated)
    return previous, duplicates


def claim(index: dict, key: tuple, item: Any) -> None:
    """Put `item` under `key` (agency, year) in `index`: one item bare, several
    as a list (a batch of 100,000 reports indexes in the parent, and almost
    every key has one)."""
    found = index.get(key)
    if found is None:
        index[key] = item
    elif type(found) is list:
        found.append(item)
    else:
        index[key] = [found, item]


def pair_claims(index: dict, paired: Callable, duplicated: Callable) -> None:
    """The pairing rule over an index built by `claim`: a year claimed once is
    paired with the year before when that too is claimed once (paired(item,
    before)); every item of a year claimed several times is a duplicate
    (duplicated(item, agency, year, the others)) and is not paired."""
    for (agency, year), group in index.items():
        if type(group) is list:
            for item in group:
                duplicated(item, agency, year, [o for o in group if o is not item])
            continue
        before = index.get((agency, year - 1))
        if before is not None and type(before) is not list:
            paired(group, before)


def duplicate_finding(agency: str, year: int, others: list[str]) -> Finding:
    """report.duplicate on a report whose agency and year the files `others` claim too."""
    return Finding("report.duplicate", WARNING,
                   f"{agency} {year} 年度有多份报告（另见 {'、'.join(others)}），该年度不做跨年比对",
                   ["report.year", "report.agency"])


def check_pair(report: Report, prev: Report) -> list[Finding]:
    """Every cross-year rule that both reports' forms list."""
    found = []
    for rule_id, fn in PAIR_RULES.items():
        if rule_id in report.form.rules and rule_id in prev.form.rules:
            found.extend(fn(report, prev))
    return found


def _role_cells(report, role):
    """(row, cells) of the one row of table 三 with `role` in the report's form
    (the form says which row is 上年结转 and which 结转下年度), else (None, None)."""
    rows = report.form.rows_with_role(role)
    if len(rows) != 1:
        return None, None
    return rows[0], row_cells(report, rows[0])


@pair_rule("yoy.carried-over")
def carried_over(report, prev):
    row, cur = _role_cells(report, "carried_over")
    prow, last = _role_cells(prev, "carried_forward")
    if cur is None or last is None:
        return []
    width = len(report.form.application_columns)
    if all_ints(cur) and all_ints(last) and cur[:width] == last[:width]:
        return []  # the usual case: the same counts carried over
    found = []
    for col in report.form.application_columns:
        c = col.index
        expected, actual = num(cell(last, c)), num(cell(cur, c))
        if expected != actual:
            found.append(Finding(
                "yoy.carried-over", ERROR,
                f"{row.brief}（{col.label}）= {fmt(actual)}，{prev.year} 年报告{prow.brief} = {fmt(expected)}",
                [row.cell_addresses[c]], expected, actual,
                {"file": prev.file, "cells": [prow.cell_addresses[c] if c < len(prow.cell_addresses)
                                              else format_address(prow.keys, c)]}))
    return found


def _active_pairs(report, prev, *fields):
    for row in report.form.active_rows:
        prow = prev.form.active_map.get(row.key)
        if prow is None or not row.has(*fields):
            continue
        cur, last = active_row(report, row.key), active_row(prev, row.key)
        if cur is not None and last is not None:
            yield row, cur, last


def _f(row, key):
    """The printed name of a field of table 二, as the form gives it."""
    return row.field_map[key].label


def _a(row, key):
    """The address of a field of table 二 (the rows were chosen for having it)."""
    return row.field_addresses[key]


@pair_rule("yoy.items")
def items(report, prev):
    found = []
    for row, cur, last in _active_pairs(report, prev, "previous", "change"):
        expected = num(last.get("previous")) + num(last.get("change"))
        actual = num(cur.get("previous"))
        if expected != actual:
            found.append(Finding(
                "yoy.items", WARNING,
                f"{row.label}：{_f(row, 'previous')} = {fmt(actual)}，{prev.year} 年报告{_f(row, 'previous')}加"
                f"{_f(row, 'change')} = {fmt(expected)}",
                [_a(row, "previous")], expected, actual,
                {"file": prev.file, "cells": [_a(row, "previous"), _a(row, "change")]}))
    return found


@pair_rule("yoy.total-published")
def total_published(report, prev):
    found = []
    for row, cur, last in _active_pairs(report, prev, "total", "published"):
        expected = num(last.get("total")) + num(cur.get("published"))
        actual = num(cur.get("total"))
        if expected != actual:
            found.append(Finding(
                "yoy.total-published", WARNING,
                f"{row.label}：{_f(row, 'total')} = {fmt(actual)}，{prev.year} 年{_f(row, 'total')}加"
                f"{_f(row, 'published')} = {fmt(expected)}",
                [_a(row, "total"), _a(row, "published")], expected, actual,
                {"file": prev.file, "cells": [_a(row, "total")]}))
    return found


@pair_rule("yoy.in-force")
def in_force(report, prev):
    found = []
    for row, cur, last in _active_pairs(report, prev, "in_force", "issued", "repealed"):
        expected = num(last.get("in_force")) + num(cur.get("issued")) - num(cur.get("repealed"))
        actual = num(cur.get("in_force"))
        if expected != actual:
            found.append(Finding(
                "yoy.in-force", WARNING,
                f"{row.label}：{_f(row, 'in_force')} = {fmt(actual)}，{prev.year} 年{_f(row, 'in_force')}加"
                f"{_f(row, 'issued')}减{_f(row, 'repealed')} = {fmt(expected)}（清理规范性文件的年度可能合理）",
                [_a(row, "in_force"), _a(row, "issued"), _a(row, "repealed")],
                expected, actual,
                {"file": prev.file, "cells": [_a(row, "in_force")]}))
    return found


def texts(report):
    text = report.data.get("text")
    if not isinstance(text, dict):
        return {}
    return {k: v for k, v in text.items() if isinstance(v, str)}


@pair_rule("yoy.text-copied")
def text_copied(report, prev):
    found = []
    last = texts(prev)
    labels = dict(report.form.text_keys)
    for key, value in texts(report).items():
        if key not in last or len(value) < COPY_MIN_CHARS:
            continue
        score = similarity(value, last[key])
        if score >= COPY_THRESHOLD:
            a = format_address(("text", key))
            found.append(Finding(
                "yoy.text-copied", WARNING,
                f"{labels.get(key, key)}与 {prev.year} 年报告内容雷同：{score:.0%} 的文字已见于上年",
                [a], None, round(score, 2),
                {"file": prev.file, "cells": [a]}))
    return found
