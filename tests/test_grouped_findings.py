"""Issue 13.9: findings one cause produced many times are one line of the problem list.

A real report left all five 法人或其他组织 columns of 表三 blank: 125
`cell.value` findings. The problem list shows them as one expandable line
with the count; `n` / `N` still visit every cell.
"""

import re

import pytest

from tests.conftest import REPORTS, settled
from tui.app.app import NianbaoApp
from tui.app.screens.report import ReportScreen
from tui.app.widgets.findings import FindingsPanel


def blank_legal_columns(text):
    """hongze-2023 with every 法人或其他组织 cell of table 三 left blank (as that report published it)."""
    out, section = [], None
    for line in text.splitlines(keepends=True):
        head = re.match(r"\[(\w+)\]", line)
        if head:
            section = head.group(1)
        if section == "applications":
            line = re.sub(r"= \[(\d+), \d+, \d+, \d+, \d+, \d+, (\d+)\]", r'= [\1, "", "", "", "", "", \2]', line)
        out.append(line)
    return "".join(out)


@pytest.fixture
def blank_report(tmp_path):
    path = tmp_path / "blank-2023.toml"
    path.write_text(blank_legal_columns((REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")),
                    encoding="utf-8")
    return path


def lines(panel):
    return [str(getattr(p, "plain", p)) for p in (panel.get_option_at_index(i).prompt
                                                  for i in range(panel.option_count))]


async def opened(pilot):
    screen = await settled(pilot)
    assert isinstance(screen, ReportScreen)
    return screen, screen.query_one(FindingsPanel)


async def test_blank_columns_are_one_line_that_expands(blank_report):
    app = NianbaoApp([str(blank_report)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, panel = await opened(pilot)
        blank = [f for f in screen.model.findings if f.rule == "cell.value"]
        assert len(blank) == 125
        shown = lines(panel)
        assert len(shown) == 3  # the group and the two 表四 totals
        (group_line,) = [s for s in shown if "125 格" in s]
        assert "表三 法人或其他组织 5 列 × 全部 25 行" in group_line and "实为空白" in group_line
        assert group_line.startswith(FindingsPanel.COLLAPSED)
        # open it from the list: space (the registry's toggle_group), the members follow the line
        await pilot.press("tab")
        assert app.focused is panel
        panel.highlighted = next(i for i, s in enumerate(lines(panel)) if "125 格" in s)
        await pilot.press("space")
        await pilot.pause()
        shown = lines(panel)
        assert len(shown) == 3 + 125
        g = shown.index(next(s for s in shown if "125 格" in s))
        assert shown[g].startswith(FindingsPanel.EXPANDED)
        assert "一、本年新收政府信息公开申请数量（商业企业）" in shown[g + 1]
        # Enter on a member goes to its cell
        panel.highlighted = g + 2
        await pilot.press("enter")
        await pilot.pause()
        assert screen.address == "applications.new_received[2]"
        # ... and Enter on the group's line closes it again
        await pilot.press("tab")
        panel.highlighted = g
        await pilot.press("enter")
        await pilot.pause()
        assert len(lines(panel)) == 3


async def test_n_visits_every_cell_of_a_closed_group(blank_report):
    app = NianbaoApp([str(blank_report)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, panel = await opened(pilot)
        await pilot.press("g")
        await pilot.pause()
        seen = []
        for _ in range(127):
            await pilot.press("n")
            await pilot.pause()
            seen.append(screen.address)
        expected = [f.first for f in screen._ordered_findings()]
        assert seen == expected  # each of the 125 cells in printed order, then the two totals
        assert len(set(seen)) == 127
        # while n walks the closed group, the list highlights the group's line
        screen.goto("applications.carried_over[3]")
        await pilot.pause()
        assert panel.group_at(panel.highlighted) is not None
        await pilot.press("n")
        await pilot.pause()
        assert screen.address == "applications.carried_over[4]"
        await pilot.press("N")
        await pilot.pause()
        assert screen.address == "applications.carried_over[3]"


async def test_a_few_cells_stay_single_lines(tmp_path):
    """Fewer than three cells of one cause are not folded (hongze-2023's two totals)."""
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, panel = await opened(pilot)
        assert not panel.groups
        assert len(lines(panel)) == len(screen.model.findings)


async def _in_list(pilot):
    await opened(pilot)
    await pilot.press("tab")
    await pilot.pause()


def test_grouped_problem_list_80x24(snap_compare, blank_report):
    """The 125 blank cells are one line of the problem list at 80×24, with the two other problems."""
    assert snap_compare(NianbaoApp([str(blank_report)]), terminal_size=(80, 24), run_before=_in_list)


async def test_a_on_a_closed_group_accepts_the_whole_block_in_one_write(blank_report):
    """125 blank cells of one cause: `a` on the group's line accepts them all with
    one reason (one prompt, one write), not the first member only; on an open
    group's member line it accepts that one finding."""
    from tui.app.screens.dialogs import PromptDialog

    app = NianbaoApp([str(blank_report)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen, panel = await opened(pilot)
        await pilot.press("tab")
        assert app.focused is panel
        panel.highlighted = next(i for i, s in enumerate(lines(panel)) if "125 格" in s)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        assert "接受本组 125 个问题" in str(app.screen.title_text)
        await pilot.press(*"原件如此", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = blank_report.read_text(encoding="utf-8")
        assert text.count("[[review.accepted]]") == 125
        assert all(f.accepted for f in screen.model.findings if f.rule == "cell.value")
        (group_line,) = [s for s in lines(panel) if "125 格" in s]
        assert "已接受" in group_line
