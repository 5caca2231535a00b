"""Issue 13.2: the report title keeps its facts at 80×24."""

from tui.app.app import NianbaoApp
from tui.app.screens.report import ReportScreen


async def test_title_keeps_counts_stale_reason_and_file_at_80(in_reports_copy):
    with open("reports/hongze-2024.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[review.signoff]]\nreviewer = "审核人甲"\nuser = "r1"\ndecision = "approved"\n'
                 'at = 2025-02-03T10:00:00+08:00\ndigest = "sha256:0000"\n')
    app = NianbaoApp(["reports/hongze-2024.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        title = screen.query_one("#title")
        assert title.size.width <= 80 and title.size.height == 2
        lines = [title.render_line(y).text.strip() for y in range(title.size.height)]
        assert len(lines) == 2
        first, second = lines
        assert "! 1" in first and "✗ 0" in first and "已过期" in first and "hongze-2024.toml" in first
        assert "签核后内容已更改" in second
