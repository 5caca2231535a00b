"""Issue 13.10 / 13.2: the narrative editor and every wrapped text in the workbench break
Chinese between characters, keep numbers and Latin words whole, and never leave `2024`
alone on a line (Textual wraps at spaces only: tui.app.cjk_wrap)."""

import shutil

import pytest

from textual.widgets import TextArea

from tests.conftest import REPORTS, settled
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import EditTextDialog, PromptDialog


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_narrative_editor_keeps_the_year_with_its_sentence(tmp_path, size):
    path = tmp_path / "hongze-2024.toml"
    shutil.copy(REPORTS / "hongze-2024.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot)
        screen.goto("text.problems")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, EditTextDialog)
        area = app.screen.query_one(TextArea)
        wrapped = [part for line in area.wrapped_document.lines for part in line]
        assert wrapped[0].startswith("2024 年，"), wrapped[:2]
        assert len(wrapped) > 5
        assert all(part.strip() not in ("2024", "2025") for part in wrapped)
        assert "".join(wrapped) == area.text.replace("\n", "")  # nothing lost or doubled
        width = area.wrap_width
        from rich.cells import cell_len

        assert all(cell_len(part.rstrip()) <= width for part in wrapped)


async def test_dialog_hints_wrap_between_chinese_characters(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto("appeals.reconsideration[4]")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        hint = app.screen.query_one(".dialog-hint")
        lines = [hint.render_line(y).text.rstrip() for y in range(hint.size.height)]
        assert len(lines) == 2, lines
        # the first line is filled (Rich alone broke at the space before `u`, leaving half a line)
        from rich.cells import cell_len

        assert cell_len(lines[0]) >= hint.content_region.width - 2, lines
