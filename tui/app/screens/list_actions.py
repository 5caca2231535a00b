"""The report list's review-opinion and import actions (issues 14 and 11).

A mixin of ReportListScreen, kept apart so the list screen stays about
the list: `p` previews a report's 审查意见, `w` exports the summary of the
marked (or shown) reports, `i` imports a published HTML/Word/PDF file and
opens it. Heavy modules (opinions, renderers, the importer) load on use.
"""

import os

from textual import work

from tui.app.deliver import deliver, ends_with_screen
from tui.core.inert import inert


class ListReviewActions:
    # -- review opinions -------------------------------------------------

    def action_preview_opinion(self):
        e = self._usable_selection("无法读取")
        if e is None:
            return
        from tui.app.screens.opinion import OpinionScreen
        from tui.core.opinion.model import Opinion
        from tui.core.report import Invalid

        checked = self._checked(e)
        if checked is None or isinstance(checked, Invalid):
            self.notify(inert(getattr(checked, "error", e.file)), title="无法读取", severity="error", timeout=8)
            return
        self.app.push_screen(OpinionScreen(Opinion(checked)))

    def summary_entries(self):
        """The entries a summary covers: the marked reports, else every report shown (after the filter)."""
        marked = [e for e in self.entries if e.file in self.marked]
        return marked or list(self.shown), bool(marked)

    def action_export_summary(self):
        if self.checking:
            self.notify("正在检查报告，请稍候再导出", severity="warning")
            return
        chosen, marked = self.summary_entries()
        if not chosen:
            self.notify("列表中没有报告", severity="warning")
            return
        from tui.app.export import export_document, summary_path
        from tui.core.opinion import SUMMARY_FORMATS
        from tui.core.opinion.model import Summary
        from tui.render import render_summary

        summary = Summary([], [e.invalid for e in chosen if e.invalid],
                          rows=[e.summary for e in chosen if e.checked and e.summary is not None])
        what = f"汇总表（{'标记的 ' if marked else ''}{len(chosen)} 份报告）"
        export_document(self, what, summary_path(self.paths), SUMMARY_FORMATS,
                        lambda fmt: render_summary(summary, fmt))

    # -- import (issue 11) ------------------------------------------------

    def _import_folder(self):
        for p in self.paths:
            if os.path.isdir(p):
                return p
        return os.path.dirname(self.paths[0]) if self.paths else "."

    def action_import_file(self):
        from tui.app.screens.dialogs import PromptDialog

        folder = self._import_folder()

        def chosen(path):
            if path:
                self._run_import(os.path.expanduser(path), folder)

        self.app.push_screen(PromptDialog(
            "导入年报（网页 .html、Word .docx、带文字层的 PDF）",
            f"原件的路径；写入 {folder} 下同名的 .toml 文件（不覆盖已有文件）"), chosen)

    @work(thread=True, exclusive=True, group="import")
    @ends_with_screen
    def _run_import(self, source, folder):
        from tui.commands.import_ import import_one

        stem = os.path.splitext(os.path.basename(source))[0] or "report"
        out = os.path.join(folder, stem + ".toml")
        result, error = import_one(source, out)
        deliver(self, self._imported, source, out, result, error)

    def _imported(self, source, out, result, error):
        from tui.core.inert import inert
        from tui.core.load import load_path
        from tui.core.report import Invalid

        if error:
            self.notify(inert(error), title=f"未导入 {inert(os.path.basename(source))}", severity="error", timeout=15)
            return
        report = load_path(out)
        if isinstance(report, Invalid):
            self.notify(inert(report.error), title="导入的文件无法打开", severity="error", timeout=15)
            return
        flagged = len([f for f in result.flags if f.has_value])
        self.notify(f"已导入为 {inert(os.path.basename(out))}：{flagged} 个单元格待核对（?）",
                    title="已导入", timeout=10)
        # Back in the list, the stat refresh finds the new file and checks it
        # (with its agency's other years), not the whole folder again.
        self.app.open_report(report, self._pairing_reports(report.agency, report.year, {report.file}))
