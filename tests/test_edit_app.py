"""Pilot tests of editing in the workbench: validation, undo/redo, marks,
saving, unsaved-changes prompts, conflicts, read-only files, locks."""

import os
import shutil

import pytest

from tests.conftest import REPORTS
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import ChoiceDialog, EditCellDialog, EditTextDialog
from tui.app.screens.report import ReportScreen


@pytest.fixture
def hongze(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    return path


async def open_at(pilot, address):
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    screen.goto(address)
    await pilot.pause()
    return screen


async def type_value(pilot, text):
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EditCellDialog)
    await pilot.press("ctrl+u", *text, "enter")
    await pilot.pause()


def firsts(screen):
    return {f.first for f in screen.model.findings}


async def test_valid_edit_updates_value_marks_and_title(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "appeals.reconsideration[4]")
        assert "appeals.reconsideration[4]" in firsts(screen)
        await type_value(pilot, "11")
        assert app.screen is screen
        assert screen.model.doc.get("appeals.reconsideration[4]") == 11
        assert "appeals.reconsideration[4]" not in firsts(screen)
        row = screen.query_one("#block-appeals").get_row_at(0)
        # the error marks are gone from the row; the edited cell carries ✎ until saved (issue 13.10)
        assert [str(c) for c in row[1:]] == ["10", "1", "0", "0", "✎11"]
        assert "已修改" in str(screen.query_one("#title").render())


async def test_invalid_input_is_refused_and_cancel_keeps_value(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "applications.new_received[0]")
        await type_value(pilot, "-3")
        dialog = app.screen
        assert isinstance(dialog, EditCellDialog)  # still open
        assert "非负整数" in str(dialog.query_one("#error").render())
        await pilot.press("ctrl+u", *"2.5", "enter")
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.doc.get("applications.new_received[0]") == 21
        assert not screen.model.dirty


async def test_explicit_blank_is_a_choice_and_is_flagged(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "applications.outcome.granted[2]")
        await type_value(pilot, "")
        assert isinstance(app.screen, EditCellDialog)  # empty is not a count
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.model.doc.get("applications.outcome.granted[2]") == ""
        assert any(f.rule == "cell.value" and f.first == "applications.outcome.granted[2]"
                   for f in screen.model.findings)


async def test_undo_redo_across_edits(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "appeals.reconsideration[4]")
        await type_value(pilot, "11")
        screen.goto("appeals.litigation_after_reconsideration[4]")
        await pilot.pause()
        await type_value(pilot, "5")
        assert not firsts(screen) & {"appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]"}
        await pilot.press("u")
        assert screen.model.doc.get("appeals.litigation_after_reconsideration[4]") == 0
        assert screen.address == "appeals.litigation_after_reconsideration[4]"
        await pilot.press("ctrl+z")
        assert screen.model.doc.get("appeals.reconsideration[4]") == 0
        assert not screen.model.dirty
        assert "appeals.reconsideration[4]" in firsts(screen)
        await pilot.press("ctrl+r")
        assert screen.model.doc.get("appeals.reconsideration[4]") == 11
        await pilot.press("ctrl+y")
        assert screen.model.doc.get("appeals.litigation_after_reconsideration[4]") == 5
        assert not firsts(screen) & {"appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]"}


async def test_narrative_edit_and_save(hongze):
    before = hongze.read_bytes()
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "text.other")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditTextDialog)
        area = app.screen.query_one("TextArea")
        area.text = area.text.replace("0 元", "12 元")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.model.dirty
    after = hongze.read_bytes()
    assert after == before.replace("信息处理费 0 元".encode(), "信息处理费 12 元".encode())


async def test_save_changes_exactly_the_edited_value(hongze):
    before = hongze.read_bytes()
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(pilot, "appeals.reconsideration[4]")
        await type_value(pilot, "11")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert hongze.read_bytes() == before.replace(b"reconsideration = [10, 1, 0, 0, 0]",
                                                 b"reconsideration = [10, 1, 0, 0, 11]")


async def test_quit_with_unsaved_changes_asks(hongze):
    before = hongze.read_bytes()
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "appeals.reconsideration[4]")
        await type_value(pilot, "11")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("c")  # cancel: stay
        await pilot.pause()
        assert app.screen is screen and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("d")  # quit without saving
        await pilot.pause()
    assert hongze.read_bytes() == before


async def test_quit_and_save_from_prompt(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(pilot, "appeals.reconsideration[4]")
        await type_value(pilot, "11")
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
    assert b"reconsideration = [10, 1, 0, 0, 11]" in hongze.read_bytes()


async def test_save_conflict_after_external_write(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "appeals.reconsideration[4]")
        await type_value(pilot, "11")
        external = hongze.read_bytes().replace(b"litigation = [0, 0, 0, 0, 0]", b"litigation = [1, 0, 0, 0, 1]")
        hongze.write_bytes(external)
        os.utime(hongze, ns=(1, 1))  # a different mtime for sure
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and "修改" in dialog.title_text
        assert hongze.read_bytes() == external  # nothing overwritten silently
        await pilot.press("r")  # reload, losing edits after confirmation
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.doc.get("appeals.litigation[0]") == 1
        assert screen.model.doc.get("appeals.reconsideration[4]") == 0
        assert not screen.model.dirty


async def test_save_conflict_keep_mine_overwrites(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at(pilot, "appeals.reconsideration[4]")
        await type_value(pilot, "11")
        hongze.write_bytes(hongze.read_bytes() + b"\n# touched\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
    data = hongze.read_bytes()
    assert b"reconsideration = [10, 1, 0, 0, 11]" in data and b"# touched" not in data


async def test_read_only_file_opens_read_only_with_reason(hongze):
    os.chmod(hongze, 0o444)
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_at(pilot, "appeals.reconsideration[4]")
        assert screen.model.read_only == "文件只读"
        assert "只读" in str(screen.query_one("#title").render())
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is screen  # no editor
        assert any("文件只读" in n.message for n in app._notifications)


async def test_other_editor_is_shown(hongze):
    from tui.store import lock

    other = lock.acquire(str(hongze))  # this process, but a lock that is not the screen's
    try:
        app = NianbaoApp([str(hongze)])
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_at(pilot, "report.form")
            assert screen.others and screen.others[0]["token"] == other.token
            assert any("也打开了" in n.message and "hongze-2023.toml" in n.message for n in app._notifications)
    finally:
        other.release()
