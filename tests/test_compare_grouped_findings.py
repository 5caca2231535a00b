"""Issue 13.9 on the side-by-side screen: findings of one side that one cause produced
many times (a column left blank) are one expandable line of the problem list, tagged
with the side, as on the report screen; `n` / `N` still visit each cell."""

import shutil

from tests.conftest import REPORTS
from tests.test_grouped_findings import blank_legal_columns
from tui.app.app import NianbaoApp
from tui.app.screens.compare import CompareFindings, CompareScreen
from tui.core.compare import OLD


def prompt_text(panel, i):
    prompt = panel.get_option_at_index(i).prompt
    return prompt.text.plain if hasattr(prompt, "text") else str(prompt)


def shown(panel):
    return [prompt_text(panel, i) for i in range(panel.option_count)]


async def test_blank_columns_one_tagged_line_that_expands_and_n_visits_each_cell(tmp_path):
    old, new = tmp_path / "blank-2023.toml", tmp_path / "hongze-2024.toml"
    old.write_text(blank_legal_columns((REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copy(REPORTS / "hongze-2024.toml", new)
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        panel = screen.query_one(CompareFindings)
        blank = [f for s, f in screen.entries if s == OLD and f.rule == "cell.value"]
        assert len(blank) == 125
        text = shown(panel)
        assert len(text) == len(screen.entries) - 124  # the 125 are one line
        (g,) = [i for i, s in enumerate(text) if "125 格" in s]
        assert text[g].startswith(f"[旧 2023] {CompareFindings.COLLAPSED}")
        assert "表三 法人或其他组织 5 列 × 全部 25 行" in text[g]
        # open it from the list with space; the members follow, tagged with their side
        screen.action_switch_side()  # as Tab does: 新 -> the problem list
        await pilot.pause()
        assert panel.highlighted is not None  # the list is entered on a line: space acts at once
        panel.highlighted = g
        await pilot.press("space")
        await pilot.pause()
        text = shown(panel)
        assert len(text) == len(screen.entries) + 1
        assert text[g].startswith(f"[旧 2023] {CompareFindings.EXPANDED}")
        assert text[g + 1].startswith("  [旧 2023] ")
        # Enter on a member goes to its cell on the earlier report's side
        panel.highlighted = g + 2
        await pilot.press("enter")
        await pilot.pause()
        assert screen.cell.old_address == "applications.new_received[2]"
        # Enter on the group's line closes it again
        screen.query_one(CompareFindings).focus()
        screen._in_panel = True
        panel.highlighted = g
        await pilot.press("enter")
        await pilot.pause()
        assert len(shown(panel)) == len(screen.entries) - 124
        # n walks the closed group cell by cell; the list stays on the group's line
        screen._set_side(OLD)
        screen.goto(OLD, "applications.new_received[1]")
        await pilot.pause()
        seen = []
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
            seen.append(screen.cell.old_address)
            assert panel.group_at(panel.highlighted) is not None
        assert len(set(seen)) == 3
        await pilot.press("N")
        await pilot.pause()
        assert screen.cell.old_address == seen[1]


async def test_a_on_a_closed_group_accepts_its_side_block(tmp_path):
    """`a` on a closed group's line accepts the block on that group's side (the old report)."""
    from tui.app.screens.dialogs import PromptDialog

    old, new = tmp_path / "blank-2023.toml", tmp_path / "hongze-2024.toml"
    old.write_text(blank_legal_columns((REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copy(REPORTS / "hongze-2024.toml", new)
    before_new = new.read_bytes()
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        panel = screen.query_one(CompareFindings)
        screen.action_switch_side()  # 新 -> the problem list
        await pilot.pause()
        panel.highlighted = next(i for i, s in enumerate(shown(panel)) if "125 格" in s)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog) and "接受本组 125 个问题" in app.screen.title_text
        await pilot.press(*"原件如此", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert old.read_text(encoding="utf-8").count("[[review.accepted]]") == 125
        assert new.read_bytes() == before_new
