"""Side by side and year over year: tui.core.textdiff, tui.core.compare and `nianbao diff`."""

import copy
import random
import re
import subprocess
import sys

import pytest

from conftest import CONFORMANCE, REPO, REPORTS, run_cli
from tui.core import textdiff
from tui.store.build import blank_report
from tui.core.compare import APPLICATIONS, BOTH, NEW, OLD, compare_reports
from tui.core.forms import form_by_edition
from tui.core.load import from_data, load_bytes, load_path
from tui.core.report import Report
from tui.core.textdiff import DELETE, EQUAL, INSERT, TextComparison, diff_text, render_markup

OTHER_2021 = ("outcome.other.overdue_correction", "outcome.other.overdue_fee", "outcome.other.other")


# -- fixtures ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def hongze():
    return load_path(REPORTS / "hongze-2023.toml", "hongze-2023.toml"), \
        load_path(REPORTS / "hongze-2024.toml", "hongze-2024.toml")


def lingwu_2020(other=(2, 1, 0, 0, 0, 0, 3)):
    """The 2019-format sample with a non-zero 三（六）其他处理 row (balanced)."""
    report = load_path(REPORTS / "lingwu-minzheng-2020.toml", "lingwu-2020.toml")
    data = copy.deepcopy(report.data)
    apps = data["applications"]
    apps["new_received"] = list(other)
    apps["outcome"]["other"] = list(other)
    apps["outcome"]["total"] = list(other)
    return from_data(data, "lingwu-2020.toml")


def lingwu_2021_text(rows):
    """A 2021-format report of the same agency for 2021: `nianbao new`'s blank, rows filled in."""
    text = blank_report(form_by_edition(2021), "灵武市民政局", 2021)
    for key, values in rows.items():
        text, n = re.subn(rf"^{re.escape(key)} = \[[^\]]*\]", f"{key} = [{', '.join(map(str, values))}]",
                          text, flags=re.M)
        assert n == 1, key
    return text


ROWS_2021 = {
    "carried_over": [0, 0, 0, 0, 0, 0, 0],
    "new_received": [7, 1, 0, 0, 0, 0, 8],
    "outcome.granted": [2, 0, 0, 0, 0, 0, 2],
    "outcome.other.overdue_correction": [1, 0, 0, 0, 0, 0, 1],
    "outcome.other.overdue_fee": [0, 1, 0, 0, 0, 0, 1],
    "outcome.other.other": [4, 0, 0, 0, 0, 0, 4],
    "outcome.total": [7, 1, 0, 0, 0, 0, 8],
}


@pytest.fixture(scope="module")
def lingwu_pair():
    new = load_bytes(lingwu_2021_text(ROWS_2021).encode("utf-8"), "lingwu-2021.toml")
    assert isinstance(new, Report), new
    return lingwu_2020(), new


def cell_at(comparison, address):
    for row in comparison.rows:
        for cell in row.cells:
            if address in (cell.old_address, cell.new_address):
                return row, cell
    raise KeyError(address)


# -- compare_reports: same edition, consecutive years ---------------------------------

def test_hongze_is_year_over_year_same_edition(hongze):
    c = compare_reports(*hongze)
    assert c.year_over_year and c.same_edition
    assert [s.key for s in c.sections] == ["active", "applications", "appeals"]
    assert c.rows == [r for s in c.sections for r in s.rows]
    assert any("2023 年度与 2024 年度" in n for n in c.notes)


def test_hongze_rows_align_by_key(hongze):
    old, new = hongze
    c = compare_reports(old, new)
    apps = c.section(APPLICATIONS)
    assert [r.key for r in apps.rows] == [r.key for r in new.form.application_rows]
    assert apps.columns == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    for row in apps.rows:
        assert row.side == BOTH and row.comparable and not row.combined
        assert len(row.cells) == 7
        for i, cell in enumerate(row.cells):
            assert cell.old_address == cell.new_address == f"applications.{row.key}[{i}]"
    assert [len(r.cells) for r in c.section("appeals").rows] == [5, 5, 5]
    assert [r.key for r in c.section("active").rows] == \
        ["regulations", "normative_documents", "licensing", "penalties", "enforcement", "fees"]


def test_hongze_differing_cells_and_deltas(hongze):
    c = compare_reports(*hongze)
    changed = {cell.address: cell for _, cell in c.changed_cells}
    assert len(changed) == 30
    assert {a for a in changed if a.startswith("appeals.")} == {
        "appeals.reconsideration[0]", "appeals.reconsideration[4]", "appeals.litigation[0]",
        "appeals.litigation[4]", "appeals.litigation_after_reconsideration[0]",
        "appeals.litigation_after_reconsideration[2]", "appeals.litigation_after_reconsideration[4]"}

    cell = changed["applications.new_received[0]"]
    assert (cell.old, cell.new, cell.delta) == (21, 95, 74)
    assert cell.percent == pytest.approx(352.381, abs=1e-3)
    assert cell.label_path == ("三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", "自然人")

    granted = changed["applications.outcome.granted[0]"]
    assert (granted.delta, granted.percent) == (50, None)  # no percentage of 0

    fees = changed["active.fees.amount"]
    assert (fees.old, fees.new, fees.delta) == (7730.28, 7545, -185.28)  # exact, not -185.27999...
    assert fees.label.endswith("行政事业性收费 › 本年收费金额（单位：万元）")

    unchanged = cell_at(c, "applications.carried_over[0]")[1]
    assert not unchanged.changed and unchanged.delta == 0 and unchanged.percent is None


def test_hongze_texts(hongze):
    c = compare_reports(*hongze)
    assert [t.key for t in c.texts] == ["overview", "problems", "other"]
    other = c.text("other")
    assert other.similarity == 1.0 and not other.copied  # only the year changed, but under 100 characters
    assert other.ops[:2] == [(DELETE, "2023"), (INSERT, "2024")]
    overview = c.text("overview")
    assert 0 < overview.similarity < 0.8 and not overview.copied
    assert textdiff.old_text(overview.ops) == overview.old and textdiff.new_text(overview.ops) == overview.new
    assert c.yoy_findings() == []


def test_copied_flag_matches_yoy_text_copied():
    case = CONFORMANCE / "08-text-copied"
    old = load_path(case / "hongze-2023.toml", "hongze-2023.toml")
    new = load_path(case / "hongze-2024.toml", "hongze-2024.toml")
    c = compare_reports(old, new)
    assert [t.key for t in c.texts if t.copied] == ["problems"]
    assert [f.first for f in c.yoy_findings() if f.rule == "yoy.text-copied"] == ["text.problems"]


def test_not_year_over_year():
    hz = load_path(REPORTS / "hongze-2024.toml")
    ha = load_path(REPORTS / "huaian-2024.toml")
    c = compare_reports(hz, ha)
    assert not c.year_over_year and c.same_edition
    assert any("发布机关不同" in n for n in c.notes)
    assert c.yoy_findings() == []
    backwards = compare_reports(*reversed([load_path(REPORTS / "hongze-2023.toml"), hz]))
    assert not backwards.year_over_year


# -- compare_reports: 2019 edition against 2021 edition ---------------------------------

def test_editions_differ_note_and_yoy(lingwu_pair):
    c = compare_reports(*lingwu_pair)
    assert c.year_over_year and not c.same_edition
    assert any("表二" in n and "不可跨版比较" in n for n in c.notes)
    assert any("三（六）其他处理" in n and "三项" in n for n in c.notes)


def test_active_rows_per_side_not_compared(lingwu_pair):
    c = compare_reports(*lingwu_pair)
    active = c.section("active")
    assert not active.comparable and active.note
    sides = [r.side for r in active.rows if not r.key.startswith("summary")]
    assert sides == [OLD] * 8 + [NEW] * 6
    for row in active.rows:
        assert not row.comparable and not row.changed
    lic_old = next(r for r in active.rows if r.side == OLD and r.key == "licensing")
    assert [(x.old_address, x.new_address, x.old) for x in lic_old.cells][0] == ("active.licensing.previous", None, 2)
    lic_new = next(r for r in active.rows if r.side == NEW and r.key == "licensing")
    assert [(x.old_address, x.new_address) for x in lic_new.cells] == [(None, "active.licensing.decisions")]


def test_outcome_other_aligns_with_sum_of_three_2021_rows(lingwu_pair):
    old, new = lingwu_pair
    c = compare_reports(old, new)
    rows = c.section(APPLICATIONS).rows
    keys = [r.key for r in rows]
    i = keys.index("outcome.other")
    combined = rows[i]
    assert combined.combined and combined.comparable and combined.side == BOTH
    assert combined.label == "三（六）其他处理（2021年版三项合计）"
    # The 2021 sub-rows stay visible on their side, right after the combined row.
    assert keys[i + 1:i + 4] == list(OTHER_2021)
    assert keys[i + 4] == "outcome.total"
    for sub in rows[i + 1:i + 4]:
        assert sub.side == NEW and not sub.comparable and not sub.changed
        assert all(x.old_address is None and x.new_address for x in sub.cells)
    # The sum, column by column: 2019 [2, 1, 0, ..., 3] against 2021 [5, 1, 0, ..., 6].
    expected_old = [2, 1, 0, 0, 0, 0, 3]
    expected_new = [a + b + d for a, b, d in zip(*(ROWS_2021[k] for k in OTHER_2021))]
    assert [x.old for x in combined.cells] == expected_old
    assert [x.new for x in combined.cells] == expected_new == [5, 1, 0, 0, 0, 0, 6]
    first = combined.cells[0]
    assert first.old_address == "applications.outcome.other[0]" and first.new_address is None
    assert first.new_parts == tuple(f"applications.{k}[0]" for k in OTHER_2021)
    assert (first.changed, first.delta, first.percent) == (True, 3, 150.0)
    assert not combined.cells[1].changed
    assert "（2021年版三项合计）" in first.label
    # Rows present in both editions still align one to one.
    assert all(r.side == BOTH for r in rows if r.key not in OTHER_2021)


def test_outcome_other_sum_the_other_way_round(lingwu_pair):
    old, new = lingwu_pair
    c = compare_reports(new, old)  # 2021 as the old side
    rows = c.section(APPLICATIONS).rows
    keys = [r.key for r in rows]
    i = keys.index("outcome.other")
    assert keys[i - 3:i] == list(OTHER_2021)
    assert all(r.side == OLD for r in rows[i - 3:i])
    combined = rows[i]
    assert combined.combined and [x.old for x in combined.cells] == [5, 1, 0, 0, 0, 0, 6]
    assert [x.new for x in combined.cells] == [2, 1, 0, 0, 0, 0, 3]
    assert combined.cells[0].old_parts and combined.cells[0].old_address is None


def test_placeholders_compare_as_published():
    old = lingwu_2020()
    data = copy.deepcopy(old.data)
    data["report"]["year"] = 2020
    data["appeals"]["reconsideration"] = ["", 0, 0, 0, 0]
    new = from_data(data, "x.toml")
    _, cell = cell_at(compare_reports(old, new), "appeals.reconsideration[0]")
    assert cell.changed and cell.delta is None and cell.percent is None
    assert not compare_reports(new, new).changed_cells


# -- textdiff -----------------------------------------------------------------------

def _no_split_numbers(ops):
    """Every op starts and ends on a token boundary of its own side's text (so never inside 1,200)."""
    for side, skip in ((textdiff.old_text(ops), INSERT), (textdiff.new_text(ops), DELETE)):
        bounds, pos = {0}, 0
        for tok in textdiff.tokenize(side):
            pos += len(tok)
            bounds.add(pos)
        pos = 0
        for op, text in ops:
            if op == skip:
                continue
            pos += len(text)
            assert pos in bounds, (side[max(0, pos - 10):pos], side[pos:pos + 10])


def test_numbers_are_never_split():
    assert diff_text("全年收费 1,200 元。", "全年收费 1,350 元。") == \
        [(EQUAL, "全年收费 "), (DELETE, "1,200"), (INSERT, "1,350"), (EQUAL, " 元。")]
    assert diff_text("增长3.5个百分点", "增长3.7个百分点") == \
        [(EQUAL, "增长"), (DELETE, "3.5"), (INSERT, "3.7"), (EQUAL, "个百分点")]
    assert diff_text("2023年共受理21件。", "2024年共受理28件。") == \
        [(DELETE, "2023"), (INSERT, "2024"), (EQUAL, "年共受理"), (DELETE, "21"), (INSERT, "28"), (EQUAL, "件。")]
    assert render_markup(diff_text("收费 1,200 元", "收费 1,350 元")) == "收费 [-1,200-]{+1,350+} 元"


def test_tokens_and_sentences():
    assert textdiff.tokenize("共 1,200 件，PDF 版3.5MB。") == \
        ["共", " ", "1,200", " ", "件", "，", "PDF", " ", "版", "3.5", "MB", "。"]
    assert textdiff.sentences("甲。”乙？！丙\n\n丁；") == ["甲。”", "乙？！", "丙", "\n\n", "丁；"]


def test_diff_is_lossless_and_readable(hongze):
    old, new = hongze
    for key in ("overview", "problems", "other"):
        a, b = old.data["text"][key], new.data["text"][key]
        ops = diff_text(a, b)
        assert textdiff.old_text(ops) == a and textdiff.new_text(ops) == b
        assert all(op in (DELETE, EQUAL, INSERT) and text for op, text in ops)
        assert all(ops[k][0] != ops[k + 1][0] for k in range(len(ops) - 1))
        _no_split_numbers(ops)
    ops = diff_text(old.data["text"]["overview"], new.data["text"]["overview"])
    assert (DELETE, "21") in ops and (INSERT, "17") in ops
    assert (EQUAL, "（一）主动公开情况。主要通过政府门户网站主动公开政府文件、项目审批、通知公告等各类政府信息。") in ops


def test_pairing_reaches_far_from_the_diagonal():
    """One changed sentence among a hundred new ones is still found and refined."""
    filler = [f"第{k}项工作稳步推进，成效明显，群众满意度提高{k}个百分点。" for k in range(100)]
    old = "本年度依申请公开办理共计二十一件，均在法定期限内答复。"
    new = "".join(filler[:60]) + "本年度依申请公开办理共计十七件，均在法定期限内答复。" + "".join(filler[60:])
    ops = diff_text("甲。" + old + "乙。", "甲。" + new + "乙。")
    assert (DELETE, "二十一") in ops and (INSERT, "十七") in ops
    assert textdiff.new_text(ops) == "甲。" + new + "乙。"


def test_edge_cases():
    assert diff_text("", "") == []
    assert diff_text("同", "同") == [(EQUAL, "同")]
    assert diff_text("", "新") == [(INSERT, "新")]
    assert diff_text("旧", None) == [(DELETE, "旧")]
    t = TextComparison("problems", "五", None, "仅新")
    assert t.similarity == 0.0 and not t.copied and t.ops == [(INSERT, "仅新")]


def test_markup_context_elides_long_unchanged_stretches():
    a = "甲" * 100 + "1。" + "乙" * 100
    b = "甲" * 100 + "2。" + "乙" * 100
    short = render_markup(diff_text(a, b), context=10)
    assert short == "〔略 90 字〕" + "甲" * 10 + "[-1-]{+2+}" + "。" + "乙" * 9 + "〔略 91 字〕"
    assert render_markup(diff_text(a, b)) == "甲" * 100 + "[-1-]{+2+}。" + "乙" * 100


def sample_sentences():
    pool = set()
    for path in sorted(REPORTS.glob("*.toml")):
        report = load_path(path)
        for value in report.data.get("text", {}).values():
            pool.update(s for s in textdiff.sentences(value) if len(s.strip()) > 3)
    return sorted(pool)


def narrative(sentences, seed, size=5000):
    rng = random.Random(seed)
    out, total = [], 0
    while total < size:
        order = list(sentences)
        rng.shuffle(order)
        for s in order:
            out.append(s)
            total += len(s)
    return "".join(out)[:size]


@pytest.fixture(scope="module")
def unrelated():
    pool = sample_sentences()
    random.Random(0).shuffle(pool)
    half = len(pool) // 2
    return narrative(pool[:half], 1), narrative(pool[half:], 2)


def test_unrelated_5000_character_texts_complete_deterministically(unrelated):
    a, b = unrelated
    assert len(a) == len(b) == 5000
    first = diff_text(a, b)
    assert diff_text(a, b) == first
    assert textdiff.old_text(first) == a and textdiff.new_text(first) == b
    _no_split_numbers(first)
    # A scrambled copy (pairs similar enough to refine, far apart token by token): the work budget holds.
    scrambled = "".join(s[len(s) // 2:] + s[:len(s) // 2] for s in textdiff.sentences(a))
    ops = diff_text(a, scrambled)
    assert ops == diff_text(a, scrambled)
    assert textdiff.new_text(ops) == scrambled


@pytest.mark.parametrize("timeout", [1.0, 0.000001])
def test_result_does_not_depend_on_diff_timeout(unrelated, hongze, monkeypatch, timeout):
    """Whatever Diff_Timeout a diff_match_patch starts with, diff_text forces 0 (no clock)."""
    import diff_match_patch

    a, b = unrelated
    old, new = hongze
    pairs = [(a, b), (old.data["text"]["overview"], new.data["text"]["overview"])]
    expected = [diff_text(x, y) for x, y in pairs]
    original = diff_match_patch.diff_match_patch.__init__

    def init(self):
        original(self)
        self.Diff_Timeout = timeout

    monkeypatch.setattr(diff_match_patch.diff_match_patch, "__init__", init)
    assert [diff_text(x, y) for x, y in pairs] == expected


def test_core_imports_no_diff_match_patch():
    code = ("import sys, tui.core.compare, tui.core.textdiff, tui.core.checker; "
            "assert 'diff_match_patch' not in sys.modules, 'diff_match_patch loaded'; "
            "assert 'textual' not in sys.modules and 'tomlkit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# -- nianbao diff ----------------------------------------------------------------------

AMBIGUOUS = "Δ±…→·—①"


def test_cli_diff_hongze():
    r = run_cli("diff", "reports/hongze-2023.toml", "reports/hongze-2024.toml")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "\x1b[" not in out  # piped: no colour
    assert "逐年对照：是" in out
    assert "一、本年新收政府信息公开申请数量 › 自然人" in out
    assert "applications.new_received[0]    21 -> 95    差 +74 (+352.4%)" in out
    assert "active.fees.amount    7730.28 -> 7545    差 -185.28 (-2.4%)" in out
    assert "applications.outcome.granted[0]    0 -> 50    差 +50\n" in out
    assert "applications.carried_over[0]" not in out  # unchanged cells are not listed
    assert re.search(r"一、总体情况  text\.overview  相似度 \d+%", out)
    assert "六、其他需要报告的事项  text.other  相似度 100%" in out
    assert "受理政府信息公开申请 [-21-]{+17+} 件" in out
    assert "跨年核对（2023 年度与 2024 年度）：未发现问题" in out
    assert "共 30 格不同" in out
    assert not any(ch in out for ch in AMBIGUOUS)


def test_cli_diff_lists_yoy_findings_and_copied_text():
    case = CONFORMANCE / "09-carry-over-broken"
    r = run_cli("diff", case / "hongze-2023.toml", case / "hongze-2024.toml")
    assert r.returncode == 0
    assert "yoy.carried-over  applications.carried_over[0]" in r.stdout
    assert "二、上年结转（自然人）" in r.stdout  # the finding's Chinese message
    case = CONFORMANCE / "08-text-copied"
    r = run_cli("diff", case / "hongze-2023.toml", case / "hongze-2024.toml")
    assert r.returncode == 0
    assert re.search(r"五、存在的主要问题及改进情况  text\.problems  相似度 \d+%  ! 内容雷同", r.stdout)
    assert "yoy.text-copied  text.problems" in r.stdout


def test_cli_diff_across_editions(tmp_path):
    new = tmp_path / "lingwu-2021.toml"
    new.write_text(lingwu_2021_text(ROWS_2021), encoding="utf-8")
    r = run_cli("diff", "reports/lingwu-minzheng-2020.toml", new)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "格式：不同" in out and "不可跨版比较" in out
    assert "二、主动公开政府信息情况（格式不同，不逐格比较" in out
    assert "仅旧报告（2019年版）有" in out and "仅新报告（2021年版）有" in out
    assert "（六）其他处理（2021年版三项合计） › 自然人" in out
    assert ("新 applications.outcome.other.overdue_correction[0] + applications.outcome.other.overdue_fee[0]"
            " + applications.outcome.other.other[0] = 5") in out
    assert "applications.outcome.other.other  三（六）3.其他：自然人 4" in out
    assert not any(ch in out for ch in AMBIGUOUS)


def test_cli_diff_colour_only_on_a_terminal(hongze):
    from tui.commands.diff import render

    c = compare_reports(*hongze)
    coloured = render(c, color=True)
    assert "\x1b[31m[-21-]\x1b[0m" in coloured and "\x1b[32m{+17+}\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render(c, color=False)


def test_cli_diff_unreadable_file_exits_2():
    broken = CONFORMANCE / "10-unreadable" / "broken.toml"
    r = run_cli("diff", "reports/hongze-2023.toml", broken)
    assert r.returncode == 2
    assert r.stdout == ""
    assert re.search(r"broken\.toml:\d+:\d+: ", r.stderr)
    r = run_cli("diff", "reports/no-such-file.toml", "reports/hongze-2024.toml")
    assert r.returncode == 2 and "no-such-file.toml" in r.stderr and "文件不存在" in r.stderr
