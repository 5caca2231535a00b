"""Every rule of FORMAT.md §2: one input that passes and one that fails.

Inputs are the sample reports under reports/, parsed with tomllib and
mutated as plain dicts, or the text `nianbao new` writes. Each failing case
asserts the rule id, severity, first cell (cells[0]) and expected/actual.
"""

import copy
import tomllib

import pytest

from tests.conftest import REPORTS
from tui.store.build import blank_report
from tui.core.checker import check_reports
from tui.core.findings import ERROR, WARNING
from tui.core.forms import form_by_edition, get_form
from tui.core.load import from_data, load_bytes
from tui.core.report import Invalid, Report
from tui.core.rules import RULES
from tui.core.yoy import PAIR_RULES

F2019 = "gov-info-disclosure/2019"
F2021 = "gov-info-disclosure/2021"

SPEC_RULES = {
    "cell.value", "applications.row-total", "applications.outcome-total", "applications.balance",
    "appeals.row-total", "active.summary-total", "active.items-negative", "active.published-over-total",
    "report.form-year", "report.schema", "report.duplicate", "yoy.carried-over", "yoy.items",
    "yoy.total-published", "yoy.in-force", "yoy.text-copied",
}


def _sample(name):
    with open(REPORTS / name, "rb") as fh:
        return tomllib.load(fh)


_LINGWU = _sample("lingwu-minzheng-2020.toml")   # 2019 format, year 2020, consistent, all applications 0
_HUAIAN = _sample("huaian-2024.toml")            # 2021 format, year 2024, consistent, real figures
_HONGZE23 = _sample("hongze-2023.toml")          # 2021 format; appeals totals left blank (0) as published
_HONGZE24 = _sample("hongze-2024.toml")          # 2021 format; pairs cleanly with 2023


def lingwu():
    return copy.deepcopy(_LINGWU)


def huaian():
    return copy.deepcopy(_HUAIAN)


def hongze(year):
    return copy.deepcopy(_HONGZE23 if year == 2023 else _HONGZE24)


def rich2019():
    """A consistent 2019-format report with non-zero figures: lingwu's identity and
    table 二, huaian's tables 三 and 四 (the three 2021 rows 三（六）1-3 merged into
    the one 2019 row 三（六）其他处理)."""
    data = lingwu()
    apps = copy.deepcopy(_HUAIAN["applications"])
    other = apps["outcome"].pop("other")
    apps["outcome"]["other"] = [sum(col) for col in zip(*other.values())]
    data["applications"] = apps
    data["appeals"] = copy.deepcopy(_HUAIAN["appeals"])
    return data


def with_identity(data, agency=None, year=None, form=None):
    if agency is not None:
        data["report"]["agency"] = agency
    if year is not None:
        data["report"]["year"] = year
    if form is not None:
        data["report"]["form"] = form
    return data


def report(data, file="r.toml"):
    r = from_data(data, file)
    assert isinstance(r, Report), r
    return r


# The narrative and identity rules (FORMAT.md §2.1) read the title and the
# text, which the mutations here (a year moved, a cell changed) leave as they
# were; they have their own tests (test_narrative.py), so this file looks at
# the §2 rules only.
NARRATIVE_RULES = {"text.placeholder", "report.title-year", "text.stale-year", "text.fee-statement",
                   "report.deadline", "text.claim"}


def check(*datas):
    """Check several reports together (pairing included); {file: [Finding]} of
    the §2 rules. Arguments are data dicts (named r0.toml, r1.toml, ...) or
    (file, data) pairs."""
    reports = []
    for i, d in enumerate(datas):
        file, data = d if isinstance(d, tuple) else (f"r{i}.toml", d)
        reports.append(report(data, file))
    return {c.report.file: [f for f in c.findings if f.rule not in NARRATIVE_RULES]
            for c in check_reports(reports)}


def findings_of(data):
    return check(data)["r0.toml"]


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def only(findings, rule):
    got = by_rule(findings, rule)
    assert len(got) == 1, f"{rule}: {got} in {findings}"
    return got[0]


def firsts(findings, rule=None):
    return sorted(f.cells[0] for f in findings if rule is None or f.rule == rule)


# -- the rule set itself --------------------------------------------------

def test_every_spec_rule_is_implemented_and_listed_by_a_form():
    # report.duplicate is decided while pairing (it needs every input).
    assert SPEC_RULES - {"report.duplicate"} <= set(RULES) | set(PAIR_RULES)
    listed = get_form(F2019).rules | get_form(F2021).rules
    assert SPEC_RULES <= listed


def test_forms_list_the_edition_specific_rules():
    r19, r21 = get_form(F2019).rules, get_form(F2021).rules
    for rid in ("active.items-negative", "active.published-over-total", "yoy.items", "yoy.total-published"):
        assert rid in r19 and rid not in r21
    assert "yoy.in-force" in r21 and "yoy.in-force" not in r19
    for rid in ("yoy.carried-over", "yoy.text-copied", "cell.value", "report.schema"):
        assert rid in r19 and rid in r21


@pytest.mark.parametrize("make", [lingwu, huaian, rich2019, lambda: hongze(2024)],
                         ids=["lingwu-2020", "huaian-2024", "rich-2019", "hongze-2024"])
def test_clean_samples_have_no_findings(make):
    assert findings_of(make()) == []


@pytest.mark.parametrize("edition,year", [("2019", 2019), ("2019", 2020), ("2021", 2021), ("2021", 2030)])
def test_blank_new_report_has_no_findings(edition, year):
    text = blank_report(form_by_edition(edition), "某某县人民政府办公室", year)
    r = load_bytes(text.encode("utf-8"), "new.toml")
    assert isinstance(r, Report), r
    # §2 rules only: the blank 2021 text does not state the 信息处理费 and
    # 某某 is a placeholder (FORMAT.md §2.1; see test_narrative.py).
    assert [[f for f in c.findings if f.rule not in NARRATIVE_RULES] for c in check_reports([r])] == [[]]


def test_hongze_pair_is_clean_in_the_later_year():
    found = check(("h23.toml", hongze(2023)), ("h24.toml", hongze(2024)))
    assert found["h24.toml"] == []
    # 2023 as published left the appeals totals blank.
    assert firsts(found["h23.toml"]) == ["appeals.litigation_after_reconsideration[4]", "appeals.reconsideration[4]"]


# -- cell.value -----------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["", "/", "—"])
def test_cell_value_placeholder_is_a_finding_and_counts_as_zero(placeholder):
    data = lingwu()
    data["applications"]["outcome"]["granted"][2] = placeholder
    found = findings_of(data)
    f = only(found, "cell.value")
    # FORMAT.md §2: cell.value's `actual` is the cell's own value (a string here).
    assert (f.severity, f.cells, f.expected, f.actual) == (ERROR, ["applications.outcome.granted[2]"], None, placeholder)
    assert len(found) == 1  # counts as 0: the sums still hold


@pytest.mark.parametrize("placeholder", ["", "/", "—"])
def test_cell_value_placeholder_replacing_a_figure(placeholder):
    data = huaian()
    data["applications"]["new_received"][0] = placeholder  # was 3001
    found = findings_of(data)
    assert only(found, "cell.value").cells == ["applications.new_received[0]"]
    rt = only(found, "applications.row-total")
    assert (rt.cells[0], rt.expected, rt.actual) == ("applications.new_received[6]", 118, 3119)
    bal = only(found, "applications.balance")  # column 6 still balances
    # From the first cell's point of view: the 新收 that balances the column
    # (三（七）+四−二) against the 新收 as counted (blank = 0).
    assert (bal.cells[0], bal.expected, bal.actual) == ("applications.new_received[0]", 2932 + 103 - 34, 0)


@pytest.mark.parametrize("value,actual", [
    (1.5, 1.5), (0.0, 0.0), (-2, -2), (True, True), (False, False), ("十二", "十二"), ("12", "12"),
    ([1], None), ({"a": 1}, None),
], ids=["float", "float-zero", "negative", "true", "false", "text", "digits-as-text", "array", "table"])
def test_cell_value_kinds_in_appeals(value, actual):
    data = lingwu()
    data["appeals"]["litigation"][1] = value
    f = only(findings_of(data), "cell.value")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (ERROR, "appeals.litigation[1]", None, actual)
    assert f.message  # Chinese text naming the cell by its printed label
    assert "行政诉讼" in f.message


def test_cell_value_boolean_counts_as_zero_not_one():
    data = huaian()
    data["appeals"]["litigation"][0] = True  # was 13; True == 1 in Python
    found = findings_of(data)
    assert only(found, "cell.value").cells[0] == "appeals.litigation[0]"
    rt = only(found, "appeals.row-total")
    assert (rt.cells[0], rt.expected, rt.actual) == ("appeals.litigation[4]", 4 + 8 + 1, 26)


def test_cell_value_negative_counts_with_its_value_in_sums():
    data = lingwu()
    data["applications"]["new_received"][1] = -1
    found = findings_of(data)
    assert only(found, "cell.value").actual == -1
    assert only(found, "applications.row-total").expected == -1


def test_cell_value_nan_and_inf_give_valid_json():
    data = lingwu()
    data["applications"]["new_received"][1] = float("nan")
    data["appeals"]["litigation"][0] = float("inf")
    found = findings_of(data)
    assert firsts(found, "cell.value") == ["appeals.litigation[0]", "applications.new_received[1]"]
    for f in found:
        doc = f.to_json()
        assert doc["expected"] is None or doc["expected"] == doc["expected"] and abs(doc["expected"]) != float("inf")
        assert doc["actual"] is None or doc["actual"] == doc["actual"] and abs(doc["actual"]) != float("inf")


@pytest.mark.parametrize("row,field,value,ok", [
    ("regulations", "made", "/", False),
    ("regulations", "total", -1, False),
    ("licensing", "decisions", 2.5, False),
    ("licensing", "previous", "", False),
    ("licensing", "change", -1, True),        # signed
    ("licensing", "change", 3, True),
    ("licensing", "change", 1.5, False),
    ("licensing", "change", "+1", False),
    ("licensing", "change", True, False),
    ("procurement", "amount", 1234.56, True),  # a number >= 0
    ("procurement", "amount", 0, True),
    ("procurement", "amount", -5, False),
    ("procurement", "amount", "251000元", False),
    ("procurement", "items", "—", False),
])
def test_cell_value_active_fields_2019(row, field, value, ok):
    data = lingwu()
    data["active"][row][field] = value
    found = by_rule(findings_of(data), "cell.value")
    if ok:
        assert found == []
    else:
        assert [(f.severity, f.cells) for f in found] == [(ERROR, [f"active.{row}.{field}"])]


@pytest.mark.parametrize("row,field,value,ok", [
    ("fees", "amount", 96171.6, True),
    ("fees", "amount", "", False),
    ("fees", "amount", -0.5, False),
    ("regulations", "in_force", "/", False),
    ("licensing", "decisions", 1.0, False),
])
def test_cell_value_active_fields_2021(row, field, value, ok):
    data = huaian()
    data["active"][row][field] = value
    found = by_rule(findings_of(data), "cell.value")
    assert [f.cells for f in found] == ([] if ok else [[f"active.{row}.{field}"]])


def test_cell_value_summary_counts():
    data = lingwu()
    data["active"]["summary"]["categories"]["机构职能"] = "/"
    data["active"]["summary"]["total"] = 95  # the category now counts 0
    found = findings_of(data)
    f = only(found, "cell.value")
    assert f.cells == ['active.summary.categories."机构职能"']
    assert by_rule(found, "active.summary-total") == []


def test_cell_value_2021_only_rows():
    data = huaian()
    data["applications"]["outcome"]["other"]["overdue_correction"][2] = "/"
    data["applications"]["outcome"]["other"]["overdue_fee"][3] = -1
    data["applications"]["outcome"]["other"]["other"][4] = 0.5
    got = firsts(by_rule(findings_of(data), "cell.value"))
    assert got == ["applications.outcome.other.other[4]", "applications.outcome.other.overdue_correction[2]",
                   "applications.outcome.other.overdue_fee[3]"]


def test_cell_value_on_extra_cells_of_a_long_row_is_left_to_schema():
    data = lingwu()
    data["appeals"]["litigation"].append("x")
    found = findings_of(data)
    assert by_rule(found, "cell.value") == []
    assert firsts(found, "report.schema") == ["appeals.litigation"]


# -- applications.row-total -----------------------------------------------

def test_row_total_fail():
    data = lingwu()
    data["applications"]["new_received"][6] = 1
    found = findings_of(data)
    f = only(found, "applications.row-total")
    assert (f.severity, f.expected, f.actual) == (ERROR, 0, 1)
    assert f.cells == ["applications.new_received[6]"] + [f"applications.new_received[{i}]" for i in range(6)]


def test_row_total_fail_on_a_part():
    data = huaian()
    data["applications"]["outcome"]["partial"][1] = 8  # was 7; total 454 unchanged
    found = findings_of(data)
    f = only(found, "applications.row-total")
    assert (f.cells[0], f.expected, f.actual) == ("applications.outcome.partial[6]", 455, 454)
    ot = only(found, "applications.outcome-total")
    assert (ot.cells[0], ot.expected, ot.actual) == ("applications.outcome.total[1]", 54, 53)


def test_row_total_2021_only_row():
    data = huaian()
    data["applications"]["outcome"]["other"]["overdue_fee"][0] = 7  # row total stays 6
    found = findings_of(data)
    f = only(found, "applications.row-total")
    assert (f.cells[0], f.expected, f.actual) == ("applications.outcome.other.overdue_fee[6]", 7, 6)


def test_row_total_pass_with_placeholder_total_of_zero_row():
    data = lingwu()
    data["applications"]["carried_over"][6] = ""  # blank 总计 of an all-zero row, as published
    found = findings_of(data)
    assert by_rule(found, "applications.row-total") == []
    assert firsts(found) == ["applications.carried_over[6]"]


# -- applications.outcome-total -------------------------------------------

def test_outcome_total_fail_in_a_2021_only_row():
    data = huaian()
    other = data["applications"]["outcome"]["other"]["other"]
    other[3], other[6] = 2, 112  # row total kept consistent
    found = findings_of(data)
    got = sorted((f.cells[0], f.expected, f.actual) for f in by_rule(found, "applications.outcome-total"))
    assert got == [("applications.outcome.total[3]", 2, 0), ("applications.outcome.total[6]", 3052, 3050)]
    f = by_rule(found, "applications.outcome-total")[0]
    assert f.severity == ERROR
    assert "applications.outcome.other.other[3]" in f.cells or "applications.outcome.other.other[6]" in f.cells
    assert by_rule(found, "applications.row-total") == []
    assert by_rule(found, "applications.balance") == []  # balance uses the printed total


def test_outcome_total_counts_the_2019_other_row():
    data = lingwu()
    data["applications"]["outcome"]["other"][0] = 1
    data["applications"]["outcome"]["other"][6] = 1
    found = findings_of(data)
    got = sorted((f.cells[0], f.expected, f.actual) for f in by_rule(found, "applications.outcome-total"))
    assert got == [("applications.outcome.total[0]", 1, 0), ("applications.outcome.total[6]", 1, 0)]
    assert "applications.outcome.other[0]" in by_rule(found, "applications.outcome-total")[0].cells + \
        by_rule(found, "applications.outcome-total")[1].cells


def test_outcome_total_pass_rich_2019():
    assert by_rule(findings_of(rich2019()), "applications.outcome-total") == []


def test_outcome_total_with_a_missing_outcome_row():
    data = huaian()
    del data["applications"]["outcome"]["denied"]["administrative_inquiry"]  # [105, 0, ..., 105]
    found = findings_of(data)
    assert firsts(found, "report.schema") == ["applications.outcome.denied.administrative_inquiry"]
    got = sorted((f.cells[0], f.expected, f.actual) for f in by_rule(found, "applications.outcome-total"))
    assert got == [("applications.outcome.total[0]", 2932 - 105, 2932), ("applications.outcome.total[6]", 3050 - 105, 3050)]


# -- applications.balance -------------------------------------------------

def test_balance_fail():
    data = huaian()
    data["applications"]["carried_forward"][0] = 104
    data["applications"]["carried_forward"][6] = 104
    found = findings_of(data)
    got = sorted((f.cells[0], f.expected, f.actual) for f in by_rule(found, "applications.balance"))
    # expected = 三（七）[c] + 四[c] − 二[c], actual = 一[c] (FORMAT.md §2).
    assert got == [("applications.new_received[0]", 2932 + 104 - 34, 3001),
                   ("applications.new_received[6]", 3050 + 104 - 34, 3119)]
    f = by_rule(found, "applications.balance")[0]
    assert f.severity == ERROR
    assert f.cells == ["applications.new_received[0]", "applications.carried_over[0]",
                       "applications.outcome.total[0]", "applications.carried_forward[0]"]
    assert found == by_rule(found, "applications.balance")


def test_balance_pass_with_carry_over():
    data = huaian()
    assert data["applications"]["carried_over"][6] == 34
    assert by_rule(findings_of(data), "applications.balance") == []


def test_balance_with_missing_carried_forward_row():
    data = huaian()
    del data["applications"]["carried_forward"]
    found = findings_of(data)
    assert firsts(found, "report.schema") == ["applications.carried_forward"]
    assert firsts(found, "applications.balance") == ["applications.new_received[0]", "applications.new_received[6]"]


# -- appeals.row-total ----------------------------------------------------

def test_appeals_row_total_real_report():
    found = findings_of(hongze(2023))
    got = sorted((f.cells[0], f.expected, f.actual, f.severity) for f in by_rule(found, "appeals.row-total"))
    assert got == [("appeals.litigation_after_reconsideration[4]", 5, 0, ERROR),
                   ("appeals.reconsideration[4]", 11, 0, ERROR)]


def test_appeals_row_total_fail_and_cells():
    data = huaian()
    data["appeals"]["litigation"][3] = 2  # was 1; total 26
    f = only(findings_of(data), "appeals.row-total")
    assert (f.expected, f.actual) == (27, 26)
    assert f.cells == ["appeals.litigation[4]"] + [f"appeals.litigation[{i}]" for i in range(4)]


def test_appeals_row_total_pass():
    assert by_rule(findings_of(huaian()), "appeals.row-total") == []


# -- active.summary-total -------------------------------------------------

def test_summary_total_fail():
    data = lingwu()
    data["active"]["summary"]["total"] = 97
    f = only(findings_of(data), "active.summary-total")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (ERROR, "active.summary.total", 96, 97)
    assert 'active.summary.categories."社会救助事项"' in f.cells


def test_summary_total_2021_format():
    data = huaian()
    data["active"]["summary"] = {"total": 3, "categories": {"规划": 1, "财政": 1}}
    f = only(findings_of(data), "active.summary-total")
    assert (f.cells[0], f.expected, f.actual) == ("active.summary.total", 2, 3)
    data["active"]["summary"]["total"] = 2
    assert findings_of(data) == []


@pytest.mark.parametrize("summary", [None, {"total": 5}, {"categories": {"a": 1}}, {}])
def test_summary_total_pass_when_incomplete(summary):
    data = lingwu()
    if summary is None:
        del data["active"]["summary"]
    else:
        data["active"]["summary"] = summary
    assert findings_of(data) == []


# -- active.items-negative ------------------------------------------------

def test_items_negative_fail():
    data = lingwu()
    data["active"]["licensing"]["change"] = -3  # previous 2
    f = only(findings_of(data), "active.items-negative")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (ERROR, "active.licensing.change", None, -1)
    assert f.cells[1] == "active.licensing.previous"


def test_items_negative_pass_at_zero():
    data = lingwu()
    data["active"]["licensing"]["change"] = -2
    assert findings_of(data) == []


def test_items_negative_fees_row():
    data = lingwu()
    data["active"]["fees"]["change"] = -1
    assert only(findings_of(data), "active.items-negative").cells[0] == "active.fees.change"


def test_items_negative_not_in_2021_format():
    data = huaian()
    data["active"]["licensing"].update(previous=0, change=-5)  # unknown keys in 2021
    assert findings_of(data) == []


# -- active.published-over-total ------------------------------------------

def test_published_over_total_fail():
    data = lingwu()
    data["active"]["normative_documents"]["published"] = 85  # total 84
    f = only(findings_of(data), "active.published-over-total")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (WARNING, "active.normative_documents.published", 84, 85)
    assert f.cells[1] == "active.normative_documents.total"


def test_published_over_total_pass_when_equal():
    data = lingwu()
    assert data["active"]["normative_documents"]["published"] == data["active"]["normative_documents"]["total"]
    assert by_rule(findings_of(data), "active.published-over-total") == []


def test_published_over_total_not_in_2021_format():
    data = huaian()
    data["active"]["regulations"].update(published=5, total=1)
    assert findings_of(data) == []


# -- report.form-year -----------------------------------------------------

@pytest.mark.parametrize("form,year,ok", [
    (F2019, 2019, True), (F2019, 2020, True), (F2019, 2021, False), (F2019, 2024, False),
    (F2021, 2021, True), (F2021, 2024, True), (F2021, 2020, False), (F2021, 2019, False),
])
def test_form_year(form, year, ok):
    data = lingwu() if form == F2019 else huaian()
    with_identity(data, year=year)
    found = findings_of(data)
    if ok:
        assert found == []
    else:
        f = only(found, "report.form-year")
        assert (f.severity, f.cells[0]) == (ERROR, "report.form")
        assert found == [f]


# -- report.schema --------------------------------------------------------

@pytest.mark.parametrize("mutate,first", [
    (lambda d: d.pop("appeals"), "appeals"),
    (lambda d: d.__setitem__("appeals", 3), "appeals"),
    (lambda d: d.pop("active"), "active"),
    (lambda d: d.__setitem__("applications", [1, 2]), "applications"),
    (lambda d: d["applications"].pop("carried_forward"), "applications.carried_forward"),
    (lambda d: d["applications"]["outcome"]["denied"].pop("state_secret"), "applications.outcome.denied.state_secret"),
    (lambda d: d["applications"]["outcome"].__setitem__("denied", 0), "applications.outcome.denied.state_secret"),
    (lambda d: d["applications"]["new_received"].pop(), "applications.new_received"),
    (lambda d: d["applications"]["new_received"].append(0), "applications.new_received"),
    (lambda d: d["applications"].__setitem__("new_received", 0), "applications.new_received"),
    (lambda d: d["applications"].__setitem__("new_received", "0,0,0,0,0,0,0"), "applications.new_received"),
    (lambda d: d["appeals"]["litigation"].pop(), "appeals.litigation"),
    (lambda d: d["appeals"].pop("litigation_after_reconsideration"), "appeals.litigation_after_reconsideration"),
    (lambda d: d["active"].__setitem__("licensing", 5), "active.licensing"),
    (lambda d: d["active"]["licensing"].pop("decisions"), "active.licensing.decisions"),
    (lambda d: d["active"].pop("procurement"), "active.procurement"),
    (lambda d: d["active"]["procurement"].__setitem__("unit", "美元"), "active.procurement.unit"),
    (lambda d: d["active"].__setitem__("summary", 96), "active.summary"),
    (lambda d: d["active"]["summary"].__setitem__("categories", [1, 2]), "active.summary.categories"),
    (lambda d: d["text"].__setitem__("overview", 1), "text.overview"),
    (lambda d: d.__setitem__("text", "无"), "text"),
    (lambda d: d["report"].__setitem__("published", "2021年1月"), "report.published"),
    (lambda d: d["report"].__setitem__("region", 640181), "report.region"),
    # A 2021-style 三（六） table in a 2019-format report.
    (lambda d: d["applications"]["outcome"].__setitem__("other", {"other": [0] * 7}), "applications.outcome.other"),
])
def test_schema_fail_2019(mutate, first):
    data = lingwu()
    mutate(data)
    found = findings_of(data)
    schema = by_rule(found, "report.schema")
    assert first in [f.cells[0] for f in schema], found
    assert all(f.severity == ERROR and f.expected is None and f.actual is None for f in schema)


@pytest.mark.parametrize("row", ["overdue_correction", "overdue_fee", "other"])
def test_schema_2021_only_rows_missing(row):
    data = huaian()
    del data["applications"]["outcome"]["other"][row]
    found = findings_of(data)
    assert firsts(found, "report.schema") == [f"applications.outcome.other.{row}"]


def test_schema_2019_other_row_in_a_2021_report():
    data = huaian()
    data["applications"]["outcome"]["other"] = [73, 3, 0, 0, 1, 0, 77]  # 2019 layout: one row
    found = findings_of(data)
    assert firsts(found, "report.schema") == [
        "applications.outcome.other.other", "applications.outcome.other.overdue_correction",
        "applications.outcome.other.overdue_fee"]
    # The rules still ran: the outcome rows that remain no longer add up.
    assert firsts(found, "applications.outcome-total")


def test_schema_wrong_length_row_skips_its_row_total_but_not_other_rules():
    data = huaian()
    data["applications"]["new_received"] = [3001, 53, 0, 0, 61, 3119]  # one cell lost
    found = findings_of(data)
    assert firsts(found, "report.schema") == ["applications.new_received"]
    assert by_rule(found, "applications.row-total") == []
    assert by_rule(found, "applications.balance")  # column 6 is now missing: 0 + 34 vs 3050 + 103


@pytest.mark.parametrize("mutate", [
    lambda d: d.pop("text"),
    lambda d: d["text"].__setitem__("extra_note", "更多说明"),        # more text keys allowed
    lambda d: d["active"].pop("summary"),                               # optional
    lambda d: d["active"]["procurement"].__setitem__("unit", "万元"),
    lambda d: d["active"]["procurement"].__setitem__("unit", "元"),
    lambda d: d["report"].__setitem__("published", __import__("datetime").date(2021, 1, 29)),
    lambda d: d["report"].__setitem__("source", "http://www.lingwu.gov.cn/"),
    lambda d: d.__setitem__("x_unknown", {"kept": True}),               # unknown keys survive
    lambda d: d["applications"].__setitem__("x_note", "原表附注"),
])
def test_schema_pass(mutate):
    data = lingwu()
    mutate(data)
    assert findings_of(data) == []


def test_schema_does_not_stop_other_rules():
    data = lingwu()
    del data["appeals"]
    data["applications"]["new_received"][6] = 3
    data["active"]["summary"]["total"] = 1
    found = findings_of(data)
    assert {f.rule for f in found} == {"report.schema", "applications.row-total", "applications.balance",
                                       "active.summary-total"}


# -- identity problems are load failures, not findings --------------------

@pytest.mark.parametrize("mutate", [
    lambda d: d.pop("report"),
    lambda d: d["report"].pop("form"),
    lambda d: d["report"].__setitem__("form", "gov-info-disclosure/2030"),
    lambda d: d["report"].__setitem__("agency", "  "),
    lambda d: d["report"].__setitem__("year", "2020"),
    lambda d: d["report"].__setitem__("year", True),
    lambda d: d["report"].__setitem__("year", 2020.0),
])
def test_identity_problems_are_invalid(mutate):
    data = lingwu()
    mutate(data)
    assert isinstance(from_data(data, "x.toml"), Invalid)


# -- report.duplicate -----------------------------------------------------

def test_duplicate_fail_and_no_pairing():
    a = lingwu()
    b = with_identity(lingwu(), agency="  灵武市民政局 ")  # trimmed: the same agency
    nxt = with_identity(lingwu(), year=2021, form=F2021)
    nxt = {**huaian(), "report": nxt["report"]}
    nxt["applications"]["carried_over"] = [9, 0, 0, 0, 0, 0, 9]  # would break yoy.carried-over
    prev = with_identity(lingwu(), year=2019)
    prev["active"]["licensing"]["previous"] = 40  # would break yoy.items against 2020
    found = check(("a.toml", a), ("b.toml", b), ("next.toml", nxt), ("prev.toml", prev))
    for name, other in (("a.toml", "b.toml"), ("b.toml", "a.toml")):
        f = only(found[name], "report.duplicate")
        assert (f.severity, f.cells[0]) == (WARNING, "report.year")
        assert other in f.message
        assert not [g for g in found[name] if g.rule.startswith("yoy.")]
    assert not [g for g in found["next.toml"] if g.rule.startswith("yoy.")]
    assert by_rule(found["prev.toml"], "report.duplicate") == []


def test_duplicate_pass_for_other_years_and_agencies():
    found = check(lingwu(), with_identity(lingwu(), year=2019), with_identity(lingwu(), agency="灵武市财政局"))
    assert all(by_rule(f, "report.duplicate") == [] for f in found.values())


def test_duplicate_three_copies():
    found = check(lingwu(), lingwu(), lingwu())
    for name, fs in found.items():
        f = only(fs, "report.duplicate")
        others = {"r0.toml", "r1.toml", "r2.toml"} - {name}
        assert all(o in f.message for o in others)


# -- yoy.carried-over -----------------------------------------------------

def huaian_2023():
    """huaian's previous year, consistent with huaian-2024 everywhere."""
    data = with_identity(huaian(), year=2023)
    apps = data["applications"]
    apps["carried_forward"] = [34, 0, 0, 0, 0, 0, 34]
    apps["new_received"] = [2932 + 34, 53, 0, 0, 61, 4, 3050 + 34]  # = outcome.total + carried_forward
    apps["carried_over"] = [0] * 7
    data["active"]["regulations"]["in_force"] = 10              # 10 + 1 - 0 = 11
    data["active"]["normative_documents"]["in_force"] = 84      # 84 + 8 - 26 = 66
    data["text"] = {"overview": "上一年的总体情况。", "problems": "上一年的问题。", "other": "无。"}
    return data


def test_huaian_2023_helper_is_consistent():
    found = check(("2023.toml", huaian_2023()), ("2024.toml", huaian()))
    assert found == {"2023.toml": [], "2024.toml": []}


def test_carried_over_fail():
    cur = huaian()
    cur["applications"]["carried_over"][4] = 1
    cur["applications"]["carried_over"][6] = 35
    found = check(("2023.toml", huaian_2023()), ("2024.toml", cur))
    got = sorted((f.cells[0], f.expected, f.actual, f.severity) for f in by_rule(found["2024.toml"], "yoy.carried-over"))
    assert got == [("applications.carried_over[4]", 0, 1, ERROR), ("applications.carried_over[6]", 34, 35, ERROR)]
    f = by_rule(found["2024.toml"], "yoy.carried-over")[0]
    assert f.previous["file"] == "2023.toml"
    assert f.previous["cells"] in (["applications.carried_forward[4]"], ["applications.carried_forward[6]"])
    assert by_rule(found["2023.toml"], "yoy.carried-over") == []  # lives in the later report


def test_carried_over_across_the_format_change():
    prev = rich2019()  # 2019 format, 2020, carried_forward [103, 0, ..., 103]
    cur = with_identity(huaian(), agency=prev["report"]["agency"], year=2021)
    cur["applications"]["carried_over"] = [103, 0, 0, 0, 0, 0, 103]
    cur["applications"]["new_received"] = [3001 - 69, 53, 0, 0, 61, 4, 3119 - 69]
    found = check(("2020.toml", prev), ("2021.toml", cur))
    assert found["2021.toml"] == []
    cur["applications"]["carried_over"][0] = 102
    cur["applications"]["new_received"][0] += 1
    cur["applications"]["new_received"][6] += 1
    found = check(("2020.toml", prev), ("2021.toml", cur))
    f = only(found["2021.toml"], "yoy.carried-over")
    assert (f.cells[0], f.expected, f.actual) == ("applications.carried_over[0]", 103, 102)
    assert f.previous == {"file": "2020.toml", "cells": ["applications.carried_forward[0]"]}
    assert f.to_json()["previous"] == f.previous


def test_carried_over_pairs_by_trimmed_agency_only():
    cur = huaian()
    cur["applications"]["carried_over"][6] = 35  # breaks row-total too
    prev = with_identity(huaian_2023(), agency="\t淮安市人民政府 ")
    found = check(("2023.toml", prev), ("2024.toml", cur))
    assert firsts(found["2024.toml"], "yoy.carried-over") == ["applications.carried_over[6]"]
    # Another agency, or a gap year, pairs nothing.
    for other in (with_identity(huaian_2023(), agency="淮安市人民政府办公室"),
                  with_identity(huaian_2023(), year=2022)):
        found = check(("prev.toml", other), ("2024.toml", cur))
        assert by_rule(found["2024.toml"], "yoy.carried-over") == []


def test_carried_over_with_placeholder_counts_zero():
    cur = huaian()
    cur["applications"]["carried_over"][1] = "/"  # 0 last year too
    found = check(("2023.toml", huaian_2023()), ("2024.toml", cur))
    assert firsts(found["2024.toml"]) == ["applications.carried_over[1]"]
    assert by_rule(found["2024.toml"], "yoy.carried-over") == []


# -- yoy.items ------------------------------------------------------------

def lingwu_2019():
    data = with_identity(lingwu(), year=2019)
    data["active"]["licensing"].update(previous=1, change=1)        # 1 + 1 = 2 (2020 previous)
    data["active"]["penalties"].update(previous=0, change=0)        # 0 + 0 = 0 (2020 previous)
    data["active"]["normative_documents"].update(made=0, published=0, total=0)  # 0 + 84 = 84
    data["text"] = {"overview": "2019 年概况。", "problems": "无。", "other": "无。"}
    return data


def test_lingwu_2019_helper_is_consistent():
    assert check(("2019.toml", lingwu_2019()), ("2020.toml", lingwu())) == {"2019.toml": [], "2020.toml": []}


def lingwu_2021():
    """A consistent 2021-format report for lingwu's agency, year 2021, nothing carried over."""
    data = with_identity(huaian(), agency="灵武市民政局", year=2021)
    data["applications"]["carried_over"] = [0] * 7
    data["applications"]["new_received"] = [2932 + 103, 53, 0, 0, 61, 4, 3050 + 103]
    return data


def test_lingwu_2020_2021_pair_is_clean():
    assert check(("2020.toml", lingwu()), ("2021.toml", lingwu_2021())) == {"2020.toml": [], "2021.toml": []}


def test_items_fail():
    prev = lingwu_2019()
    prev["active"]["licensing"]["change"] = 0
    prev["active"]["penalties"]["previous"] = 2  # 2020 previous is 0
    found = check(("2019.toml", prev), ("2020.toml", lingwu()))
    got = sorted((f.cells[0], f.expected, f.actual, f.severity) for f in by_rule(found["2020.toml"], "yoy.items"))
    assert got == [("active.licensing.previous", 1, 2, WARNING), ("active.penalties.previous", 2, 0, WARNING)]
    f = [f for f in found["2020.toml"] if f.cells[0] == "active.licensing.previous"][0]
    assert f.previous == {"file": "2019.toml", "cells": ["active.licensing.previous", "active.licensing.change"]}


def test_items_fees_row():
    prev = lingwu_2019()
    prev["active"]["fees"].update(previous=3, change=-1)
    found = check(("2019.toml", prev), ("2020.toml", lingwu()))
    f = only(found["2020.toml"], "yoy.items")
    assert (f.cells[0], f.expected, f.actual) == ("active.fees.previous", 2, 0)


def test_items_not_across_the_format_change():
    prev = lingwu()  # 2019 format, 2020
    cur = lingwu_2021()
    for row in ("licensing", "penalties", "enforcement"):
        cur["active"][row].update(previous=999, change=1)  # unknown keys in 2021: must be ignored
    cur["active"]["regulations"].update(total=999, published=0)
    found = check(("2020.toml", prev), ("2021.toml", cur))
    assert found["2021.toml"] == []


# -- yoy.total-published --------------------------------------------------

def test_total_published_fail():
    prev = lingwu_2019()
    prev["active"]["normative_documents"]["total"] = 5
    found = check(("2019.toml", prev), ("2020.toml", lingwu()))
    f = only(found["2020.toml"], "yoy.total-published")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (WARNING, "active.normative_documents.total", 89, 84)
    assert f.previous == {"file": "2019.toml", "cells": ["active.normative_documents.total"]}


def test_total_published_regulations_row():
    cur = lingwu()
    cur["active"]["regulations"].update(made=1, published=1, total=1)
    prev = lingwu_2019()
    prev["active"]["regulations"]["total"] = 1
    found = check(("2019.toml", prev), ("2020.toml", cur))
    f = only(found["2020.toml"], "yoy.total-published")
    assert (f.cells[0], f.expected, f.actual) == ("active.regulations.total", 2, 1)


# -- yoy.in-force ---------------------------------------------------------

def test_in_force_pass_real_pair():
    found = check(("h23.toml", hongze(2023)), ("h24.toml", hongze(2024)))
    assert by_rule(found["h24.toml"], "yoy.in-force") == []


def test_in_force_fail():
    prev = huaian_2023()
    prev["active"]["regulations"]["in_force"] = 9
    found = check(("2023.toml", prev), ("2024.toml", huaian()))
    f = only(found["2024.toml"], "yoy.in-force")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (WARNING, "active.regulations.in_force", 10, 11)
    assert f.cells[1:] == ["active.regulations.issued", "active.regulations.repealed"]
    assert f.previous == {"file": "2023.toml", "cells": ["active.regulations.in_force"]}


def test_in_force_normative_documents_cleanup_year():
    cur = hongze(2024)
    cur["active"]["normative_documents"]["repealed"] = 2  # 5 + 3 - 2 = 6, not 8
    found = check(("h23.toml", hongze(2023)), ("h24.toml", cur))
    f = only(found["h24.toml"], "yoy.in-force")
    assert (f.cells[0], f.expected, f.actual) == ("active.normative_documents.in_force", 6, 8)


def test_in_force_not_across_the_format_change():
    prev = lingwu()
    prev["active"]["regulations"]["in_force"] = 100  # unknown key in 2019 format
    cur = lingwu_2021()
    found = check(("2020.toml", prev), ("2021.toml", cur))
    assert found["2021.toml"] == []


# -- yoy.text-copied ------------------------------------------------------

# 104 distinct characters: 100 distinct 5-character substrings.
_DISTINCT = "".join(chr(0x4E00 + 7 * i) for i in range(104))


def _text_pair(this_text, last_text, key="problems"):
    prev, cur = huaian_2023(), huaian()
    prev["text"][key] = last_text
    cur["text"][key] = this_text
    return check(("2023.toml", prev), ("2024.toml", cur))["2024.toml"]


def test_text_copied_fail_on_a_copy_with_years_changed():
    last = huaian()["text"]["problems"].replace("下一步", "2023 年")
    this = last.replace("2023", "2024")
    f = only(_text_pair(this, last), "yoy.text-copied")
    assert (f.severity, f.cells[0], f.expected, f.actual) == (WARNING, "text.problems", None, 1.0)
    assert f.previous == {"file": "2023.toml", "cells": ["text.problems"]}


def test_text_copied_threshold_is_inclusive():
    this = _DISTINCT
    f = only(_text_pair(this, this[:84]), "yoy.text-copied")  # 80 of 100 substrings
    assert f.actual == pytest.approx(0.80)
    assert by_rule(_text_pair(this, this[:83]), "yoy.text-copied") == []  # 79 of 100


def test_text_copied_ignores_whitespace_and_digit_runs():
    this = _DISTINCT[:50] + "2024年共收到申请 12 件" + _DISTINCT[50:]
    last = " ".join(_DISTINCT[:50]) + "\n2023年共收到申请 3456 件\t" + _DISTINCT[50:]
    assert only(_text_pair(this, last), "yoy.text-copied").actual == 1.0
    # Without normalisation most 5-character substrings would differ.
    assert by_rule(_text_pair(this, " ".join(_DISTINCT)), "yoy.text-copied")
    assert by_rule(_text_pair(this, "|".join(_DISTINCT)), "yoy.text-copied") == []


def test_text_copied_needs_100_characters_this_year():
    assert by_rule(_text_pair(_DISTINCT[:99], _DISTINCT), "yoy.text-copied") == []
    assert by_rule(_text_pair(_DISTINCT[:100], _DISTINCT), "yoy.text-copied")


def test_text_copied_key_only_this_year():
    prev, cur = huaian_2023(), huaian()
    del prev["text"]["problems"]
    cur["text"]["problems"] = _DISTINCT
    found = check(("2023.toml", prev), ("2024.toml", cur))
    assert by_rule(found["2024.toml"], "yoy.text-copied") == []


def test_text_copied_extra_keys_and_across_the_format_change():
    prev = lingwu()
    cur = lingwu_2021()
    cur["text"]["overview"] = prev["text"]["overview"].replace("2020", "2021")
    prev["text"]["extra"] = cur["text"]["extra"] = _DISTINCT
    found = check(("2020.toml", prev), ("2021.toml", cur))
    assert firsts(found["2021.toml"]) == ["text.extra", "text.overview"]
    assert {f.rule for f in found["2021.toml"]} == {"yoy.text-copied"}


def test_text_copied_pass_real_pair():
    found = check(("h23.toml", hongze(2023)), ("h24.toml", hongze(2024)))
    assert by_rule(found["h24.toml"], "yoy.text-copied") == []


# -- review records: accepted findings ------------------------------------

def test_accepted_finding_by_rule_and_first_cell():
    data = hongze(2023)
    data["review"] = {"accepted": [{"rule": "appeals.row-total", "cells": ["appeals.reconsideration[4]"],
                                    "reason": "原件如此", "user": "r", "at": "2024-01-01"}]}
    found = findings_of(data)
    acc = {f.cells[0]: f.accepted for f in found}
    assert acc == {"appeals.reconsideration[4]": True, "appeals.litigation_after_reconsideration[4]": False}
    assert [f.blocking for f in found if f.accepted] == [False]
