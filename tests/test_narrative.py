"""The narrative and identity rules of FORMAT.md §2.1, table-driven.

Every expectation here is worked out by hand from the text of §2.1, not from
the code: the clause, the figure it states, the kind whose keywords it
matches, and the readings of the table below. The table (`base()`) has a
distinct figure in every reading, so a wrong kind shows as a wrong
`expected`:

    new_received[6] 19, carried_over[6] 2       received: 19 or 21
    carried_forward[6] 4                         granted[6] 7, partial[6] 3
    denied: state_secret 1 + third_party_rights 4 = 5
    unavailable: not_held 2 + unclear_after_correction 4 = 6
    not_processed: duplicate 9 (petition 0) = 9
    appeals: reconsideration[4] 11, litigation[4] 12 + after_reconsideration[4] 13 = 25
"""

import copy
import datetime
import tomllib

import pytest

from tui.store.build import blank_report
from tui.core.checker import check_reports
from tui.core.findings import ERROR, WARNING
from tui.core.forms import form_by_edition
from tui.core.load import from_data, load_bytes
from tui.core.narrative import _CLAIMS_FILE
from tui.core.report import Report


def _blank(edition, year):
    text = blank_report(form_by_edition(edition), "测试县人民政府", year)
    return tomllib.loads(text)


def _set(data, row, index, value):
    """Set `applications.<row>[index]` (or `appeals.<row>[index]` when row starts with appeals.)."""
    node = data if row.startswith("appeals.") else data["applications"]
    keys = row.split(".")
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]][index] = value


_BASE = _blank("2021", 2024)
for _row, _v in [("new_received", 19), ("carried_over", 2), ("carried_forward", 4),
                 ("outcome.granted", 7), ("outcome.partial", 3),
                 ("outcome.denied.state_secret", 1), ("outcome.denied.third_party_rights", 4),
                 ("outcome.unavailable.not_held", 2), ("outcome.unavailable.unclear_after_correction", 4),
                 ("outcome.not_processed.duplicate", 9)]:
    _set(_BASE, _row, 6, _v)
for _row, _v in [("appeals.reconsideration", 11), ("appeals.litigation", 12),
                 ("appeals.litigation_after_reconsideration", 13)]:
    _set(_BASE, _row, 4, _v)


def base():
    return copy.deepcopy(_BASE)


def run(data, file="r.toml"):
    r = from_data(data, file)
    assert isinstance(r, Report), r
    (checked,) = check_reports([r])
    return checked.findings


def rule_findings(data, rule):
    return [f for f in run(data) if f.rule == rule]


def claims_in(overview, data=None):
    data = data if data is not None else base()
    data["text"]["overview"] = overview
    return rule_findings(data, "text.claim")


# -- text.claim: every keyword row of the claims table ---------------------------

DENIED = ["applications.outcome.denied.state_secret[6]", "applications.outcome.denied.prohibited_by_law[6]",
          "applications.outcome.denied.security_stability[6]", "applications.outcome.denied.third_party_rights[6]",
          "applications.outcome.denied.internal_affairs[6]", "applications.outcome.denied.process_information[6]",
          "applications.outcome.denied.enforcement_files[6]",
          "applications.outcome.denied.administrative_inquiry[6]"]
UNAVAILABLE = ["applications.outcome.unavailable.not_held[6]", "applications.outcome.unavailable.needs_creation[6]",
               "applications.outcome.unavailable.unclear_after_correction[6]"]
NOT_PROCESSED = ["applications.outcome.not_processed.petition[6]",
                 "applications.outcome.not_processed.duplicate[6]",
                 "applications.outcome.not_processed.publication[6]",
                 "applications.outcome.not_processed.excessive[6]",
                 "applications.outcome.not_processed.confirmation[6]"]

# (kind, keyword, clause template with {n}, the readings in order, the cells)
KEYWORD_ROWS = [
    ("carried-forward", "结转下年", "{n} 件结转下年度办理", [4], ["applications.carried_forward[6]"]),
    ("carried-forward", "转下一年", "另有 {n} 件转下一年办理", [4], ["applications.carried_forward[6]"]),
    ("carried-forward", "转入下一年", "{n} 件转入下一年", [4], ["applications.carried_forward[6]"]),
    ("carried-forward", "转入下年", "{n} 件转入下年度", [4], ["applications.carried_forward[6]"]),
    ("carried-forward", "下一年度继续办理", "{n} 件下一年度继续办理", [4], ["applications.carried_forward[6]"]),
    ("carried-forward", "结转至", "{n} 件结转至次年", [4], ["applications.carried_forward[6]"]),
    ("carried-forward", "顺延", "另有 {n} 件顺延到下年度答复", [4], ["applications.carried_forward[6]"]),
    ("carried-over", "上年结转", "上年结转 {n} 件", [2], ["applications.carried_over[6]"]),
    ("carried-over", "上年度结转", "含上年度结转申请 {n} 件", [2], ["applications.carried_over[6]"]),
    ("carried-over", "上一年度结转", "上一年度结转 {n} 件", [2], ["applications.carried_over[6]"]),
    ("new-received", "新收", "本年新收申请 {n} 件", [19], ["applications.new_received[6]"]),
    ("received", "收到", "全年收到政府信息公开申请 {n} 件", [19, 21],
     ["applications.new_received[6]", "applications.carried_over[6]"]),
    ("received", "受理", "全市共受理政府信息公开申请 {n} 件", [19, 21],
     ["applications.new_received[6]", "applications.carried_over[6]"]),
    ("received", "接收", "接收申请 {n} 件", [19, 21],
     ["applications.new_received[6]", "applications.carried_over[6]"]),
    ("granted", "予以公开", "予以公开 {n} 件", [7], ["applications.outcome.granted[6]"]),
    ("partial", "部分公开", "部分公开 {n} 件", [3], ["applications.outcome.partial[6]"]),
    ("denied", "不予公开", "不予公开 {n} 件", [5], DENIED),
    ("unavailable", "无法提供", "无法提供 {n} 件", [6], UNAVAILABLE),
    ("not-processed", "不予处理", "不予处理 {n} 件", [9], NOT_PROCESSED),
    ("reconsideration", "行政复议", "政府信息公开行政复议 {n} 件", [11], ["appeals.reconsideration[4]"]),
    ("litigation", "行政诉讼", "政府信息公开行政诉讼 {n} 件", [25],
     ["appeals.litigation[4]", "appeals.litigation_after_reconsideration[4]"]),
]


@pytest.mark.parametrize("kind,keyword,template,readings,cells", KEYWORD_ROWS,
                         ids=[f"{r[0]}-{r[1]}" for r in KEYWORD_ROWS])
def test_claim_keyword_row(kind, keyword, template, readings, cells):
    assert keyword in template
    for n in readings:  # the figure equals a reading: the claim holds
        assert claims_in(f"2024 年，{template.format(n=n)}。") == []
    wrong = 97
    (f,) = claims_in(f"2024 年，{template.format(n=wrong)}。")
    assert (f.severity, f.cells, f.expected, f.actual) == (WARNING, cells + ["text.overview"], readings[0], wrong)
    assert template.format(n=wrong) in f.message  # the message quotes the clause


def test_every_keyword_of_the_claims_table_is_tested():
    with open(_CLAIMS_FILE, "rb") as fh:
        spec = tomllib.load(fh)
    data_rows = {(k["id"], kw) for k in spec["kinds"] for group in k["all"] for kw in group}
    data_rows -= {("received", "申请")}  # the second condition of 收到/受理/接收, in every received row
    assert data_rows == {(r[0], r[1]) for r in KEYWORD_ROWS}


def test_claim_json_shape():
    (f,) = claims_in("全年收到申请 20 件。")
    doc = f.to_json()
    assert (doc["rule"], doc["expected"], doc["actual"]) == ("text.claim", 19, 20)
    assert doc["cells"] == ["applications.new_received[6]", "applications.carried_over[6]", "text.overview"]


# -- text.claim: what makes no claim ----------------------------------------------

@pytest.mark.parametrize("word", ["同比", "较上年", "比上年", "增长", "下降", "减少", "增加", "%", "％"])
def test_claim_comparative_clause_makes_no_claim(word):
    assert claims_in(f"收到申请 97 件{word}") == []
    assert claims_in(f"{word}收到申请 97 件") == []


def test_claim_two_figures_make_no_claim():
    assert claims_in("收到申请 97 件答复 96 件") == []
    assert claims_in("收到申请 97 件 其中 1,200 件") == []


def test_claim_two_figures_in_separate_clauses_each_count():
    (f,) = claims_in("收到申请 97 件，答复 96 件。")
    assert (f.expected, f.actual) == (19, 97)


@pytest.mark.parametrize("text", [
    "收到申请 97 件予以公开",         # received and granted
    "予以公开和部分公开 97 件",        # granted and partial
    "行政复议和行政诉讼 97 件",        # 复议 rules out litigation, 诉讼 rules out reconsideration: none
    "答复 97 件",                    # no kind at all
    "申请 97 件",                    # 申请 without 收到/受理/接收
    "受理 97 件",                    # 受理 without 申请
])
def test_claim_two_kinds_or_none_make_no_claim(text):
    assert claims_in(text) == []


def test_received_gives_way_to_the_three_kinds_above():
    # 申请 + 收到 but also 上年结转: not received (§2.1 "and no keyword of the
    # three kinds above"), so exactly one kind, carried-over.
    (f,) = claims_in("收到申请中上年结转 21 件")
    assert (f.cells[0], f.expected, f.actual) == ("applications.carried_over[6]", 2, 21)
    (f,) = claims_in("受理新收申请 21 件")
    assert (f.cells[0], f.expected, f.actual) == ("applications.new_received[6]", 19, 21)
    (f,) = claims_in("受理申请 99 件结转至下年")
    assert (f.cells[0], f.expected, f.actual) == ("applications.carried_forward[6]", 4, 99)


def test_claim_reading_on_a_blank_cell_is_skipped():
    data = base()
    _set(data, "new_received", 6, "")
    # both received readings involve new_received[6]: no reading left
    assert claims_in("收到申请 97 件", data) == []
    assert claims_in("新收申请 97 件", data) == []
    data = base()
    _set(data, "carried_over", 6, "/")
    # only 新收+上年结转 is skipped; 新收 19 remains
    (f,) = claims_in("收到申请 21 件", data)
    assert (f.cells, f.expected, f.actual) == (["applications.new_received[6]", "text.overview"], 19, 21)
    data = base()
    _set(data, "outcome.denied.internal_affairs", 6, "")
    assert claims_in("不予公开 97 件", data) == []


@pytest.mark.parametrize("value", [1.0, -1, True, "5"], ids=["float", "negative", "bool", "text"])
def test_claim_reading_on_a_cell_that_is_not_a_count_is_skipped(value):
    data = base()
    _set(data, "outcome.granted", 6, value)
    assert claims_in("予以公开 97 件", data) == []


def test_claim_missing_cell_is_skipped():
    data = base()
    del data["applications"]["outcome"]["granted"]
    assert claims_in("予以公开 97 件", data) == []


def test_claim_full_width_digits():
    assert claims_in("收到申请１９件") == []
    (f,) = claims_in("收到申请２２件")
    assert (f.expected, f.actual) == (19, 22)


def test_claim_comma_between_digit_groups_belongs_to_the_figure():
    (f,) = claims_in("收到申请 1,200 件")
    assert (f.expected, f.actual) == (19, 1200)
    data = base()
    _set(data, "new_received", 6, 1200)
    assert claims_in("收到申请 1,200 件", data) == []
    # a full-width comma always splits: "收到申请 1" has no figure, "200 件" no kind
    assert claims_in("收到申请 1，200 件") == []
    # an ASCII comma not between digits splits
    assert claims_in("收到申请, 97 件") == []


def test_claim_ordinal_is_not_a_figure():
    assert claims_in("收到第97件申请") == []
    assert claims_in("受理申请第1,200件") == []


@pytest.mark.parametrize("unit", ["件", "条", "起", "宗"])
def test_claim_units(unit):
    (f,) = claims_in(f"收到申请 97{unit}")
    assert f.actual == 97


@pytest.mark.parametrize("gap", ["", " ", "  ", "\u3000", "\t"])
def test_claim_spaces_before_the_unit(gap):
    (f,) = claims_in(f"收到申请 97{gap}件")
    assert f.actual == 97


@pytest.mark.parametrize("sep", list("。；;！!？?，,、：:（）()") + ["\n", "\r"])
def test_claim_clause_separators(sep):
    # split between the keyword and the figure: neither clause claims
    assert claims_in(f"收到申请{sep}97 件") == []


def test_claim_other_units_and_years_are_not_figures():
    assert claims_in("2023 年收到申请") == []
    assert claims_in("收到申请 97 次") == []


def test_claim_in_any_text_key_and_only_strings():
    data = base()
    data["text"]["extra"] = "收到申请 97 件"
    data["text"]["number"] = 5
    (f,) = rule_findings(data, "text.claim")
    assert f.cells[-1] == "text.extra"
    assert f.span == ("text.extra", 0, len("收到申请 97 件"))


def test_claim_span_is_the_clause_without_surrounding_spaces():
    text = "2024 年， 全年收到申请 97 件 。其他"
    (f,) = claims_in(text)
    address, start, end = f.span
    assert (address, text[start:end]) == ("text.overview", "全年收到申请 97 件")


# -- text.placeholder ----------------------------------------------------------------

@pytest.mark.parametrize("value,placeholder", [
    ("20XX年政府信息公开工作", "XX"),
    ("XX局", "XX"),
    ("xx县", "xx"),
    ("××县人民政府", "××"),
    ("ＸＸ局", "ＸＸ"),
    ("ｘｘ局", "ｘｘ"),
    ("Xx×局", "Xx×"),
    ("某某局", "某某"),
    ("联系人：〇〇〇", "〇〇〇"),
    ("电话：○○○○", "○○○○"),
    ("待填写", "待填写"),
    ("（待补充）", "待补充"),
    ("此处填写机关名称", "此处填写"),
    ("收取费用___元", "___"),
    ("收取费用______元", "______"),
])
def test_placeholder_found(value, placeholder):
    data = base()
    data["text"]["other"] = value
    (f,) = rule_findings(data, "text.placeholder")
    assert (f.severity, f.cells, f.expected, f.actual) == (ERROR, ["text.other"], None, None)
    address, start, end = f.span
    assert (address, value[start:end]) == ("text.other", placeholder)
    assert placeholder in f.message


@pytest.mark.parametrize("value", [
    "网址 xxgk.example.gov.cn",      # ASCII letter right after the run
    "见 http://www.gov.cn/xxgk/",
    "aXX",                           # ASCII letter right before
    "X 光机",                         # a run of one
    "二〇〇七年",                      # Chinese numerals around the 〇 run
    "二〇〇〇年",
    "〇〇七",
    "某局",
    "收费__元",                        # two underscores
    "2024年",
])
def test_placeholder_not_found(value):
    data = base()
    data["text"]["other"] = value
    assert rule_findings(data, "text.placeholder") == []


def test_placeholder_one_finding_per_string_naming_the_first():
    data = base()
    data["text"]["other"] = "某某局于20XX年___"
    (f,) = rule_findings(data, "text.placeholder")
    assert f.span == ("text.other", 0, 2)
    assert "某某" in f.message


def test_placeholder_in_agency_and_title():
    data = base()
    data["report"]["agency"] = "XX市XX局"
    data["report"]["title"] = "XX市XX局20XX年政府信息公开工作年度报告"
    got = sorted(f.cells[0] for f in rule_findings(data, "text.placeholder"))
    assert got == ["report.agency", "report.title"]


# -- report.title-year and text.stale-year ------------------------------------------

@pytest.mark.parametrize("title,found", [
    ("测试县人民政府2023年政府信息公开工作年度报告", True),
    ("测试县人民政府2024年政府信息公开工作年度报告", False),
    ("测试县人民政府 2024 年政府信息公开工作年度报告", False),
    ("测试县人民政府２０２３年政府信息公开工作年度报告", True),
    ("测试县人民政府２０２４年报告", False),
    ("2023年、2024年报告", False),              # one of them is report.year
    ("测试县人民政府政府信息公开工作年度报告", False),   # names no year
    ("测试县人民政府20XX年报告", False),           # no year (a placeholder instead)
    ("测试县12023年报告", False),                 # 5 digits: not a year
    ("2023\n年报告", True),                       # any whitespace before 年
])
def test_title_year(title, found):
    data = base()
    data["report"]["title"] = title
    got = rule_findings(data, "report.title-year")
    assert len(got) == (1 if found else 0)
    if found:
        f = got[0]
        assert (f.severity, f.cells[0], f.expected, f.actual) == (ERROR, "report.title", None, None)


def test_title_year_without_title():
    data = base()
    del data["report"]["title"]
    assert rule_findings(data, "report.title-year") == []


@pytest.mark.parametrize("overview,found", [
    ("2023年，我县坚持……。2024年，……", True),
    ("2024年，我县在2023年基础上……。", False),
    ("我县……。2023年，……", False),               # not in the first sentence
    ("我县坚持……", False),                        # names no year
    ("2023 年，我县坚持……", True),                 # no 。: the whole string
    ("二〇二三年，我县……。", False),              # Chinese numerals are not digits
])
def test_stale_year(overview, found):
    data = base()
    data["text"]["overview"] = overview
    got = rule_findings(data, "text.stale-year")
    assert len(got) == (1 if found else 0)
    if found:
        f = got[0]
        assert (f.severity, f.cells[0], f.expected, f.actual) == (WARNING, "text.overview", None, None)


# -- text.fee-statement ---------------------------------------------------------------

@pytest.mark.parametrize("text,found", [
    ({"overview": "……", "other": "无。"}, True),
    ({"overview": "……", "other": "全年收取信息处理费 0 元。"}, False),
    ({"overview": "本年未收取信息处理费。", "other": "无。"}, False),   # 处理费 anywhere in [text]
    ({"overview": "……", "other": "本年度未收费。"}, False),           # 收费 in text.other
    ({"overview": "本年度未收费。", "other": "无。"}, True),           # 收费 only counts in text.other
    ({"overview": "……"}, True),                                   # no text.other: still first cell text.other
    ({"other": ""}, True),
    ({}, False),                                                  # [text] with no key
    (None, False),                                                # no [text]
])
def test_fee_statement(text, found):
    data = base()
    if text is None:
        del data["text"]
    else:
        data["text"] = text
    got = rule_findings(data, "text.fee-statement")
    assert len(got) == (1 if found else 0)
    if found:
        f = got[0]
        assert (f.severity, f.cells, f.expected, f.actual) == (WARNING, ["text.other"], None, None)


def test_fee_statement_only_in_the_2021_format():
    data = _blank("2019", 2020)
    data["text"]["other"] = "无。"
    assert rule_findings(data, "text.fee-statement") == []


# -- report.deadline ---------------------------------------------------------------------

@pytest.mark.parametrize("level,published,found", [
    ("department", datetime.date(2025, 1, 31), False),
    ("department", datetime.date(2025, 2, 1), True),
    ("government", datetime.date(2025, 3, 31), False),
    ("government", datetime.date(2025, 4, 1), True),
    (None, datetime.date(2025, 3, 31), False),          # no level: 31 March
    (None, datetime.date(2025, 2, 1), False),
    (None, datetime.date(2025, 4, 1), True),
    ("department", datetime.datetime(2025, 1, 31, 23, 59), False),   # compares by its date
    ("department", datetime.datetime(2025, 2, 1, 0, 0), True),
    ("government", datetime.datetime(2025, 4, 1, 8, 0, tzinfo=datetime.timezone.utc), True),
    ("government", "2025-04-01", False),                # not a date: nothing (report.schema instead)
    ("government", datetime.time(8, 0), False),
])
def test_deadline(level, published, found):
    data = base()
    if level is not None:
        data["report"]["level"] = level
    data["report"]["published"] = published
    got = rule_findings(data, "report.deadline")
    assert len(got) == (1 if found else 0)
    if found:
        f = got[0]
        assert (f.severity, f.cells, f.expected, f.actual) == (WARNING, ["report.published"], None, None)


def test_deadline_without_published():
    assert rule_findings(base(), "report.deadline") == []


# -- report.level in the schema ---------------------------------------------------------

@pytest.mark.parametrize("level,bad", [("government", False), ("department", False), ("county", True),
                                       ("", True), (1, True), (["government"], True)])
def test_level_schema(level, bad):
    data = base()
    data["report"]["level"] = level
    got = [f for f in rule_findings(data, "report.schema") if f.cells[0] == "report.level"]
    assert len(got) == (1 if bad else 0)


# -- the blank report ------------------------------------------------------------------

@pytest.mark.parametrize("edition,year,rules", [("2019", 2020, []), ("2021", 2024, ["text.fee-statement"])])
def test_blank_new_report_narrative(edition, year, rules):
    # A blank 2021 report's empty text does not state the 信息处理费 (§2.1).
    text = blank_report(form_by_edition(edition), "测试县人民政府", year)
    r = load_bytes(text.encode("utf-8"), "new.toml")
    (checked,) = check_reports([r])
    assert [f.rule for f in checked.findings] == rules


# -- report.level: nianbao new --level, the workbench's input ----------------------------

@pytest.mark.parametrize("level", ["government", "department"])
def test_new_with_level(tmp_path, level):
    from tests.conftest import run_cli

    out = tmp_path / "new.toml"
    proc = run_cli("new", "--form", "2021", "--agency", "测试县人民政府", "--year", "2024", "--level", level, "-o", out)
    assert proc.returncode == 0, proc.stderr
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["report"]["level"] == level
    assert run_cli("new", "--form", "2021", "--agency", "x", "--year", "2024", "--level", "county").returncode == 2


@pytest.mark.parametrize("raw,value", [("government", "government"), (" 部门 ", "department"),
                                       ("本级政府", "government"), ("department", "department")])
def test_level_input(raw, value):
    from tui.core.cells import LEVEL, parse_input

    assert parse_input(LEVEL, raw) == value


@pytest.mark.parametrize("raw", ["", "县级", "Government"])
def test_level_input_refused(raw):
    from tui.core.cells import LEVEL, parse_input

    with pytest.raises(ValueError):
        parse_input(LEVEL, raw)
