"""The report list at scale (issue 15.4): rows at once, keys answered while
a 5,000-report check runs, a data model apart from the drawing."""

import pytest

from tests.conftest import REPORTS
from tui.app.listmodel import CHECKED, ListModel, Entry
from tui.core.report import Invalid


def _make(folder, count):
    text = (REPORTS / "huaian-2024.toml").read_text(encoding="utf-8")
    folder.mkdir()
    for i in range(count):
        t = text.replace('agency = "淮安市人民政府"', f'agency = "测试机关{i:04d}"')
        if i % 7 == 0:
            t = t.replace("new_received = [3001,", "new_received = [3002,")
        (folder / f"r{i:04d}.toml").write_text(t, encoding="utf-8")


async def test_list_answers_keys_while_a_5000_report_check_runs(tmp_path, in_reports_copy):
    from textual.widgets import ProgressBar

    from tui.app.app import NianbaoApp

    folder = tmp_path / "many"
    _make(folder, 5000)
    app = NianbaoApp([str(folder)])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        for _ in range(600):
            if screen.shown:
                break
            await pilot.pause(0.05)
        # every file is listed (by name) before it is checked
        assert len(screen.entries) == 5000
        assert screen.checking
        table = screen.query_one("#reports")
        await pilot.press("down", "down", "down")
        assert table.cursor_row == 3
        await pilot.press("s")  # by year
        assert screen.sort_index == 1
        await pilot.press("slash", *"r0042")
        await pilot.pause()
        assert [e.name for e in screen.shown] == ["r0042.toml"]
        assert screen.checking, "the check ended before the keys: the test proves nothing"
        assert screen.query_one("#progress", ProgressBar).display
        await pilot.press("escape")
        screen.query_one("#filter").value = ""
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.checking
        assert all(e.state == CHECKED for e in screen.entries)
        assert sum(1 for e in screen.entries if e.errors) == len(range(0, 5000, 7))


def _entries(n):
    out = []
    for i in range(n):
        e = Entry(f"d/{i % 97:02d}/r{i:06d}.toml")
        if i % 11 == 0:
            e.failed(Invalid(e.file, f"{e.file}:1:1: 坏"))
        else:
            e.checked_as((f"机关{i % 1000:04d}", 2019 + i % 7, "2021年版", i % 3, i % 5, "none", "", "0" * 64))
        out.append(e)
    return out


def test_model_sorts_and_filters_50000_entries_without_touching_rows():
    m = ListModel(_entries(50_000))
    m.update()
    assert len(m.shown) == 50_000
    m.sort_next()  # year
    years = [e.year for e in m.shown if e.invalid is None]
    assert years == sorted(years)
    m.sort_next()  # errors, most first; unreadable files first of all
    assert m.shown[0].invalid is not None
    assert [e.errors for e in m.shown if e.invalid is None][:1] == [2]
    m.set_filter("机关0007 2025")
    assert m.shown and all(e.agency == "机关0007" and e.year == 2025 for e in m.shown)
    m.set_filter("无法读取")
    assert len(m.shown) == len(range(0, 50_000, 11))
    m.set_filter("")
    assert len(m.shown) == 50_000


def test_entries_are_small():
    """A row holds what it shows, not the report: 50,000 of them stay in tens of MB."""
    import sys

    e = _entries(2)[1]
    assert sys.getsizeof(e) < 200
    assert not hasattr(e, "data")


@pytest.mark.parametrize("state", ["pending", "identified"])
def test_unchecked_entries_sort_and_show(state):
    e = Entry("a.toml")
    if state == "identified":
        e.identified("某机关", 2024)
    assert e.checked is None
    assert e.sort_value("errors") == -1
    assert "a.toml" in e.search_text()
