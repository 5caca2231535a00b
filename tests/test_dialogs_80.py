"""Issue 13.2: the conflict dialog's buttons all fit at 80×24."""

import os
import shutil

from textual.widgets import Button

from tests.conftest import REPORTS, settled
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import ChoiceDialog


async def conflict(pilot, path):
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.screen.goto("appeals.reconsideration[4]")
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("ctrl+u", "1", "1", "enter")
    await pilot.pause()
    path.write_bytes(path.read_bytes() + b"\n# touched\n")
    os.utime(path, ns=(1, 1))
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ChoiceDialog)
    return app.screen


async def test_conflict_dialog_buttons_fit_at_80(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await conflict(pilot, path)
        box = dialog.query_one("Vertical").content_region
        buttons = list(dialog.query(Button))
        assert [str(b.label) for b in buttons] == ["重新载入(r)", "覆盖(k)", "另存为(a)", "取消(c)"]
        for b in buttons:
            r = b.region
            assert r.width > 0 and r.x >= box.x and r.right <= box.right, (str(b.label), r, box)


# -- every dialog's buttons at 80×24 (issue 13.2) ------------------------------

from tests.test_footer_narrow import screen_lines  # noqa: E402
from tui.app.screens.signoff import SignoffDialog  # noqa: E402


def assert_buttons_fit(dialog, size=(80, 24)):
    box = dialog.query_one("Vertical").content_region
    buttons = list(dialog.query(Button))
    assert buttons
    for b in buttons:
        r = b.region
        assert r.width > 0 and r.height > 0, (str(b.label), r)
        assert box.x <= r.x and r.right <= box.right and box.y <= r.y and r.bottom <= box.bottom, (str(b.label), r, box)
        assert r.right <= size[0] and r.bottom <= size[1]
    return buttons


async def test_signoff_dialog_shows_both_errors_and_its_buttons_at_80(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SignoffDialog) and len(dialog.blocking) == 2
        assert [str(b.label) for b in assert_buttons_fit(dialog)] == ["通过(a)", "退回(r)", "取消(Esc)"]
        summary = dialog.query_one("#summary")
        assert summary.max_scroll_y == 0  # nothing scrolled out of sight
        shown = "".join("".join(line.replace("│", "").split()) for line in screen_lines(app))
        for f in dialog.blocking:  # each error the reason accepts, whole, with its cell
            assert "".join(f"✗ {f.message}".split()) in shown and f.first in shown
        for field in ("#reviewer", "#note", "#reason"):
            r = dialog.query_one(field).region
            assert r.height == 1 and r.bottom <= 24


async def test_quit_with_unsaved_edits_dialog_fits_at_80(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto("appeals.reconsideration[4]")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", "1", "1", "enter")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert [str(b.label) for b in assert_buttons_fit(app.screen)] == ["保存(s)", "不保存(d)", "取消(c)"]


async def test_a_long_message_scrolls_above_buttons_that_stay_whole(tmp_path):
    """Many records to withdraw on one cell: the buttons stand one per line, the message scrolls."""
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        lines = "\n".join(f"{i + 1}. 批注：这是一条很长的批注，说明审核人对这一单元格的看法及须报送单位核实的内容"
                          for i in range(12))
        choices = [(i, f"撤回第 {i + 1} 条", str(i + 1)) for i in range(5)] + [(None, "取消", "c")]
        app.push_screen(ChoiceDialog("撤回接受或批注", lines, choices))
        await pilot.pause()
        await pilot.pause()
        buttons = assert_buttons_fit(app.screen)
        assert len(buttons) == 6 and len({b.region.y for b in buttons}) == 6
        assert app.screen.query_one("#message").max_scroll_y > 0
        await pilot.press("3")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)


async def test_a_long_message_scrolls_by_keys(tmp_path):
    """Keyboard only (over SSH): ↓/↑ move the long message a line, PageDown/PageUp a page,
    and the buttons keep the focus and their keys."""
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        lines = "\n".join(f"{i + 1}. 批注：第 {i + 1} 条" for i in range(40))
        choices = [(i, f"撤回第 {i + 1} 条", str(i + 1)) for i in range(3)] + [(None, "取消", "c")]
        app.push_screen(ChoiceDialog("撤回接受或批注", lines, choices))
        await pilot.pause()
        await pilot.pause()
        message = app.screen.query_one("#message")
        assert message.max_scroll_y > 0 and message.scroll_y == 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert message.scroll_y == 2
        await pilot.press("pagedown")
        await pilot.pause()
        assert message.scroll_y > 4
        await pilot.press("pageup", "up", "up", "up")
        await pilot.pause()
        assert message.scroll_y == 0
        await pilot.press("2")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
