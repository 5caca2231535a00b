"""Pilot tests: narrative findings in the workbench (issue 12).

A text.claim finding is marked on its table cell and on its clause in the
narrative, `n` visits the cell and then the clause, and the status line
quotes the clause and names the readings; placeholders are highlighted in
the text; an acceptance whose figures changed shows as lapsed.
"""

import pytest

from tui.app.app import NianbaoApp
from tui.app.screens.report import ReportScreen
from tui.app.widgets.findings import FindingsPanel
from tui.app.widgets.grid import GridTable
from tui.app.widgets.narrative import NarrativeBlock
from tui.app.widgets.status import StatusLine

CLAUSE = "区政府办代表区政府受理政府信息公开申请 17 件"


@pytest.fixture(autouse=True)
def _reports(in_reports_copy):
    global REPORTS
    REPORTS = in_reports_copy


def status_text(app):
    return str(app.screen.query_one(StatusLine).render())


def marked(block):
    """[(text, style)] of the highlighted stretches of a narrative block."""
    plain = block._rendered.plain
    return [(plain[s.start:s.end], str(s.style)) for s in block._rendered.spans if "reverse" in str(s.style)]


def glyph_before(block, text):
    plain = block._rendered.plain
    i = plain.rindex(text)  # in the text, not in the messages above it
    return plain[i - 1]


async def open_report(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    return screen


async def test_claim_marks_cell_and_clause_and_n_visits_both():
    app = NianbaoApp([str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(pilot)
        # the report opens on its one problem: the table cell of the claim's first reading
        assert screen.address == "applications.new_received[6]"
        assert isinstance(screen.focused, GridTable)
        text = status_text(app)
        assert CLAUSE in text
        assert "正文称 17 件；表三 新收 95 件，新收+上年结转 95 件" in text
        # the clause is highlighted in 一、总体情况, after the warning glyph
        block = screen.query_one("#block-text-overview", NarrativeBlock)
        assert [t for t, _ in marked(block)] == [CLAUSE]
        assert glyph_before(block, CLAUSE) == "!"
        # n: the clause itself
        await pilot.press("n")
        await pilot.pause()
        assert screen.address == "text.overview"
        assert screen.focused is block
        (style,) = [s for t, s in marked(block) if t == CLAUSE]
        assert "underline" in style  # the clause `n` stands on
        assert CLAUSE in status_text(app)
        # n again wraps to the table cell, N comes back to the clause
        await pilot.press("n")
        await pilot.pause()
        assert screen.address == "applications.new_received[6]"
        assert all("underline" not in s for _, s in marked(block))
        await pilot.press("N")
        await pilot.pause()
        assert screen.address == "text.overview"


async def test_claim_clause_visible_at_80x24():
    app = NianbaoApp([str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot)
        await pilot.press("n")
        await pilot.pause()
        block = screen.query_one("#block-text-overview", NarrativeBlock)
        view = screen.query_one("#report-view")
        line = block.virtual_region.y + block.line_of(screen._current)
        assert view.scroll_y <= line < view.scroll_y + view.size.height


async def test_placeholder_highlighted_in_the_text(tmp_path):
    path = REPORTS / "huaian-2024.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("个别单位政策解读", "个别单位（如某某局）政策解读", 1), encoding="utf-8")
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(pilot)
        block = screen.query_one("#block-text-problems", NarrativeBlock)
        assert [t for t, _ in marked(block)] == ["某某"]
        assert glyph_before(block, "某某局") == "✗"
        assert screen.address == "text.problems"  # the only problem: the report opens there
        assert "某某" in status_text(app)


LAPSED_RECORD = """
[[review.accepted]]
rule = "appeals.row-total"
cells = ["appeals.reconsideration[4]"]
expected = 11
actual = 7
reason = "原件如此"
user = "reviewer1"
at = 2024-01-25T16:38:00+08:00
"""


async def test_lapsed_acceptance_shown():
    path = REPORTS / "hongze-2023.toml"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(LAPSED_RECORD)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(pilot)
        mark = screen.model.marks["appeals.reconsideration[4]"]
        (f,) = [x for x in mark.findings if x.rule == "appeals.row-total"]
        assert f.lapsed and not f.accepted
        assert mark.glyph == "✗"  # not ≃ (accepted): the acceptance was for 7, the total is now 0
        screen.goto("appeals.reconsideration[4]")
        await pilot.pause()
        assert "已接受的数字已变化" in status_text(app)
        panel = screen.query_one(FindingsPanel)
        shown = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert any("已接受的数字已变化" in s for s in shown)


async def test_acceptance_with_the_same_figures_shows_accepted():
    path = REPORTS / "hongze-2023.toml"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(LAPSED_RECORD.replace("actual = 7", "actual = 0"))
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(pilot)
        mark = screen.model.marks["appeals.reconsideration[4]"]
        assert mark.glyph == "≃"  # GLYPHS["accepted"] (issue 13.5)
        screen.goto("appeals.reconsideration[4]")
        await pilot.pause()
        assert "已接受的数字已变化" not in status_text(app)


async def test_side_by_side_narrative_diff_marks_the_clause():
    from tui.app.widgets.text_diff import TextDiffView

    app = NianbaoApp([str(REPORTS / "hongze-2023.toml"), str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = next(v for v in app.screen.query(TextDiffView) if v.address == "text.overview")
        plain = view.rendered.plain
        runs = "".join(plain[s.start:s.end] for s in view.rendered.spans if "reverse" in str(s.style))
        # the clause of the 2024 text, marked inside the diff (it may be split by diff brackets)
        assert "17 件" in runs and "受理" in runs
        assert "!" in plain[: plain.rindex("17 件")]


async def test_level_and_published_added_and_edited_in_the_workbench():
    from tui.app.screens.dialogs import ChoiceDialog, EditCellDialog

    path = REPORTS / "lingwu-minzheng-2020.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(pilot)
        assert "report.level" not in screen.model.data["report"]
        # both are listed although the file lacks them
        assert screen.goto("report.published")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)  # 文件中没有此项，添加？
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("ctrl+u", *"2021-02-01", "enter")
        await pilot.pause()
        import datetime

        assert screen.model.data["report"]["published"] == datetime.date(2021, 2, 1)
        # no level: the 31 March deadline, so 1 February is in time
        assert not [f for f in screen.model.findings if f.rule == "report.deadline"]
        assert screen.goto("report.level")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("ctrl+u", *"县级", "enter")  # refused: not a level
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("ctrl+u", *"部门", "enter")
        await pilot.pause()
        assert screen.model.data["report"]["level"] == "department"
        (f,) = [f for f in screen.model.findings if f.rule == "report.deadline"]
        assert f.first == "report.published"
        # edit the level like any identity field: back to government
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *"government", "enter")
        await pilot.pause()
        assert screen.model.data["report"]["level"] == "government"
        assert not [f for f in screen.model.findings if f.rule == "report.deadline"]
