"""Pilot tests of review in the workbench: the sign-off dialog, accepting a
finding, pinning a comment, and the stale state after an edit."""

import shutil
import tomllib

import pytest

from tests.conftest import REPORTS, settled
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import EditCellDialog, PromptDialog
from tui.app.screens.report import ReportScreen
from tui.app.screens.signoff import SignoffDialog


@pytest.fixture
def folder(tmp_path):
    for name in ("hongze-2023.toml", "huaian-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    return tmp_path


def review(path):
    return tomllib.loads(path.read_text(encoding="utf-8")).get("review", {})


async def opened(pilot):
    screen = await settled(pilot)
    assert isinstance(screen, ReportScreen)
    return screen


async def test_signoff_dialog_approves_a_clean_report(folder):
    path = folder / "huaian-2024.toml"
    before = path.read_bytes()
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SignoffDialog)
        from rich.console import Console

        console = Console(width=200, color_system=None)
        with console.capture() as cap:
            console.print(dialog._summary())
        assert screen.model.report.digest in cap.get() and "未签核" in cap.get()
        dialog.query_one("#note").value = "与上年报告核对无误"
        dialog.query_one("#approve").press()
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.signoff == "approved"
        assert "已通过" in str(screen.query_one("#title").render())
    rec = review(path)["signoff"][-1]
    assert rec["decision"] == "approved" and rec["note"] == "与上年报告核对无误"
    assert rec["digest"] == screen.model.report.digest
    assert path.read_bytes().startswith(before)  # appended, nothing rewritten


async def test_approval_with_errors_needs_a_reason_then_accepts_them(folder):
    path = folder / "hongze-2023.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert sum(f.blocking for f in screen.model.findings) == 2
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#approve").press()
        await pilot.pause()
        assert app.screen is dialog  # refused without a reason
        assert "未接受的错误" in str(dialog.query_one("#error").render())
        dialog.query_one("#reason").value = "原件如此，已向报送单位核实"
        dialog.query_one("#approve").press()
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.signoff == "approved"
        assert all(f.accepted for f in screen.model.findings if f.severity == "error")
        row = screen.query_one("#block-appeals").get_row_at(0)
        assert str(row[5]).startswith("≃")
    data = review(path)
    assert len(data["accepted"]) == 2 and data["signoff"][-1]["decision"] == "approved"


async def test_reject_is_always_allowed(folder):
    path = folder / "hongze-2023.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#reject").press()
        await pilot.pause()
        assert screen.model.signoff == "rejected"


async def test_accept_single_finding_from_its_cell(folder):
    path = folder / "hongze-2023.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        screen.goto("appeals.reconsideration[4]")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"原件如此", "enter")
        await pilot.pause()
        accepted = {f.first: f.accepted for f in screen.model.findings}
        assert accepted == {"appeals.reconsideration[4]": True, "appeals.litigation_after_reconsideration[4]": False}
        assert str(screen.query_one("#block-appeals").get_row_at(0)[5]).startswith("≃")
    rec = review(path)["accepted"][0]
    assert rec["rule"] == "appeals.row-total" and rec["cells"][0] == "appeals.reconsideration[4]"
    assert rec["reason"] == "原件如此"


async def test_pin_comment_shows_on_cell_and_status(folder):
    path = folder / "huaian-2024.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        screen.goto("applications.new_received[0]")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"请确认自然人申请数", "enter")
        await pilot.pause()
        assert "请确认自然人申请数" in str(screen.query_one("StatusLine").render())
        cell = str(screen.query_one("#block-applications").get_row_at(0)[1])
        assert cell.startswith("#")
    rec = review(path)["comment"][0]
    assert rec["cell"] == "applications.new_received[0]" and rec["text"] == "请确认自然人申请数"


async def test_edit_after_signoff_shows_stale_naming_the_cell(folder):
    path = folder / "huaian-2024.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#approve").press()
        await pilot.pause()
        assert screen.model.signoff == "approved"
        screen.goto("applications.new_received[0]")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("ctrl+u", *"3002", "enter")
        await pilot.pause()
        assert screen.model.signoff == "stale"
        title = str(screen.query_one("#title").render())
        assert "已过期" in title and "applications.new_received[0]" in title


async def test_signoff_asks_to_save_edits_first(folder):
    path = folder / "huaian-2024.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        screen.goto("applications.new_received[0]")
        await pilot.pause()
        await pilot.press("e", "ctrl+u", *"3001", "enter")  # same value: not dirty
        await pilot.press("e", "ctrl+u", *"3002", "enter")
        await pilot.pause()
        assert screen.model.dirty
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert not screen.model.dirty
        assert isinstance(app.screen, SignoffDialog)
