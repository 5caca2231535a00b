"""Issue 13.10: the list's status line tells the file's problems and sign-off, not its digest."""

from tui.app.app import NianbaoApp


async def test_list_status_line_shows_problems_and_signoff(in_reports_copy):
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        detail = screen.query_one("#detail")
        for e in screen.shown:
            screen.query_one("#reports").move_cursor(row=screen.shown.index(e))
            await pilot.pause()
            text = " ".join(detail.render_line(y).text for y in range(detail.size.height))
            assert "摘要" not in text and "sha256" not in text
            assert "未签核" in text or "已过期" in text or "已通过" in text, text
            if e.file.endswith("huaian-2024.toml"):
                assert "未发现问题" in text
            if e.file.endswith("hongze-2023.toml"):
                assert "✗ 2 ! 0" in text
