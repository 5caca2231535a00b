"""Issue 13.10 on the side-by-side screen: an edited, unsaved cell (or narrative)
carries ✎ on its side until it is saved or the edit undone, and the status line
says ✎ 未保存 for that side -- the same mark as on the report screen."""

import shutil

from textual.coordinate import Coordinate

from tests.conftest import REPORTS
from tui.app.app import NianbaoApp
from tui.app.marks import UNSAVED_GLYPH, UNSAVED_WORDS
from tui.app.screens.compare import CompareScreen, CompareStatus
from tui.app.widgets.compare_table import CompareTable
from tui.app.widgets.text_diff import TextDiffView
from tui.core.compare import NEW, OLD

CELL = "applications.new_received[0]"


def pair(tmp_path):
    old, new = tmp_path / "hongze-2023.toml", tmp_path / "hongze-2024.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", old)
    shutil.copy(REPORTS / "hongze-2024.toml", new)
    return old, new


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def lines(screen, address, side=NEW):
    """The printed lines (earlier report above the later one) of the aligned cell."""
    table = screen.query_one("#table-applications", CompareTable)
    row, col = table.where[side][address]
    return [s.strip() for s in str(table.get_cell_at(Coordinate(row, col))).split("\n")]


def status(screen):
    return screen.query_one(CompareStatus).text.plain


def title(screen):
    return str(screen.query_one("#title").render())


async def edit(pilot, value):
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("ctrl+u", *value, "enter")
    await settle(pilot)


async def test_edited_cell_marked_on_its_side_until_saved(tmp_path):
    old, new = pair(tmp_path)
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        screen.goto(NEW, CELL)
        await settle(pilot)
        assert not any(UNSAVED_GLYPH in s for s in lines(screen, CELL))
        assert UNSAVED_WORDS not in status(screen)
        await edit(pilot, "11")
        before, after = lines(screen, CELL)
        assert before == "21"                                 # the earlier report: untouched, no mark
        assert f"{UNSAVED_GLYPH}*11" in after                 # the later one: ✎ before the changed value
        assert all(UNSAVED_GLYPH not in s for s in lines(screen, "applications.new_received[1]"))
        assert f"新 2024：11 {UNSAVED_WORDS}" in status(screen)
        assert f"旧 2023：21 {UNSAVED_WORDS}" not in status(screen)
        assert f"{UNSAVED_GLYPH} 已修改" in title(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.models[1].dirty
        assert b"new_received = [11," in new.read_bytes()
        assert "*11" in lines(screen, CELL)[1] and UNSAVED_GLYPH not in lines(screen, CELL)[1]
        assert UNSAVED_GLYPH not in status(screen) and UNSAVED_GLYPH not in title(screen)


async def test_undo_clears_the_mark_on_either_side(tmp_path):
    old, new = pair(tmp_path)
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen._set_side(OLD)  # as Tab does: edits go to the earlier report
        screen.goto(OLD, CELL)
        await settle(pilot)
        await edit(pilot, "7")
        before, after = lines(screen, CELL)
        assert before.endswith(f"{UNSAVED_GLYPH}7") and UNSAVED_GLYPH not in after
        assert f"旧 2023：7 {UNSAVED_WORDS}" in status(screen)
        await pilot.press("u")
        await settle(pilot)
        assert not screen.models[0].dirty
        assert lines(screen, CELL)[0] == "21"
        assert UNSAVED_GLYPH not in status(screen) and UNSAVED_GLYPH not in title(screen)


async def test_edited_narrative_marked_in_the_text_view(tmp_path):
    old, new = pair(tmp_path)
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.goto(NEW, "text.overview")
        await settle(pilot)
        view = next(v for v in screen.query(TextDiffView) if v.key == "overview")
        assert not view.rendered.plain.startswith(UNSAVED_GLYPH)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end", "x", "ctrl+s")  # ctrl+s in the text dialog takes the edit
        await settle(pilot)
        assert screen.models[1].dirty
        view = next(v for v in screen.query(TextDiffView) if v.key == "overview")
        assert view.rendered.plain.startswith(f"{UNSAVED_GLYPH} ")
        others = [v for v in screen.query(TextDiffView) if v.key != "overview"]
        assert others and not any(v.rendered.plain.startswith(UNSAVED_GLYPH) for v in others)
        assert UNSAVED_WORDS in status(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = next(v for v in screen.query(TextDiffView) if v.key == "overview")
        assert not view.rendered.plain.startswith(UNSAVED_GLYPH)
        assert UNSAVED_WORDS not in status(screen)
