"""Issue 13.10: an edited cell carries ✎ (a glyph, not colour alone) until it is saved
or the edit is undone; the status line says 未保存; help explains the glyph."""

import io
import shutil

from tests.conftest import REPORTS, settled
from tui.app.app import NianbaoApp
from tui.app.marks import UNSAVED_GLYPH
from tui.app.widgets.grid import GridTable
from tui.app.widgets.narrative import NarrativeBlock
from tui.app.widgets.status import StatusLine

CELL = "appeals.reconsideration[4]"


def shown(screen, address):
    table = screen.query_one("#block-appeals", GridTable)
    row, col = table._where[address]
    return table.get_cell_at((row, col)).plain


def status(screen):
    line = screen.query_one(StatusLine)
    return "\n".join(line.render_line(y).text for y in range(line.size.height))


async def test_edited_cell_is_marked_until_saved(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto(CELL)
        await pilot.pause()
        assert UNSAVED_GLYPH not in shown(screen, CELL)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", "1", "1", "enter")
        await pilot.pause()
        assert shown(screen, CELL).strip() == f"{UNSAVED_GLYPH}11"
        assert shown(screen, "appeals.reconsideration[0]").strip() == "10"  # only the edited cell
        assert f"{UNSAVED_GLYPH} 未保存" in status(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert path.read_text(encoding="utf-8").count("11") >= 1
        assert UNSAVED_GLYPH not in shown(screen, CELL) and shown(screen, CELL).strip().endswith("11")
        assert "未保存" not in status(screen)


async def test_undo_back_to_the_saved_value_clears_the_mark(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto(CELL)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", "7", "enter")
        await pilot.pause()
        assert UNSAVED_GLYPH in shown(screen, CELL)
        await pilot.press("u")
        await pilot.pause()
        assert UNSAVED_GLYPH not in shown(screen, CELL)


async def test_edited_narrative_is_marked(tmp_path):
    path = tmp_path / "hongze-2024.toml"
    shutil.copy(REPORTS / "hongze-2024.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.goto("text.problems")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end", "x", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        block = next(b for b in screen.query(NarrativeBlock) if b.address == "text.problems")
        assert block._rendered.plain.startswith(f"{UNSAVED_GLYPH} ")
        other = next(b for b in screen.query(NarrativeBlock) if b.address == "text.overview")
        assert not other._rendered.plain.startswith(UNSAVED_GLYPH)


async def test_help_explains_the_unsaved_glyph(tmp_path):
    from rich.console import Console

    from tui.app.screens.help import HelpScreen

    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(HelpScreen())
        await pilot.pause()
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen._content())
        lines = console.export_text().splitlines()
        assert any(line.lstrip().startswith(UNSAVED_GLYPH) and "尚未保存" in line for line in lines)


def test_unsaved_glyph_is_narrow_and_its_own():
    import unicodedata

    from tui.core.findings import GLYPHS
    from tui.core.review import STATE_GLYPHS

    assert unicodedata.east_asian_width(UNSAVED_GLYPH) in ("N", "Na")
    assert UNSAVED_GLYPH not in list(GLYPHS.values()) + list(STATE_GLYPHS.values()) + ["#", "*"]
