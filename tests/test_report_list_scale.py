"""The report list at scale (issue 15.4): rows at once, keys answered while
a 5,000-report check runs, a data model apart from the drawing."""

import pytest
from hypothesis import given, settings, strategies as st

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


async def test_list_answers_keys_while_a_5000_report_check_runs(tmp_path, in_reports_copy, monkeypatch):
    import threading

    from textual.widgets import ProgressBar

    from tui.app.app import NianbaoApp
    from tui.app.screens import report_list

    folder = tmp_path / "many"
    _make(folder, 5000)
    # The check is held after its first progress update until the keys are
    # pressed: on an idle machine 5,000 reports are checked before the keys
    # otherwise, and the test would prove nothing (it failed 1 run in 4).
    # The keys wait for that update to be shown: an update arriving between
    # two keys re-sorts the rows under the cursor (which follows its report).
    held, keys_done = threading.Event(), threading.Event()
    real_check_into = report_list.check_into

    def held_check_into(items, update, *args, **kwargs):
        def held_update(changes, done, total):
            update(changes, done, total)  # returns once the list has applied it
            if done < total and not keys_done.is_set():
                held.set()
                keys_done.wait(60)
        return real_check_into(items, held_update, *args, **kwargs)

    monkeypatch.setattr(report_list, "check_into", held_check_into)
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
        for _ in range(1200):
            if held.is_set():
                break
            await pilot.pause(0.05)
        assert held.is_set()
        await pilot.pause()
        table = screen.query_one("#reports")
        for _ in range(3):  # each key moves the cursor to another report (which it then follows as rows re-sort)
            before = screen._selected()
            await pilot.press("down")
            assert screen._selected() is not before and table.cursor_row > 0
        await pilot.press("s")  # by year
        assert screen.sort_index == 1
        await pilot.press("slash", *"r0042")
        await pilot.pause()
        assert [e.name for e in screen.shown] == ["r0042.toml"]
        assert screen.checking, "the check ended before the keys: the test proves nothing"
        assert screen.query_one("#progress", ProgressBar).display
        keys_done.set()
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


async def test_stat_refresh_checks_again_only_the_changed_file_and_its_agency(in_reports_copy, monkeypatch):
    """A file changed on disk is checked again with its agency's other years
    (pairing), not the whole folder; a new file joins the list the same way."""
    import shutil

    from tui.app.app import NianbaoApp
    from tui.app.screens import report_list

    checked = []
    real = report_list.check_into

    def spy(items, update, **kwargs):
        checked.append(sorted(d.rsplit("/", 1)[-1] for _, d in items))
        return real(items, update, **kwargs)

    monkeypatch.setattr(report_list, "check_into", spy)
    app = NianbaoApp([str(in_reports_copy)])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert len(checked) == 1 and len(checked[0]) == 4
        with open(in_reports_copy / "hongze-2024.toml", "a", encoding="utf-8") as fh:
            fh.write('\n[[review.signoff]]\nreviewer = "审核人甲"\nuser = "r1"\ndecision = "approved"\n'
                     'at = 2025-02-03T10:00:00+08:00\ndigest = "sha256:0000"\n')
        screen.refresh_if_changed(now=True)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert checked[1] == ["hongze-2023.toml", "hongze-2024.toml"]
        (e,) = [e for e in screen.entries if e.file.endswith("hongze-2024.toml")]
        assert e.checked.signoff == "stale" and e.stale

        shutil.copy(in_reports_copy / "lingwu-minzheng-2020.toml", in_reports_copy / "lingwu-copy.toml")
        screen.refresh_if_changed(now=True)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert checked[2] == ["lingwu-copy.toml", "lingwu-minzheng-2020.toml"]
        assert len(screen.entries) == 5
        copies = [e for e in screen.entries if e.file.endswith(("lingwu-copy.toml", "lingwu-minzheng-2020.toml"))]
        assert all(e.checked and e.warnings for e in copies)  # two reports of one agency and year: duplicates
        (huaian,) = [e for e in screen.entries if e.file.endswith("huaian-2024.toml")]
        assert huaian.checked and not huaian.errors  # the others kept their rows


def test_model_orders_as_a_sort_on_value_then_natural_file_name():
    """The fast sort (ranks, stable sort on a file-ordered list) orders as
    sorting on (value, natural file name) does, both directions, every key."""
    from tui.app.listmodel import SORTS, natural

    entries = _entries(3000)
    for i, e in enumerate(entries[:40]):
        e.checked_as((f"机关{i % 3}", 2020, "2021年版", 1, 0, "none", "", ""))  # ties
    m = ListModel(entries)
    for index, (key, _) in enumerate(SORTS):
        m.sort_index = index
        for reverse in (False, True):
            m.reverse = reverse
            m.update()
            expected = sorted(entries, key=lambda e: (e.sort_value(key), natural(e.file)), reverse=reverse)
            assert [e.file for e in m.shown] == [e.file for e in expected], (key, reverse)


def test_stat_folder_lists_what_expand_paths_lists(tmp_path):
    from tui.app.screens.report_list import stat_folder, stat_items
    from tui.core.checker import expand_paths

    for rel in ("a.toml", "b/c.toml", "b/d/e.toml", ".hidden.toml", ".git/x.toml", "b/notes.txt", "z10.toml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n", encoding="utf-8")
    single = tmp_path / "b" / "c.toml"
    for paths in ([str(tmp_path)], [str(single)], [str(tmp_path / "b"), str(tmp_path / "a.toml")]):
        assert stat_folder(paths) == stat_items(expand_paths(paths))


async def test_list_answers_keys_while_a_big_pair_opens_for_comparison(in_reports_copy, monkeypatch):
    """A big file opens for comparison in a worker: the list moves its cursor
    and filters while the reports are read and checked, then the compare
    screen comes."""
    import threading

    from tui.app.app import NianbaoApp
    from tui.app.model import ReportModel
    from tui.app.screens import report_list
    from tui.app.screens.compare import CompareScreen

    monkeypatch.setattr(report_list, "BIG_FILE", 0)  # every file counts as big
    opening, go = threading.Event(), threading.Event()
    real = ReportModel.open.__func__

    def slow_open(cls, report, context=()):
        opening.set()
        assert go.wait(30)
        return real(cls, report, context)

    monkeypatch.setattr(ReportModel, "open", classmethod(slow_open))
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#reports")
        table.move_cursor(row=[e.name for e in screen.shown].index("hongze-2024.toml"))
        await pilot.press("c")  # with last year's
        assert opening.wait(30)
        assert app.screen is screen
        before = table.cursor_row
        await pilot.press("up")
        assert table.cursor_row == before - 1
        await pilot.press("slash", *"hongze")
        await pilot.pause()
        assert len(screen.shown) == 2
        go.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert [m.report.year for m in app.screen.models] == [2023, 2024]



def _expected(m, entries):
    """What the list shows, made from scratch: every term's filter over all
    entries, sorted on (value, natural file name)."""
    from tui.app.listmodel import natural

    key = m.sort_key
    kept = [e for e in entries if all(t in e.search for t in m.terms)]
    return sorted(kept, key=lambda e: (e.sort_value(key), natural(e.file)), reverse=m.reverse)


_STEP = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(list("机关0127 无法读取有错误.t"))),
    st.just(("backspace",)),
    st.just(("sort",)),
    st.just(("reverse",)),
    st.tuples(st.just("change"), st.integers(0, 59), st.sampled_from(["checked", "identified", "failed"]),
              st.integers(0, 3), st.integers(0, 2), st.integers(0, 2), st.integers(0, 2),
              st.sampled_from(["none", "approved", "stale"])),
    st.just(("entries",)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_STEP, max_size=40))
def test_a_list_typed_into_sorted_and_changed_shows_what_a_fresh_filter_and_sort_shows(steps):
    """The shortcuts (a narrower filter filters what shows; counts and agency
    ranks kept while no entry changes; the whole list's order kept while no
    entry's value for the sort changes) never show other rows, in another
    order, or other counts than doing everything again would."""
    entries = _entries(60)
    m, text = ListModel(entries), ""
    for step in steps:
        if step[0] == "type":
            text += step[1]
            m.set_filter(text)
        elif step[0] == "backspace":
            text = text[:-1]
            m.set_filter(text)
        elif step[0] == "sort":
            m.sort_next()
        elif step[0] == "reverse":
            m.sort_reverse()
        elif step[0] == "change":  # a file identified, checked or found unreadable, then the screen redraws
            _, i, kind, agency, year, errors, warnings, signoff = step
            if kind == "checked":
                entries[i].checked_as((f"机关{agency:04d}", 2020 + year, "2021年版", errors, warnings, signoff, "", ""))
            elif kind == "identified":
                entries[i].identified(f"机关{agency:04d}", 2020 + year)
            else:
                entries[i].failed(Invalid(entries[i].file, f"{entries[i].file}:1:1: 坏"))
            m.set_filter(text)
        else:  # the folder's files changed: new entries
            entries = entries[1:] + [Entry(f"d/new{len(steps)}.toml")]
            m.set_entries(entries)
            m.set_filter(text)
        assert [e.file for e in m.shown] == [e.file for e in _expected(m, entries)], step
        fresh = ListModel(entries)
        assert m.counts() == fresh.counts()
        assert all(m.position(e) == i for i, e in enumerate(m.shown[:5]))
