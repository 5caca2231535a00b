"""Snapshot tests of the workbench's looks (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

import pytest

from tests.conftest import REPO
from tui.app.app import NianbaoApp

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # titles show paths relative to the repository


async def _list_loaded(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_list(snap_compare, size):
    assert snap_compare(NianbaoApp(["reports"]), terminal_size=size, run_before=_list_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_with_findings(snap_compare, size):
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_top(snap_compare, size):
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=size, press=["g"])


def test_help_screen(snap_compare):
    assert snap_compare(NianbaoApp(["reports/hongze-2023.toml"]), terminal_size=(120, 40), press=["question_mark"])
