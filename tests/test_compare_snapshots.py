"""Snapshot tests of the compare screen (pytest-textual-snapshot).

Update after an intended change with
`pytest tests/test_compare_snapshots.py --snapshot-update` and look at the SVGs
before committing them. The narrative diffs run in a worker thread: every
snapshot waits for the workers first, so the picture never shows 正在比较.
"""

import pytest

from tui.app.app import NianbaoApp

SIZES = [(80, 24), (120, 40)]
PAIR = ["reports/hongze-2023.toml", "reports/hongze-2024.toml"]


@pytest.fixture(autouse=True)
def _in_copy(in_reports_copy):
    """Titles show `reports/…` as in the repository; the files are copies, since
    opening a report for editing takes a lock beside it."""


def settled(*keys):
    async def run_before(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_side_by_side_top(snap_compare, size):
    assert snap_compare(NianbaoApp(PAIR), terminal_size=size, run_before=settled())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_side_by_side_applications(snap_compare, size):
    # eight differences on: the first changed cell of table 三, with its change in the status line
    assert snap_compare(NianbaoApp(PAIR), terminal_size=size, run_before=settled(*"dddddddd"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_narrative_diff(snap_compare, size):
    assert snap_compare(NianbaoApp(PAIR), terminal_size=size, run_before=settled("t"))
