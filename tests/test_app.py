"""Pilot tests of the workbench: list, report screen, keys, help, palette, keymap."""

import pytest

from tui.app.app import NianbaoApp
from tui.app.screens.help import HelpScreen
from tui.app.screens.report import ReportScreen
from tui.app.screens.report_list import ReportListScreen
from tui.app.widgets.findings import FindingsPanel
from tui.app.widgets.grid import GridTable
from tui.app.widgets.narrative import NarrativeBlock
from tui.app.widgets.status import StatusLine


@pytest.fixture(autouse=True)
def _reports(in_reports_copy):
    """Every test works on a copy: opening a report for editing takes a lock beside it."""
    global REPORTS
    REPORTS = in_reports_copy


async def wait_list(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def list_files(screen):
    return [e.file.rsplit("/", 1)[-1] for e in screen.shown]


def status_text(app):
    return str(app.screen.query_one(StatusLine).render())


async def test_folder_opens_list_with_every_report():
    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_list(pilot)
        screen = app.screen
        assert isinstance(screen, ReportListScreen)
        assert sorted(list_files(screen)) == ["hongze-2023.toml", "hongze-2024.toml", "huaian-2024.toml",
                                              "lingwu-minzheng-2020.toml"]
        bad = [e for e in screen.shown if e.checked.errors]
        assert [e.file.rsplit("/", 1)[-1] for e in bad] == ["hongze-2023.toml"]


async def test_list_sorts_and_filters_by_typing():
    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_list(pilot)
        screen = app.screen
        before = list_files(screen)
        await pilot.press("s")  # 年度
        assert screen.sort_index == 1
        years = [e.report.year for e in screen.shown]
        assert years == sorted(years)
        await pilot.press("s")  # 错误数, most first
        assert list_files(screen)[0] == "hongze-2023.toml"
        assert list_files(screen) != before or before[0] == "hongze-2023.toml"
        await pilot.press("slash")
        await pilot.press(*"洪泽")
        await pilot.pause()
        assert sorted(list_files(screen)) == ["hongze-2023.toml", "hongze-2024.toml"]
        await pilot.press("escape")
        assert isinstance(app.focused, type(screen.query_one("#reports")))
        # filter by state words too
        screen.query_one("#filter").value = "有错误"
        await pilot.pause()
        assert list_files(screen) == ["hongze-2023.toml"]


async def test_enter_opens_report_and_q_returns_to_list():
    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_list(pilot)
        app.screen.query_one("#filter").value = "2023"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.model.report.year == 2023
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ReportListScreen)


async def test_invalid_file_listed_with_its_error(tmp_path):
    (tmp_path / "broken.toml").write_text("[report\nform = 1\n", encoding="utf-8")
    (tmp_path / "ok.toml").write_bytes((REPORTS / "huaian-2024.toml").read_bytes())
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        screen = app.screen
        broken = [e for e in screen.shown if e.invalid]
        assert len(broken) == 1 and "broken.toml:1:" in broken[0].invalid.error
        screen.query_one("#filter").value = "无法读取"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportListScreen)  # not opened, no crash


async def test_report_starts_on_first_finding_and_n_N_jump():
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        first = screen.address
        assert first in ("appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]")
        assert first in status_text(app)
        await pilot.press("n")
        second = screen.address
        assert second != first
        assert {first, second} == {"appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]"}
        assert second in status_text(app)
        await pilot.press("N")
        assert screen.address == first
        await pilot.press("n", "n")  # wraps around
        assert screen.address == first


async def test_status_line_follows_cursor_with_label_path_and_value():
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        # Let pairing (a worker) finish first: it may move the cursor to the
        # first finding, which under load raced the goto below.
        await wait_list(pilot)
        screen = app.screen
        screen.goto("applications.outcome.denied.state_secret[0]")
        await pilot.pause()
        text = status_text(app)
        assert "applications.outcome.denied.state_secret[0]" in text
        assert "（三）不予公开 › 1.属于国家秘密 › 自然人" in text
        assert "值：1" in text
        await pilot.press("l")
        await pilot.pause()
        assert screen.address == "applications.outcome.denied.state_secret[1]"
        assert "商业企业" in status_text(app)
        await pilot.press("j")
        assert screen.address == "applications.outcome.denied.prohibited_by_law[1]"


async def test_cursor_moves_through_every_section_in_printed_order():
    app = NianbaoApp([str(REPORTS / "lingwu-minzheng-2020.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("g")
        visited = []
        for _ in range(120):
            f = app.focused
            key = f.block.key if isinstance(f, (GridTable, NarrativeBlock)) else None
            if key and (not visited or visited[-1] != key):
                visited.append(key)
            if key == "other":
                break
            await pilot.press("j")
        assert visited == ["report", "overview", "active", "applications", "appeals", "problems", "other"]
        await pilot.press("G")
        assert screen.address == "text.other"
        await pilot.press("g")
        assert screen.address == "report.form"


async def test_tab_switches_to_findings_and_enter_jumps_to_cell():
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("g")
        await pilot.press("tab")
        panel = screen.query_one(FindingsPanel)
        assert app.focused is panel
        panel.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert screen.address == panel.findings[1].first
        assert isinstance(app.focused, GridTable)


async def test_marks_on_cells_have_glyphs():
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#block-appeals", GridTable)
        row = table.get_row_at(0)
        assert [str(c) for c in row[1:]] == ["✗ 10", "✗ 1", "✗ 0", "✗ 0", "✗ 0"]
        clean = table.get_row_at(1)
        assert all("✗" not in str(c) for c in clean)


async def test_search_finds_labels_and_text():
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("slash")
        await pilot.press(*"国家秘密", "enter")
        await pilot.pause()
        assert screen.address == "applications.outcome.denied.state_secret[0]"
        await pilot.press("slash")
        await pilot.press(*"跟班学习", "enter")
        await pilot.pause()
        assert screen.address == "text.problems"


async def test_help_screen_lists_actions_with_keys():
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=120, color_system=None)
        with console.capture() as cap:
            console.print(app.screen._content())
        text = cap.get()
        lines = [line for line in text.splitlines() if "下一问题：" in line]
        assert lines and lines[0].split()[0] == "n"
        await pilot.press("escape")
        assert isinstance(app.screen, ReportScreen)


async def test_palette_runs_registry_command():
    from textual.command import CommandPalette

    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        first = screen.address
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"下一问题")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is screen
        assert screen.address != first


async def test_keys_remapped_through_config(tmp_path, monkeypatch):
    from tui.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\nnext_finding = "x"\n', encoding="utf-8")
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        first = screen.address
        await pilot.press("n")
        assert screen.address == first  # n no longer bound
        await pilot.press("x")
        assert screen.address != first


async def test_file_pairs_with_previous_year_in_its_folder():
    app = NianbaoApp([str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.model.previous is not None
        assert app.screen.model.previous.year == 2023


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_layout_adapts_and_nothing_essential_is_cut(size):
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#block-applications", GridTable)
        # all seven columns are present and within the screen width
        assert len(table.columns) == 8
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= size[0]
        assert screen.query_one(FindingsPanel).region.height >= 3


async def test_large_folder_is_checked_in_worker_processes(tmp_path):
    """Enough files for the process pool: the list fills, and errors are found."""
    from tui.core.batch import PARALLEL_FROM

    text = (REPORTS / "huaian-2024.toml").read_text(encoding="utf-8")
    tmp_path = tmp_path / "many"
    tmp_path.mkdir()
    count = PARALLEL_FROM + 12
    for i in range(count):
        t = text.replace('agency = "淮安市人民政府"', f'agency = "测试机关{i:03d}"')
        if i % 5 == 0:
            t = t.replace("new_received = [3001,", "new_received = [3002,")
        (tmp_path / f"r{i:03d}.toml").write_text(t, encoding="utf-8")
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        screen = app.screen
        assert not screen.checking and not screen.loading
        assert len(screen.entries) == count
        assert sum(1 for e in screen.entries if e.checked.errors) == len(range(0, count, 5))


def test_a_file_opened_alone_pairs_with_its_agency_and_parses_only_what_may_be_it(parsed_siblings):
    """`nianbao FILE`: last year's report is found beside it. Files whose
    [report] lines name another agency are skipped unparsed; one whose lines
    are not plain (an escape) is parsed, and kept when it is the agency's."""
    import os

    from tui.core import load

    reports_copy = REPORTS  # this module's copy (the autouse fixture)
    odd = reports_copy / "odd.toml"
    odd.write_text((reports_copy / "hongze-2023.toml").read_text(encoding="utf-8").replace(
        'agency = "淮安市洪泽区人民政府"', 'agency = "淮安市洪泽区人民\\u653f府"', 1)
        .replace("year = 2023", "year = 2022", 1), encoding="utf-8")
    report = load.load_path(str(reports_copy / "hongze-2024.toml"))
    found = NianbaoApp._siblings(report)
    assert sorted(os.path.basename(r.file) for r in found) == ["hongze-2023.toml", "odd.toml"]
    assert sorted(parsed_siblings) == ["hongze-2023.toml", "odd.toml"]
