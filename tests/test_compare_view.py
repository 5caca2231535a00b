"""The side-by-side view-model and the shared navigator, without Pilot (issue 9.4)."""

import shutil

import pytest

from tests.conftest import REPORTS
from tui.app.compare_view import NOWHERE, TEXTS, YOY, CompareView
from tui.app.model import ReportModel
from tui.app.navigation import Navigator
from tui.core.compare import NEW, OLD
from tui.core.load import load_path

COLOURS = {"error": "red", "warning": "yellow", "accepted": "green", "accent": "cyan", "info": "blue"}


def view_of(paths):
    reports = [load_path(str(p)) for p in paths]
    return CompareView(*(ReportModel.open(r, reports) for r in reports))


@pytest.fixture
def pair(tmp_path):
    for name in ("hongze-2023.toml", "hongze-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    return [tmp_path / "hongze-2023.toml", tmp_path / "hongze-2024.toml"]


@pytest.fixture
def broken(pair):
    """2024's 上年结转 no longer 2023's 结转下年度: yoy.carried-over fires."""
    text = pair[1].read_text(encoding="utf-8")
    old = "carried_over = [0, 0, 0, 0, 0, 0, 0]"
    pair[1].write_text(text.replace(old, "carried_over = [4, 0, 0, 0, 0, 0, 4]"), encoding="utf-8")
    return pair


# -- navigator ---------------------------------------------------------------

def test_navigator_steps_and_says_when_it_wraps():
    nav = Navigator([3, 5, 9])
    assert nav.step(4, 1).index == 1 and not nav.step(4, 1).wrapped
    assert nav.step(4, -1).index == 0
    last = nav.step(9, 1)
    assert last.index == 0 and last.wrapped and "回到第一个" in last.message
    first = nav.step(3, -1)
    assert first.index == 2 and first.wrapped and "回到最后一个" in first.message
    assert Navigator([]).step(0, 1) is None


def test_navigator_walks_entries_sharing_a_position_from_the_highlighted_one():
    nav = Navigator([1, 4, 4, 4, 7])
    assert nav.step(4, 1, current=1).index == 2
    assert nav.step(4, 1, current=3).index == 4
    assert nav.step(4, -1, current=2).index == 1
    assert nav.step(7, 1, current=4).wrapped


def test_difference_navigator_words():
    step = Navigator([(0, 1)], "difference").step((0, 1), 1)
    assert step.wrapped and "不同" in step.message


# -- pairing and marks ---------------------------------------------------------

def test_models_paired_with_each_other_and_yoy_marked_on_both_sides(broken):
    vm = view_of(broken)
    old, new = vm.models
    assert new.previous is old.report
    finding = next(f for f in vm.yoy if f.rule == "yoy.carried-over")
    assert finding in vm.marks[NEW]["applications.carried_over[0]"].findings
    assert finding in vm.marks[OLD]["applications.carried_forward[0]"].findings
    assert vm.first_entry() == (YOY, finding)
    # entries come in display order
    positions = [vm.position(*e) for e in vm.entries]
    assert positions == sorted(positions)


def test_refresh_relinks_after_an_edit(pair):
    vm = view_of(pair)
    old, new = vm.models
    new.set("applications.new_received[0]", 21)  # now equal to 2023's
    vm.refresh()
    where = vm.locate(NEW, "applications.new_received[0]")
    assert where[0] == "table"
    assert not vm.layouts[where[1]].cell_at(*where[2:]).changed
    assert old.context[-1] is new.report  # the earlier model checks against the edited report


# -- walking --------------------------------------------------------------------

def test_differences_walk_in_order_and_wrap(pair):
    vm = view_of(pair)
    spots = []
    for _ in range(len(vm.comparison.changed_cells)):
        (kind, i, line, col), step = vm.step_difference(1)
        assert kind == "table" and not step.wrapped
        vm.cursor = (i, line, col)
        spots.append(vm.layouts[i].cell_at(line, col).new_address)
    assert spots == [c.new_address for _, c in vm.comparison.changed_cells]
    where, step = vm.step_difference(1)
    assert step.wrapped and step.message == "已从最后一处不同回到第一处"
    assert vm.layouts[where[1]].cell_at(*where[2:]).new_address == spots[0]


def test_findings_wrap_with_words(broken):
    vm = view_of(broken)
    last = len(vm.entries) - 1
    entry, step = vm.step_finding(-1)  # the cursor before everything, backwards: the last one, wrapped
    assert entry is vm.entries[last] and step.wrapped and step.message == "已从第一个问题回到最后一个"
    first = vm.position(*vm.entries[0])
    assert first[0] == 0  # a table cell
    vm.cursor = first[1:]
    entry, step = vm.step_finding(1, current=0)
    assert entry is vm.entries[1] and not step.wrapped
    vm.cursor = vm.position(*vm.entries[last])[1:] if vm.position(*vm.entries[last])[0] == 0 else vm.cursor
    if vm.position(*vm.entries[last])[0] == 0:
        entry, step = vm.step_finding(1, current=last)
        assert entry is vm.entries[0] and step.message == "已从最后一个问题回到第一个"
    assert vm.here(in_panel=True) == NOWHERE


# -- words -----------------------------------------------------------------------

def test_status_names_both_sides_the_change_and_a_notice(pair):
    vm = view_of(pair)
    where = vm.locate(NEW, "applications.new_received[0]")
    vm.cell = vm.layouts[where[1]].cell_at(*where[2:])
    vm.row = vm.layouts[where[1]].lines[where[2]].row
    plain = vm.status(COLOURS, 120).plain
    assert "applications.new_received[0]" in plain and ">新 2024：95" in plain and " 旧 2023：21" in plain
    assert "差 +74" in plain
    vm.side = OLD
    assert ">旧 2023：21" in vm.status(COLOURS, 120).plain
    assert vm.address_here() == ("applications.new_received[0]", None)
    noticed = vm.status(COLOURS, 120, notice="已从最后一个问题回到第一个").plain
    assert noticed.splitlines()[-1].startswith("↻ 已从最后一个问题回到第一个")


def test_title_and_text_status(pair):
    vm = view_of(pair)
    title = vm.title(COLOURS, 200).plain
    assert "逐年对照 2023 -> 2024 年度" in title and "格式相同" in title
    vm.view, vm.text_key = TEXTS, vm.comparison.texts[0].key
    plain = vm.status(COLOURS, 120, text_state=(True, None)).plain
    assert "相似度" in plain and "正在比较" in plain
    assert vm.address_here() == (f"text.{vm.text_key}", None)
