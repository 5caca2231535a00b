"""Issue 13.8: editing a cell opens a small overlay that keeps the row and its
neighbours in sight, and offers the value a finding expects (one key takes it)."""

import shutil

import pytest
from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import Input

from tests.conftest import REPORTS
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import EditCellDialog
from tui.app.screens.report import ReportScreen

TOTAL = "appeals.reconsideration[4]"  # hongze-2023 as published: 行政复议 总计 0, the row sums to 11


@pytest.fixture
def hongze(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    return path


def screen_lines(app):
    """The terminal's lines as the user sees them: the overlay over the report beneath it."""
    from textual._context import visible_screen_stack

    visible_screen_stack.set(app._background_screens)
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def edit_at(pilot, address):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    screen.goto(address)
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, EditCellDialog)
    return screen, dialog


async def test_overlay_offers_the_expected_total_and_keeps_the_row_in_sight(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, dialog = await edit_at(pilot, TOTAL)
        row = screen.focused.cursor_row_on_screen()
        box = dialog.query_one(Vertical).region
        assert box.height <= 7 and not box.overlaps(row), (box, row)
        lines = screen_lines(app)
        # the edited row, the rows around it and the column headings are on screen, not covered
        assert lines[row.y].lstrip().startswith("行政复议") and "✗ 0" in lines[row.y]
        assert any("维持" in line and "总计" in line for line in lines[:row.y])
        assert lines[row.y + 1].lstrip().startswith("行政诉讼：未经复议直接起诉")
        assert lines[row.y + 2].lstrip().startswith("行政诉讼：复议后起诉")
        said = str(dialog.query_one("#expected").render())
        assert "应为 11" in said and "Tab 填入" in said and "行政复议：总计 = 0" in said
        await pilot.press("tab")  # take_expected
        await pilot.pause()
        assert dialog.query_one(Input).value == "11"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.doc.get(TOTAL) == 11
        assert TOTAL not in {f.first for f in screen.model.findings}


async def test_take_expected_is_remappable_and_named(hongze, monkeypatch, tmp_path):
    config = tmp_path / "xdg" / "nianbao"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[keys]\ntake_expected = "f4"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, dialog = await edit_at(pilot, TOTAL)
        said = str(dialog.query_one("#expected").render())
        assert "F4 填入" in said and "Tab" not in said
        await pilot.press("f4")
        await pilot.pause()
        assert dialog.query_one(Input).value == "11"


async def test_a_finding_without_expected_value_is_said_and_the_key_explains(hongze):
    """cell.value knows no single right value (FORMAT.md §2: expected null): nothing is offered."""
    text = hongze.read_text(encoding="utf-8").replace("new_received = [21, 0,", 'new_received = [21, "",')
    hongze.write_text(text, encoding="utf-8")
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, dialog = await edit_at(pilot, "applications.new_received[1]")
        said = str(dialog.query_one("#expected").render())
        assert said.startswith("✗") and "实为空白" in said  # the problem, no 应为
        await pilot.press("tab")
        await pilot.pause()
        assert "没有给出应为值" in str(dialog.query_one("#error").render())
        assert app.screen is dialog


async def test_the_value_the_cell_holds_is_not_offered(tmp_path):
    """text.claim's expected is the table's own figure (the narrative is what disagrees): no 应为."""
    path = tmp_path / "hongze-2024.toml"
    shutil.copy(REPORTS / "hongze-2024.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, dialog = await edit_at(pilot, "applications.new_received[6]")
        (claim,) = [f for f in screen.model.findings if f.rule == "text.claim"
                    and f.first == "applications.new_received[6]"]
        assert claim.expected == 95 == screen.model.value("applications.new_received[6]")
        said = str(dialog.query_one("#expected").render())
        assert "正文称 17 件" in said and not said.startswith("应为")
        assert not dialog.expected


async def test_overlay_moves_to_the_top_when_the_row_is_at_the_bottom(hongze):
    app = NianbaoApp([str(hongze)])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        low = Region(0, 21, 80, 1)  # a row the bottom-docked overlay would cover
        dialog = EditCellDialog("标签", TOTAL, "count", 0, avoid=low)
        app.push_screen(dialog)
        await pilot.pause()
        await pilot.pause()
        box = dialog.query_one(Vertical).region
        assert dialog.has_class("top") and box.y == 0 and not box.overlaps(low)


async def _overlay(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    pilot.app.screen.goto(TOTAL)
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()


def test_edit_overlay_80x24(snap_compare, in_reports_copy):
    """The overlay at the bottom; the table with the edited row (行政复议 总计) above it."""
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(80, 24), run_before=_overlay)
