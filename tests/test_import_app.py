"""Pilot tests of imported files in the workbench (issue 11): `?` marks on
unconfirmed import flags, `y` confirms one (an acceptance with reason
已与原件核对), editing confirms too, sign-off refused until all are confirmed,
and import from the report list."""

import datetime
import tomllib

from tests.conftest import settled
from tests.import_fill import DOCS, fill_template
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import PromptDialog
from tui.app.screens.report import CONFIRMED_REASON, ReportScreen
from tui.app.screens.signoff import SignoffDialog
from tui.core.forms import form_by_edition
from tui.importer import import_bytes
from tui.store.build import imported_text

FORM = form_by_edition("2021")
MERGED = ["applications.outcome.not_processed.publication[2]", "applications.outcome.not_processed.publication[3]"]


def imported_file(tmp_path):
    with open(DOCS / "huaian-2024.toml", "rb") as fh:
        report = tomllib.load(fh)
    raw = fill_template(FORM, report, merge=("outcome.not_processed.publication", 2, 3))
    result = import_bytes(raw, "huaian-2024.docx", user="tester",
                          at=datetime.datetime.fromisoformat("2026-11-29T10:00:00+08:00"))
    path = tmp_path / "huaian-2024.toml"
    path.write_text(imported_text(result), encoding="utf-8")
    return path


async def opened(pilot):
    screen = await settled(pilot)
    assert isinstance(screen, ReportScreen)
    return screen


def grid_text(screen, address):
    from textual.coordinate import Coordinate

    from tui.app.widgets.grid import GridTable

    for grid in screen.query(GridTable):
        if address in grid._where:
            return str(grid.get_cell_at(Coordinate(*grid._where[address])))
    raise AssertionError(address)


def unconfirmed(screen):
    return sorted(f.first for f in screen.model.findings if f.rule == "import.unconfirmed" and not f.accepted)


async def approve(pilot):
    await pilot.press("o")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SignoffDialog)
    dialog.query_one("#approve").press()
    await pilot.pause()
    if pilot.app.screen is dialog:  # refused: the dialog says why
        message = str(dialog.query_one("#error").render())
        await pilot.press("escape")
        await pilot.pause()
        return message
    return None


async def test_imported_file_shows_question_marks_confirm_clears_one_signoff_waits_for_all(tmp_path):
    path = imported_file(tmp_path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert unconfirmed(screen) == MERGED
        for address in MERGED:
            assert screen.model.marks[address].glyph == "?"
        # The cursor starts on the first problem: its status line names the reason, locator and raw text.
        screen.goto(MERGED[0])
        await pilot.pause()
        status = str(screen.query_one("#status").render())
        assert "合并单元格" in status and "table 2, row" in status and "原文“0”" in status
        assert "? 0" in grid_text(screen, MERGED[0])

        assert "2 个导入待核对" in await approve(pilot)
        assert screen.model.signoff == "none"  # refused: two flags unconfirmed

        await pilot.press("y")
        await pilot.pause()
        assert unconfirmed(screen) == MERGED[1:]
        assert screen.model.marks[MERGED[0]].glyph == "≃"
        assert "≃ 0" in grid_text(screen, MERGED[0])
        assert "1 个导入待核对" in await approve(pilot)
        assert screen.model.signoff == "none"  # one left

        screen.goto(MERGED[1])
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert unconfirmed(screen) == []
        assert await approve(pilot) is None
        assert screen.model.signoff == "approved"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    accepted = data["review"]["accepted"]
    assert [(a["rule"], a["cells"][0], a["reason"]) for a in accepted] == [
        ("import.unconfirmed", MERGED[0], CONFIRMED_REASON), ("import.unconfirmed", MERGED[1], CONFIRMED_REASON)]


async def test_editing_a_flagged_cell_confirms_it(tmp_path):
    path = imported_file(tmp_path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        screen.goto(MERGED[0])
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", "backspace", "1", "enter")  # a new value
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert MERGED[0] not in unconfirmed(screen)


async def test_import_from_the_report_list_opens_the_result(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    src = tmp_path / "huaian.html"
    src.write_bytes((DOCS / "longgang-2024-partial.html").read_bytes().replace(
        b"<title>\xe9\xbe\x99\xe5\xb2\x97 2024 (partial)</title>",
        "<title>深圳市龙岗区人民政府2024年政府信息公开工作年度报告</title>".encode()))
    app = NianbaoApp([str(folder)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("#prompt").value = str(src)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.model.report.agency == "深圳市龙岗区人民政府"
    assert (folder / "huaian.toml").exists()
