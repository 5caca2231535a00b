"""Pilot tests of review opinions in the workbench: the preview screen (80×24),
export (w) of the open report's opinion and of the list's summary, never
overwriting without asking."""

import csv
import io
import shutil

import pytest
from textual.widgets import Input

from tests.conftest import REPORTS
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import ChoiceDialog, PromptDialog
from tui.app.screens.opinion import OpinionScreen
from tui.app.screens.report import ReportScreen
from tui.app.screens.report_list import ReportListScreen


@pytest.fixture
def folder(tmp_path):
    for name in ("hongze-2023.toml", "hongze-2024.toml", "huaian-2024.toml", "lingwu-minzheng-2020.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    return tmp_path


async def settle(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def answer(pilot, value=None):
    """Confirm the path dialog (optionally typing a new path)."""
    dialog = pilot.app.screen
    assert isinstance(dialog, PromptDialog)
    if value is not None:
        dialog.query_one(Input).value = value
    await pilot.press("enter")
    await settle(pilot)


async def test_preview_of_the_open_report_at_80x24(folder):
    app = NianbaoApp([str(folder / "hongze-2023.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpinionScreen)
        text = screen.text
        assert "审查意见：淮安市洪泽区人民政府 2023 年度" in text
        assert "签核状态：未签核" in text
        assert "✗ 错误  四、政府信息公开行政复议、行政诉讼情况 › 行政复议 › 总计" in text
        assert "单元格 appeals.reconsideration[4]  发布值 0  应为 11" in text
        # what the reviewer sees on the 80×24 screen: the title, the heading and the conclusion
        shown = _screen_text(app)
        assert "审查意见预览" in shown and "签核状态：未签核" in shown
        await pilot.press("j", "j", "pagedown")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)


def _screen_text(app):
    from rich.console import Console

    console = Console(width=80, height=24, color_system=None, record=True, file=io.StringIO())
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def test_export_opinion_from_the_report_beside_it_and_ask_before_overwriting(folder):
    report = folder / "hongze-2023.toml"
    target = folder / "hongze-2023.opinion.md"
    app = NianbaoApp([str(report)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.query_one(Input).value == str(target)  # default: beside the report
        await answer(pilot)
        text = target.read_text(encoding="utf-8")
        assert text.startswith("# 审查意见：淮安市洪泽区人民政府 2023 年度")
        assert "`appeals.litigation_after_reconsideration[4]`" in text
        # the CLI writes the same document
        from tests.reference import check_paths
        from tui.render import render_opinions
        from tests.reference import opinions

        cli = render_opinions(opinions(check_paths([str(report)] + [str(p) for p in folder.glob("*.toml")]),
                                       [str(report)]), "md").decode("utf-8")
        assert text == cli

        target.write_text("keep", encoding="utf-8")
        await pilot.press("w")
        await pilot.pause()
        await answer(pilot)
        assert isinstance(app.screen, ChoiceDialog)  # exists: ask
        await pilot.press("c")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == "keep"
        await pilot.press("w")
        await pilot.pause()
        await answer(pilot)
        await pilot.press("o")  # overwrite
        await settle(pilot)
        assert target.read_text(encoding="utf-8").startswith("# 审查意见")

        # another format, chosen by the extension
        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, str(folder / "op.html"))
        assert (folder / "op.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


async def test_export_refused_while_edits_are_unsaved(folder):
    app = NianbaoApp([str(folder / "huaian-2024.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.model.set("applications.new_received[0]", 999)
        await pilot.press("w")
        await pilot.pause()
        assert app.screen is screen  # no dialog
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, OpinionScreen) and "含未保存的修改" in _screen_text(app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, OpinionScreen)
        assert not list(folder.glob("*.opinion.*"))


async def test_export_opinion_from_the_preview(folder):
    app = NianbaoApp([str(folder)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportListScreen)
        files = [e.file for e in screen.shown]
        screen.query_one("#reports").move_cursor(row=files.index(str(folder / "lingwu-minzheng-2020.toml")))
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, OpinionScreen)
        assert "灵武市民政局 2020 年度" in app.screen.text and "结论：未发现问题。" in app.screen.text
        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, str(folder / "lingwu.docx"))
        docx = pytest.importorskip("docx")
        doc = docx.Document(str(folder / "lingwu.docx"))
        assert doc.paragraphs[0].text.startswith("审查意见：灵武市民政局")


def _rows(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


async def test_export_summary_of_the_list_all_or_marked(folder):
    app = NianbaoApp([str(folder)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("w")
        await pilot.pause()
        default = app.screen.query_one(Input).value
        assert default == str(folder / "opinion-summary.md")  # beside the reports
        await answer(pilot, str(folder / "all.csv"))
        rows = _rows(folder / "all.csv")
        assert len(rows) == 1 + 4 + 1
        assert {r[0] for r in rows[1:-1]} == {"淮安市洪泽区人民政府", "淮安市人民政府", "灵武市民政局"}
        assert rows[-1][0] == "合计" and rows[-1][3] == "2"

        files = [e.file for e in screen.shown]
        screen.query_one("#reports").move_cursor(row=files.index(str(folder / "hongze-2023.toml")))
        await pilot.press("space")
        await pilot.press("w")
        await pilot.pause()
        assert "标记的 1 份" in str(app.screen.title_text)
        await answer(pilot, str(folder / "marked.csv"))
        rows = _rows(folder / "marked.csv")
        assert [r[9] for r in rows[1:-1]] == [str(folder / "hongze-2023.toml")]

        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, str(folder / "marked.csv"))
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, str(folder / "bad.txt"))  # unknown extension: asked again
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("escape")
        assert not (folder / "bad.txt").exists()
