"""Issue 13.2: at 80×24 a row label cut to fit its column ends with `…`, the status
line shows the cell's label path with the row's own label whole, and a table never
scrolls on its own inside the report (one scrollbar, the cursor always in view)."""

from rich.cells import cell_len

from tests.conftest import settled

from tui.app.app import NianbaoApp
from tui.app.widgets.grid import GridTable
from tui.app.widgets.status import StatusLine, fit_path

PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


async def test_cut_labels_end_with_ellipsis_and_the_status_line_has_them_whole(in_reports_copy):
    app = NianbaoApp(["reports/hongze-2023.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto("applications.outcome.partial[0]")
        await pilot.pause()
        table = screen.query_one("#block-applications", GridTable)
        labels = [table.get_row_at(r)[0].plain for r in range(table.row_count)]
        cut = [label for label in labels if label.rstrip().endswith("…")]
        assert any("部分公开" in label for label in cut), labels
        assert not any("部分公开" in label and PARTIAL in label for label in labels)
        status = screen.query_one(StatusLine)
        lines = [status.render_line(y).text.rstrip() for y in range(status.size.height)]
        path = next(line for line in lines if "自然人" in line)
        assert PARTIAL in path and path.strip().startswith("…")
        assert cell_len(path) <= 80


async def test_the_table_never_scrolls_inside_the_report(in_reports_copy):
    app = NianbaoApp(["reports/hongze-2023.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto("applications.new_received[0]")
        await pilot.pause()
        table = screen.query_one("#block-applications", GridTable)
        view = screen.query_one("#report-view")
        for _ in range(20):
            await pilot.press("j")
            await pilot.pause()
            assert not table.show_vertical_scrollbar and table.scroll_y == 0
            y = table.region.y + table.header_height + table.cursor_coordinate.row
            assert view.region.y <= y < view.region.bottom, (table.cursor_coordinate, table.region, view.region)


def test_fit_path_gives_way_from_the_outside():
    parts = ["三、收到和处理政府信息公开申请情况", "三、本年度办理结果", PARTIAL, "自然人"]
    assert fit_path(parts, 200) == " › ".join(parts)
    assert fit_path(parts, 78) == f"… › {PARTIAL} › 自然人"
    assert fit_path([], 78) == ""
