"""Issue 13.2/13.10: the list header keeps its counts with a filter on at 80×24; natural order."""

from tests.conftest import REPORTS
from tui.app.app import NianbaoApp
from tui.app.screens.report_list import natural


def test_natural_order():
    names = ["测试机关10", "测试机关2", "测试机关100", "测试机关1"]
    assert sorted(names, key=natural) == ["测试机关1", "测试机关2", "测试机关10", "测试机关100"]


async def test_list_header_keeps_counts_with_filter_at_80(in_reports_copy):
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#filter").value = "洪泽"
        await pilot.pause()
        title = app.screen.query_one("#list-title")
        line = title.render_line(0).text
        for fact in ("4 份", "有错误 1", "有警告 1", "已通过 0", "无法读取 0", "显示 2"):
            assert fact in line, (fact, line)


async def test_list_sorts_agencies_naturally(tmp_path):
    src = (REPORTS / "huaian-2024.toml").read_text(encoding="utf-8")
    for i in (1, 2, 10, 100):
        (tmp_path / f"r{i}.toml").write_text(src.replace('agency = "淮安市人民政府"', f'agency = "测试机关{i}"'),
                                             encoding="utf-8")
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [e.report.agency for e in app.screen.shown] == ["测试机关1", "测试机关2", "测试机关10", "测试机关100"]


async def test_cut_names_in_the_list_end_with_an_ellipsis(in_reports_copy):
    """At 80 columns the file column cannot hold lingwu-minzheng-2020: it says so with …"""
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#reports")
        lines = [table.render_line(y).text for y in range(table.size.height)]
        row = next(line for line in lines if "灵武市民政局" in line)
        assert "lingwu-minzheng-2020" not in row
        assert row.rstrip().endswith("…"), row
