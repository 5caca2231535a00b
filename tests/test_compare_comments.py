"""The side-by-side problem list shows every comment of both reports after the
findings, tagged with its side, as the report screen does; Enter on one goes
to its cell on that side, and a comment written here appears at once."""

import shutil

from tests.conftest import REPORTS
from tests.test_compare_grouped_findings import shown
from tui.app.app import NianbaoApp
from tui.app.screens.compare import CompareFindings, CompareScreen
from tui.app.screens.dialogs import PromptDialog

COMMENT = ('\n[[review.comment]]\ncell = "appeals.reconsideration[4]"\ntext = "复议总数请核对原始台账"\n'
           'user = "审核人"\nat = 2025-01-25T16:30:00+08:00\n')


async def test_comments_of_both_sides_are_listed_and_lead_to_their_cell(tmp_path):
    old, new = tmp_path / "hongze-2023.toml", tmp_path / "hongze-2024.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", old)
    shutil.copy(REPORTS / "hongze-2024.toml", new)
    with old.open("a", encoding="utf-8") as f:
        f.write(COMMENT)
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        panel = screen.query_one(CompareFindings)
        text = shown(panel)
        (line,) = [i for i, s in enumerate(text) if "复议总数请核对原始台账" in s]
        assert text[line].startswith("# 批注 [旧 2023] ") and "（审核人）" in text[line]
        assert line == len(text) - 1  # after every finding
        # Enter on it: the cursor goes to the commented cell, on the earlier report's side
        screen.action_switch_side()  # 新 -> the problem list
        await pilot.pause()
        panel.highlighted = line
        await pilot.press("enter")
        await pilot.pause()
        assert screen.side == "old"
        assert screen.cell.old_address == "appeals.reconsideration[4]"
        # a comment written on the later report's side is listed at once, tagged 新
        screen.goto("new", "applications.new_received[0]")
        screen._set_side("new")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"新批注", "enter")
        await pilot.pause()
        text = shown(panel)
        assert any(s.startswith("# 批注 [新 2024] ") and "新批注" in s for s in text)
