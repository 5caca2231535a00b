"""Snapshot tests of the workbench's looks (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

import pytest

from tui.app.app import NianbaoApp

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _in_copy(in_reports_copy):
    """Titles show `reports/…` as in the repository; files are copies (no shared locks)."""


async def _settled(pilot):
    """Wait for background work (checking, pairing with last year) so the picture is stable."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _top(pilot):
    await _settled(pilot)
    await pilot.press("g")
    await pilot.pause()


async def _help(pilot):
    await _settled(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_list(snap_compare, size):
    assert snap_compare(NianbaoApp(["reports"]), terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_with_findings(snap_compare, size):
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_top(snap_compare, size):
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=size, run_before=_top)


def test_help_screen(snap_compare):
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(120, 40), run_before=_help)


def _make_stale(name="hongze-2024.toml"):
    """A sign-off whose digest no longer matches: the report is stale (and has a warning)."""
    with open(f"reports/{name}", "a", encoding="utf-8") as fh:
        fh.write('\n[[review.signoff]]\nreviewer = "审核人甲"\nuser = "r1"\ndecision = "approved"\n'
                 'at = 2025-02-03T10:00:00+08:00\ndigest = "sha256:0000"\n')


def test_report_title_stale_with_warnings_80x24(snap_compare):
    """Issue 13.2: at 80 columns the title keeps the warning count, the stale reason and the file name."""
    _make_stale()
    assert snap_compare(NianbaoApp(["reports/hongze-2024.toml"]), terminal_size=(80, 24), run_before=_top)


async def _filtered(pilot):
    await _settled(pilot)
    pilot.app.screen.query_one("#filter").value = "洪泽"
    await pilot.pause()


def test_report_list_filtered_80x24(snap_compare):
    """Issue 13.2: with a filter on, the list header keeps its counts and says how many are shown."""
    assert snap_compare(NianbaoApp(["reports"]), terminal_size=(80, 24), run_before=_filtered)


async def _conflict(pilot):
    import os
    from pathlib import Path

    await _settled(pilot)
    pilot.app.screen.goto("appeals.reconsideration[4]")
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("ctrl+u", "1", "1", "enter")
    await pilot.pause()
    path = Path("reports/hongze-2023.toml")
    path.write_bytes(path.read_bytes() + b"\n# touched\n")
    os.utime(path, ns=(1, 1))
    await pilot.press("ctrl+s")
    await pilot.pause()


def test_conflict_dialog_80x24(snap_compare):
    """Issue 13.2: every button of the conflict dialog, the last one included, is shown in full."""
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(80, 24), run_before=_conflict)


def test_help_screen_80x24(snap_compare):
    """Issue 13.2: at 80 columns help entries wrap whole (`/ 筛选：…（机关、年度、文件名、状态）`), never cut."""
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(80, 24), run_before=_help)


async def _help_report_keys(pilot):
    await _help(pilot)
    await pilot.press("pagedown", "pagedown", *["down"] * 8)
    await pilot.pause()


def test_help_screen_report_keys_80x24(snap_compare):
    """Issue 13.2: the report's keys at 80 columns: `修改：…（计数须为非负整数）` and
    `撤回：…（追加 [[review.withdrawn]]，原记录保留）` shown whole."""
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(80, 24),
                        run_before=_help_report_keys)


async def _signoff(pilot):
    await _settled(pilot)
    await pilot.press("o")
    await pilot.pause()
    await pilot.pause()


def test_signoff_dialog_two_errors_80x24(snap_compare, monkeypatch):
    """Issue 13.2: hongze-2023 has two unaccepted errors; at 80×24 the sign-off dialog
    shows both whole (message and cell) above the one-line fields, and all its buttons."""
    for var in ("LOGNAME", "USER"):
        monkeypatch.setenv(var, "reviewer")
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(80, 24), run_before=_signoff)
