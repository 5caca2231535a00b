"""Pilot tests of the compare screen: two reports side by side and year over year."""

import shutil

import pytest
from textual.coordinate import Coordinate

from tests.conftest import REPORTS, run_cli
from tui.app.app import NianbaoApp
from tui.app.screens.compare import CompareFindings, CompareScreen, CompareStatus
from tui.app.screens.report_list import ReportListScreen
from tui.app.widgets.compare_table import CompareTable
from tui.app.widgets.text_diff import PENDING, TextDiffView
from tui.core.compare import NEW, OLD

HONGZE = [str(REPORTS / "hongze-2023.toml"), str(REPORTS / "hongze-2024.toml")]


@pytest.fixture(autouse=True)
def _reports(in_reports_copy):
    """Work on copies: opening reports for editing takes locks beside them."""
    global REPORTS, HONGZE
    REPORTS = in_reports_copy
    HONGZE = [str(REPORTS / "hongze-2023.toml"), str(REPORTS / "hongze-2024.toml")]


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def status(app):
    return app.screen.query_one(CompareStatus).text.plain


def cell_lines(screen, section, side, address):
    """The printed lines (old above new) of the aligned cell showing a side's address."""
    table = screen.query_one(f"#table-{section}", CompareTable)
    row, col = table.where[side][address]
    return str(table.get_cell_at(Coordinate(row, col))).split("\n")


def title(app):
    return str(app.screen.query_one("#title").render())


@pytest.fixture
def broken_pair(tmp_path):
    """The hongze pair with 2024's 上年结转 (自然人) no longer 2023's 结转下年度: yoy.carried-over fires."""
    shutil.copy(REPORTS / "hongze-2023.toml", tmp_path / "hongze-2023.toml")
    text = (REPORTS / "hongze-2024.toml").read_text(encoding="utf-8")
    old = "carried_over = [0, 0, 0, 0, 0, 0, 0]"
    assert text.count(old) == 1
    (tmp_path / "hongze-2024.toml").write_text(text.replace(old, "carried_over = [4, 0, 0, 0, 0, 0, 4]"),
                                               encoding="utf-8")
    return [str(tmp_path / "hongze-2023.toml"), str(tmp_path / "hongze-2024.toml")]


@pytest.fixture
def editions_pair(tmp_path):
    """灵武市民政局 2020 (2019 format, the sample) and a 2021 report (2021 format) made with `nianbao new`."""
    old = tmp_path / "lingwu-minzheng-2020.toml"
    shutil.copy(REPORTS / "lingwu-minzheng-2020.toml", old)
    new = tmp_path / "lingwu-minzheng-2021.toml"
    done = run_cli("new", "--form", "2021", "--agency", "灵武市民政局", "--year", "2021", "-o", new)
    assert done.returncode == 0, done.stderr
    text = new.read_text(encoding="utf-8")
    for key, values in (("new_received", "[3, 0, 0, 0, 0, 0, 3]"),
                        ("outcome.other.overdue_fee", "[1, 0, 0, 0, 0, 0, 1]"),
                        ("outcome.other.other", "[2, 0, 0, 0, 0, 0, 2]"),
                        ("outcome.total", "[3, 0, 0, 0, 0, 0, 3]")):
        line = f"\n{key} = [0, 0, 0, 0, 0, 0, 0]"
        assert text.count(line) == 1, key
        text = text.replace(line, f"\n{key} = {values}")
    text = text.replace('overview = ""', 'overview = "2021 年，灵武市民政局认真贯彻落实《条例》，主动公开政府信息 120 条。"')
    new.write_text(text, encoding="utf-8")
    return [str(old), str(new)]


# -- opening ----------------------------------------------------------------

async def test_two_files_open_side_by_side_older_left():
    app = NianbaoApp(list(reversed(HONGZE)))  # newer first on the command line
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert [m.report.year for m in screen.models] == [2023, 2024]
        head = title(app)
        assert "逐年对照 2023 -> 2024 年度" in head and "格式相同" in head
        assert "hongze-2023.toml" in head and "hongze-2024.toml" in head
        await pilot.press("q")  # the compare screen is the outermost screen: q quits
    assert app.return_code in (0, None)


async def test_aligned_row_shows_both_values_and_the_change():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        old, new = cell_lines(screen, "applications", NEW, "applications.new_received[0]")
        assert old.strip() == "21"
        assert new.strip() == "*95 +74 +352%"  # changed: marked with * and the change, readable without colour
        same = cell_lines(screen, "applications", NEW, "applications.new_received[1]")
        assert [s.strip() for s in same] == ["0", "0"]  # unchanged: no mark
        fee = cell_lines(screen, "active", NEW, "active.fees.amount")
        assert fee[0].strip() == "7730.28" and fee[1].strip().startswith("*7545 -185.28")
        # the label is printed once per aligned row, the 年度 column names the sides
        table = screen.query_one("#table-applications", CompareTable)
        row, _ = table.where[NEW]["applications.new_received[0]"]
        label = str(table.get_cell_at(Coordinate(row, 0)))
        assert "本年新收" in label
        assert str(table.get_cell_at(Coordinate(row, 1))).split("\n")[0].strip(">") in ("2023", " 2023")


async def test_one_cursor_status_names_both_sides():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.goto(NEW, "applications.new_received[0]")
        await pilot.pause()
        assert screen.cell.old_address == screen.cell.new_address == "applications.new_received[0]"
        text = status(app)
        assert "applications.new_received[0]" in text
        assert "一、本年新收政府信息公开申请数量 › 自然人" in text
        assert "旧 2023：21" in text and "新 2024：95" in text
        assert "差 +74（+352.4%）" in text
        await pilot.press("l")
        assert screen.cell.new_address == "applications.new_received[1]"
        assert "相同" in status(app) and "商业企业" in status(app)
        await pilot.press("j")
        assert screen.cell.old_address == screen.cell.new_address == "applications.carried_over[1]"
        await pilot.press("down")
        assert screen.cell.new_address == "applications.outcome.granted[1]"
        # leaving a table at its edge moves to the next section
        screen.goto(NEW, "applications.carried_forward[0]")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert screen.cell.new_address == "appeals.reconsideration[0]"
        assert "旧 2023：10" in status(app) and "新 2024：1" in status(app)


async def test_d_walks_the_differences():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("g")
        seen = []
        for _ in range(len(screen.comparison.changed_cells)):
            await pilot.press("d")
            seen.append(screen.cell.new_address)
            assert screen.cell.changed
        assert seen == [c.new_address for _, c in screen.comparison.changed_cells]
        await pilot.press("D")
        assert screen.cell.new_address == seen[-2]


async def test_tab_switches_side_then_findings_panel():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.goto(NEW, "applications.new_received[0]")
        await pilot.pause()
        assert screen.side == NEW and ">新 2024：95" in status(app)
        await pilot.press("tab")
        assert isinstance(app.focused, CompareFindings)
        await pilot.press("tab")
        await pilot.pause()
        assert screen.side == OLD and ">旧 2023：21" in status(app)
        assert isinstance(app.focused, CompareTable)
        assert screen.cell.new_address == "applications.new_received[0]"  # same place
        await pilot.press("tab")
        assert screen.side == NEW


async def test_own_findings_marked_on_their_side_and_n_jumps():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        # hongze-2023's appeals totals are wrong: marked on the 2023 line only
        old, new = cell_lines(screen, "appeals", OLD, "appeals.reconsideration[4]")
        assert old.strip().startswith("✗") and "✗" not in new
        await pilot.press("g", "n")
        # first in table order: hongze-2024's 受理…申请 17 件 against 新收 95
        # (text.claim, a warning of the new side only)
        assert screen.cell.new_address == "applications.new_received[6]"
        assert "[新 2024] !" in status(app)
        await pilot.press("n")
        first = screen.cell.old_address
        assert first in ("appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]")
        assert "[旧 2023] ✗" in status(app)
        await pilot.press("n")
        assert screen.cell.old_address != first
        await pilot.press("N")
        assert screen.cell.old_address == first


# -- year over year -----------------------------------------------------------

async def test_yoy_finding_marked_on_both_sides(broken_pair):
    app = NianbaoApp(broken_pair)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.comparison.year_over_year
        rules = [f.rule for f in screen.yoy]
        assert "yoy.carried-over" in rules
        finding = next(f for f in screen.yoy if f.rule == "yoy.carried-over")
        # marks: the later report at its cells, the earlier one at previous.cells
        assert finding in screen.marks[NEW]["applications.carried_over[0]"].findings
        assert finding in screen.marks[OLD]["applications.carried_forward[0]"].findings
        old, new = cell_lines(screen, "applications", NEW, "applications.carried_over[0]")
        assert new.strip().startswith("✗") and "*4" in new
        assert not old.strip().startswith("✗")
        old, new = cell_lines(screen, "applications", OLD, "applications.carried_forward[0]")
        assert old.strip().startswith("✗")
        # the screen starts on the year-over-year problem, explained in the status line
        assert screen.cell.new_address == "applications.carried_over[0]"
        text = status(app)
        assert "[跨年] ✗" in text and finding.message in text
        assert "跨年核对 ✗ 2" in title(app)  # 自然人 and 总计
        screen.goto(OLD, "applications.carried_forward[0]")
        await pilot.pause()
        assert finding.message in status(app)
        panel = screen.query_one(CompareFindings)
        assert any(side == "yoy" and f is finding for side, f in panel.entries)


async def test_refresh_side_recomputes_after_an_edit():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.goto(NEW, "applications.new_received[0]")
        await pilot.pause()
        assert screen.cell.changed
        screen.models[1].report.data["applications"]["new_received"][0] = 21  # what an edit would do
        screen.refresh_side(1)
        await settle(pilot)
        assert screen.cell.new_address == "applications.new_received[0]"  # the cursor stays
        assert not screen.cell.changed
        old, new = cell_lines(screen, "applications", NEW, "applications.new_received[0]")
        assert old.strip() == "21" and new.strip().endswith("21") and "*" not in new
        assert "相同" in status(app)
        # the 2024 report now has a row-total error of its own, marked on its side
        assert "applications.new_received[6]" in screen.marks[NEW]


# -- different editions -----------------------------------------------------------

async def test_editions_differ_table_two_listed_per_edition_and_other_combined(editions_pair):
    app = NianbaoApp(editions_pair)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        c = screen.comparison
        assert not c.same_edition and c.year_over_year
        assert "格式不同（2019年版 | 2021年版）" in title(app)
        note = str(screen.query_one("#note-active").render())
        assert "两份报告格式不同" in note and "不逐格比较" in note
        assert "不逐格比较" in str(screen.query_one("#title-active").render())
        # 二: each edition's own rows, one line each
        active = screen.query_one("#table-active", CompareTable)
        assert "active.regulations.made" in active.where[OLD]
        assert "active.regulations.issued" in active.where[NEW]
        assert len(cell_lines(screen, "active", OLD, "active.regulations.made")) == 1
        # 三（六）: the 2019 row against the sum of the three 2021 rows
        table = screen.query_one("#table-applications", CompareTable)
        combined = [line for line in table.lines if not line.heading and line.row.combined]
        assert len(combined) == 1 and "三（六）其他处理" in combined[0].label
        row, col = table.where[OLD]["applications.outcome.other[0]"]
        lines = str(table.get_cell_at(Coordinate(row, col))).split("\n")
        assert lines[0].strip() == "0" and lines[1].strip() == "*3 +3"
        assert "applications.outcome.other.overdue_fee[0]" in table.where[NEW]  # the parts stay visible
        screen.goto(OLD, "applications.outcome.other[0]")
        await pilot.pause()
        text = status(app)
        assert "applications.outcome.other.overdue_correction[0] +" in text
        assert "此行以2021年版三项之和对照" in text
        assert "注：2019年版“三（六）其他处理”为一行" in str(screen.query_one("#note-applications").render())


# -- narratives -------------------------------------------------------------------

async def test_narrative_diff_off_thread_with_similarity_and_brackets():
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        view = screen.query_one("#text-overview", TextDiffView)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert screen.view == "texts" and "并排比较[正文]" in title(app)
        assert view.ops is not None and not view.pending
        text = view.rendered.plain
        assert "相似度 47%" in text
        assert "[-2023-]{+2024+}" in text  # deletions and insertions bracketed
        assert PENDING not in text
        assert "text.overview" in status(app) and "相似度 47%" in status(app)
        await pilot.press("d")
        assert screen.text_key == "problems"
        await pilot.press("t")
        assert screen.view == "tables"


async def test_narrative_pending_until_the_worker_delivers(monkeypatch):
    import threading

    from tui.core import textdiff

    gate = threading.Event()
    real = textdiff.diff_text

    def slow(old, new):
        gate.wait(10)
        return real(old, new)

    monkeypatch.setattr(textdiff, "diff_text", slow)
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("t")
        await pilot.pause()
        view = screen.query_one("#text-overview", TextDiffView)
        assert view.pending
        assert PENDING in _plain(view)
        await pilot.press("j")  # the UI answers while the diff runs
        gate.set()
        await settle(pilot)
        assert not view.pending and PENDING not in _plain(view)


def _plain(view):
    return view.rendered.plain


async def test_copied_narrative_flagged(tmp_path):
    shutil.copy(REPORTS / "hongze-2023.toml", tmp_path / "a-2023.toml")
    old_text = (REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")
    new = (REPORTS / "hongze-2024.toml").read_text(encoding="utf-8")
    start = old_text.index('overview = "')
    old_overview = old_text[start:old_text.index("\n", start)]
    nstart = new.index('overview = "')
    new = new[:nstart] + old_overview.replace("2023", "2024") + new[new.index("\n", nstart):]
    (tmp_path / "a-2024.toml").write_text(new, encoding="utf-8")
    app = NianbaoApp([str(tmp_path / "a-2023.toml"), str(tmp_path / "a-2024.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert any(f.rule == "yoy.text-copied" for f in screen.yoy)
        await pilot.press("t")
        await settle(pilot)
        text = _plain(screen.query_one("#text-overview", TextDiffView))
        assert "相似度 100%" in text and "! 内容雷同" in text
        # n reaches the finding in the narrative view
        screen.goto(NEW, "text.overview")
        await pilot.pause()
        assert "[跨年] !" in status(app) and "内容雷同" in status(app)


# -- the report list --------------------------------------------------------------

async def test_list_marks_two_reports_and_c_compares():
    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportListScreen)
        table = screen.query_one("#reports")
        for name in ("hongze-2024.toml", "huaian-2024.toml"):
            row = [e.file.rsplit("/", 1)[-1] for e in screen.shown].index(name)
            table.move_cursor(row=row)
            await pilot.press("space")
        assert len(screen.marked) == 2
        states = [str(table.get_row(e.file)[0]) for e in screen.shown]
        assert sum(1 for s in states if s.startswith("比")) == 2
        assert "已标记 2 份" in str(screen.query_one("#list-title").render())
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        c = app.screen.comparison
        assert {c.old.file.rsplit("/", 1)[-1], c.new.file.rsplit("/", 1)[-1]} == {"hongze-2024.toml",
                                                                                  "huaian-2024.toml"}
        assert not c.year_over_year and "发布机关不同" in title(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen
        # unmark one: space on a marked report takes its mark away
        row = [e.file for e in screen.shown].index(screen.marked[0])
        table.move_cursor(row=row)
        await pilot.press("space")
        assert len(screen.marked) == 1


async def test_list_c_without_marks_compares_with_previous_year():
    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#reports")
        table.move_cursor(row=[e.file.rsplit("/", 1)[-1] for e in screen.shown].index("hongze-2024.toml"))
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert [m.report.year for m in app.screen.models] == [2023, 2024]
        await pilot.press("q")
        await pilot.pause()
        table.move_cursor(row=[e.file.rsplit("/", 1)[-1] for e in screen.shown].index("huaian-2024.toml"))
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen  # no 2023 report of 淮安: a notice, no screen


async def test_compare_actions_in_help_and_palette_scope():
    from tui.app.actions import actions_for, bindings

    ids = {a.id for a in actions_for("compare")}
    assert {"next_difference", "previous_difference", "next_finding", "previous_finding", "switch_side",
            "toggle_view", "first_cell", "last_cell"} <= ids
    keys = {b.action: b.key for b in bindings("compare")}
    assert keys["next_difference"] == "d" and keys["toggle_view"] == "t" and keys["switch_side"] == "tab"
    assert {"toggle_mark", "compare"} <= {a.id for a in actions_for("list")}


async def test_keymap_applies_to_every_scope_with_the_id(tmp_path):
    from tui.app.actions import check_keys

    keymap = check_keys({"next_finding": "x"}).keymap()
    assert keymap["report.next_finding"] == "x" and keymap["compare.next_finding"] == "x"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_layout_fits_and_keeps_the_essentials(size):
    app = NianbaoApp(HONGZE)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        for table in screen.tables:
            width = sum(c.get_render_width(table) for c in table.columns.values())
            assert width <= size[0] - 4, (table.id, width)
        # the changed mark survives the narrow layout; the status line has the full figures
        new = cell_lines(screen, "applications", NEW, "applications.new_received[0]")[1]
        assert new.strip().startswith("*95")
        screen.goto(NEW, "applications.new_received[0]")
        await pilot.pause()
        assert "差 +74（+352.4%）" in status(app)
        assert screen.query_one(CompareFindings).region.height >= 3
        assert screen.query_one(CompareStatus).region.height >= 3


async def test_two_files_one_unreadable_falls_back_to_the_list(tmp_path):
    (tmp_path / "broken.toml").write_text("[report\n", encoding="utf-8")
    app = NianbaoApp([HONGZE[0], str(tmp_path / "broken.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert any(e.invalid for e in app.screen.shown)


async def test_edit_on_either_side_updates_the_comparison(tmp_path):
    """Issue 5: editing works on either side and the comparison follows."""
    old, new = tmp_path / "hongze-2023.toml", tmp_path / "hongze-2024.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", old)
    shutil.copy(REPORTS / "hongze-2024.toml", new)
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        screen.goto(NEW, "applications.carried_over[0]")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *"4", "enter")
        await settle(pilot)
        assert screen.models[1].doc.get("applications.carried_over[0]") == 4
        assert any(f.rule == "yoy.carried-over" for f in screen.models[1].findings)  # 2023 carried forward 0
        screen._set_side(OLD)  # as Tab does
        screen.goto(OLD, "applications.carried_forward[0]")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *"4", "enter")
        await settle(pilot)
        assert screen.models[0].doc.get("applications.carried_forward[0]") == 4
        assert not any(f.rule == "yoy.carried-over" for f in screen.models[1].findings)  # continuity restored
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.models[0].dirty and not screen.models[1].dirty
    assert b"carried_forward = [4, 0, 0, 0, 0, 0, 0]" in old.read_bytes()
    assert b"carried_over = [4, 0, 0, 0, 0, 0, 4]" not in new.read_bytes()  # only [0] changed
    assert b"carried_over = [4, 0, 0, 0, 0, 0, 0]" in new.read_bytes()
