"""Importer details on small hand-made pages: encodings, number formats,
heading variants, short rows, the 2019 edition (issue 11)."""

import datetime
import tomllib

from tests.import_fill import render_html
from tui.core.forms import form_by_edition
from tui.importer import import_bytes
from tui.importer.labels import parse_value
from tui.store.build import imported_text

AT = datetime.datetime.fromisoformat("2026-11-29T10:00:00+08:00")
REPORTS = __import__("tests.conftest", fromlist=["REPORTS"]).REPORTS


def load(name):
    with open(REPORTS / name, "rb") as fh:
        return tomllib.load(fh)


def back(raw, **kw):
    result = import_bytes(raw, "page.html", user="t", at=AT, **kw)
    return result, tomllib.loads(imported_text(result))


def flags_of(data):
    return {f["cell"]: f for f in data["review"]["import"][0].get("flags", [])}


def test_values_as_published():
    assert parse_value("12") == (12, None)
    assert parse_value("") == ("", "blank")
    assert parse_value("\u3000") == ("", "blank")
    assert parse_value("/") == ("/", "placeholder")
    assert parse_value("—") == ("—", "placeholder")
    assert parse_value("１２") == (12, "number-format")
    assert parse_value("1,234") == (1234, "number-format")
    assert parse_value("251000元") == (251000, "number-format")
    assert parse_value("-18", "change") == (-18, None)
    assert parse_value("+1", "change") == (1, None)
    assert parse_value("96171.6", "amount") == (96171.6, None)
    assert parse_value("约10", "count") == ("约10", "placeholder")


def _page(report, form=None):
    return render_html(form or form_by_edition("2021"), report)


def test_gbk_page_with_and_without_meta_charset():
    report = load("huaian-2024.toml")
    html = _page(report).decode("utf-8")
    for page in (html.replace("charset='utf-8'", "charset='gb2312'"), html.replace("<meta charset='utf-8'>", "")):
        _, data = back(page.encode("gb18030"))
        assert data["applications"] == report["applications"]
        assert data["report"]["agency"] == "淮安市人民政府"


def test_full_width_and_grouped_numbers_are_read_and_flagged():
    report = load("huaian-2024.toml")
    page = _page(report).decode("utf-8")
    page = page.replace("<p>3119</p>", "<p>3,119</p>", 1).replace("<p>3001</p>", "<p>３００１</p>", 1)
    _, data = back(page.encode("utf-8"))
    assert data["applications"]["new_received"] == report["applications"]["new_received"]
    flags = flags_of(data)
    assert flags["applications.new_received[6]"]["reason"] == "number-format"
    assert flags["applications.new_received[6]"]["raw"] == "3,119"
    assert flags["applications.new_received[0]"]["reason"] == "number-format"


def test_heading_variants_are_found_and_flagged():
    report = load("huaian-2024.toml")
    page = _page(report).decode("utf-8")
    page = page.replace("五、存在的主要问题及改进情况", "五、存在的主要问题及整改措施")
    page = page.replace("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政法复议和提起行政诉讼情况")
    _, data = back(page.encode("utf-8"))
    assert data["text"]["problems"] == report["text"]["problems"]
    assert data["appeals"] == report["appeals"]
    flags = flags_of(data)
    assert flags["text.problems"]["reason"] == "fuzzy-label"
    assert flags["text.problems"]["raw"] == "五、存在的主要问题及整改措施"
    assert "text.overview" not in flags


def _shift_row(page, label):
    """The row printed with one label cell fewer: its values start one column early."""
    cell = f"<td></td><td><p>（五）不予处理</p></td><td><p>{label}</p></td>"
    assert cell in page
    return page.replace(cell, f"<td><p>（五）不予处理</p></td><td><p>{label}</p></td>", 1)


def test_short_row_is_aligned_right_when_its_total_holds_and_flagged():
    report = load("huaian-2024.toml")
    page = _shift_row(_page(report).decode("utf-8"), "2.重复申请")  # [25, 0, 0, 0, 0, 0, 25]
    _, data = back(page.encode("utf-8"))
    assert data["applications"] == report["applications"]
    flags = flags_of(data)
    assert [flags[f"applications.outcome.not_processed.duplicate[{i}]"]["reason"] for i in range(7)] == \
        ["realigned"] * 7


def test_short_row_is_left_out_when_aligning_it_breaks_its_total():
    report = load("huaian-2024.toml")
    report["applications"]["outcome"]["not_processed"]["duplicate"] = [25, 0, 0, 0, 0, 0, 24]
    page = _shift_row(_page(report).decode("utf-8"), "2.重复申请")
    _, data = back(page.encode("utf-8"))
    assert "duplicate" not in data["applications"]["outcome"]["not_processed"]
    assert flags_of(data)["applications.outcome.not_processed.duplicate"]["reason"] == "missing"


def test_the_2019_edition_round_trips_by_its_own_headers():
    report = load("lingwu-minzheng-2020.toml")
    form = form_by_edition("2019")
    result, data = back(render_html(form, report))
    assert result.form.id == form.id
    for row in form.active_rows:
        want = {f.key: report["active"][row.key][f.key] for f in row.fields if f.required}
        assert data["active"][row.key] == want, row.key
    assert data["applications"] == report["applications"]
    assert data["appeals"] == report["appeals"]


def test_table_split_in_two_is_stitched_and_a_narrower_continuation_flagged():
    report = load("huaian-2024.toml")
    page = _page(report).decode("utf-8")
    # Cut table 三 before 三（四）1. — as a page break does — and print the
    # continuation without its first (empty) label column: one column narrower.
    cut = "<tr><td></td><td><p>（四）无法提供</p></td><td><p>1.本机关不掌握相关政府信息</p></td>"
    assert cut in page
    head, tail = page.split(cut, 1)
    part2, rest = ("<tr><td><p>（四）无法提供</p></td><td><p>1.本机关不掌握相关政府信息</p></td>"
                   + tail).split("</table>", 1)
    part2 = part2.replace("<tr><td></td>", "<tr>").replace('<td colspan="3"><p>', '<td colspan="2"><p>')
    page = head + "</table><p>（续表）</p><table>" + part2 + "</table>" + rest
    _, data = back(page.encode("utf-8"))
    assert data["applications"] == report["applications"]
    flags = flags_of(data)
    first_cont = "applications.outcome.unavailable.not_held"
    assert all(flags[f"{first_cont}[{i}]"]["reason"] == "split-table" for i in range(7))
    assert "applications.outcome.partial[0]" not in flags  # the first part is not in doubt


def test_control_characters_in_names_never_break_the_toml():
    report = load("huaian-2024.toml")
    raw = _page(report)
    result = import_bytes(raw, "a\rb\x01c.html", agency="甲\n机关\x7f", year=2024, user="t", at=AT)
    data = tomllib.loads(imported_text(result))
    assert data["report"]["agency"] == "甲\n机关\x7f"
    assert data["review"]["import"][0]["source"] == "a\rb\x01c.html"


def test_table_three_columns_come_from_the_form(tmp_path, monkeypatch):
    """A format with an eighth applicant column, printed in the page under one
    of its aliases: the importer takes the width, the header path and the
    column's names from the form file (issue 9, one data file per format)."""
    from tests.conftest import REPO
    from tui.core.forms import FORMS_PATH_ENV

    text = (REPO / "tui" / "core" / "forms" / "gov2021.toml").read_text(encoding="utf-8")
    for old, new in (('id = "gov-info-disclosure/2021"', 'id = "gov-info-disclosure/2030"'),
                     ('name = "2021年版"', 'name = "2030年版"'), ("first_year = 2021", "first_year = 2030"),
                     ('  { label = "其他", short = "其他", group = "法人或其他组织" },',
                      '  { label = "其他", short = "其他", group = "法人或其他组织" },\n'
                      '  { label = "个体工商户", short = "个体", group = "法人或其他组织", aliases = ["个体户"] },')):
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "gov2030.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(FORMS_PATH_ENV, str(tmp_path))
    form = form_by_edition("2030")
    assert len(form.application_columns) == 8

    report = load("huaian-2024.toml")

    def widen(node):
        for key, value in node.items():
            if isinstance(value, dict):
                widen(value)
            else:
                value.insert(6, 3)
                value[7] += 3
    widen(report["applications"])
    page = _page(report, form).decode("utf-8")
    assert "<p>个体工商户</p>" in page
    result, data = back(page.replace("<p>个体工商户</p>", "<p>个体户</p>").encode("utf-8"), form=form)
    assert data["applications"] == report["applications"]
    flags = flags_of(data)
    assert flags["applications.new_received[6]"]["reason"] == "fuzzy-label"  # matched by its alias only
    assert not [c for c in flags if c.startswith("applications.") and not c.endswith("[6]")]
