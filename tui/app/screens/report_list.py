"""The report list: every report of a folder with its state at a glance.

Checking runs in a worker thread with a progress bar, so a large folder never
freezes the screen. Typing in the filter box narrows the list; `s` sorts.
"""

import os
import re

from rich.text import Text
from textual import work
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, ProgressBar, Static

from tui.app.actions import bindings
from tui.app.colours import severity_colours
from tui.app.widgets.footer import KeyFooter
from tui.core.inert import inert
from tui.core.checker import check_loaded, expand_paths, iter_loaded
from tui.core.findings import GLYPHS
from tui.core.review import STATE_GLYPHS, STATE_NAMES


class Entry:
    """One row: a checked report, or an invalid file."""

    __slots__ = ("file", "checked", "invalid")

    def __init__(self, file, checked=None, invalid=None):
        self.file = file
        self.checked = checked
        self.invalid = invalid

    @property
    def report(self):
        return self.checked.report if self.checked else None

    def sort_value(self, key):
        c = self.checked
        if c is None:
            return {"agency": [""], "year": 0, "errors": 10**9, "warnings": 0, "signoff": "",
                    "file": natural(self.file)}[key]
        if key == "agency":
            return natural(c.report.agency)
        if key == "file":
            return natural(self.file)
        return {"year": c.report.year, "errors": c.errors, "warnings": c.warnings, "signoff": c.signoff}[key]

    def search_text(self):
        c = self.checked
        if c is None:
            return f"{self.file} 无效 无法读取 {self.invalid.error}".lower()
        r = c.report
        state = "有错误" if c.errors else ("有警告" if c.warnings else "无问题")
        return " ".join([r.agency, str(r.year), r.form.name, STATE_NAMES[c.signoff], c.signoff, state,
                         self.file]).lower()


SORTS = (("agency", "机关"), ("year", "年度"), ("errors", "错误数"), ("warnings", "警告数"),
         ("signoff", "签核"), ("file", "文件"))


def natural(text):
    """Sort key reading digit runs as numbers: 测试机关1, 2, 10, 100 (issue 13.10)."""
    parts = re.split(r"(\d+)", text)
    return [int(p) if i % 2 else p for i, p in enumerate(parts)]


def _chain(first, rest):
    if first is not None:
        yield first
        yield from rest


class _real_stderr:
    """multiprocessing hands sys.stderr's descriptor to its helper process;
    Textual's captured stderr has none (-1), so use the real one meanwhile."""

    def __enter__(self):
        import sys

        self.saved = sys.stderr
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__

    def __exit__(self, *exc):
        import sys

        sys.stderr = self.saved
        return False


def stat_files(paths):
    """{file: (mtime_ns, size)} of every report under paths: a cheap fingerprint
    telling whether the list must be re-checked (issue 13.1)."""
    out = {}
    for path, display in expand_paths(paths):
        try:
            st = os.stat(path)
        except OSError:
            out[display] = None
            continue
        out[display] = (st.st_mtime_ns, st.st_size)
    return out


def load_entries(paths, progress=None):
    """Load and check every report under paths; progress(done, total) is called as it goes."""
    items = expand_paths(paths)
    loaded, invalid = [], []
    # Worker processes (spawned: this process has threads) parse and check many
    # files, so the UI thread keeps the interpreter to itself and stays responsive.
    results = iter_loaded(items, start_method="spawn")
    with _real_stderr():  # the pool starts on the first result
        first = next(results, None)
    for i, (r, findings) in enumerate(_chain(first, results), 1):
        if findings is None:
            invalid.append(r)
        else:
            loaded.append((r, findings))
        if progress and (i % 20 == 0 or i == len(items)):
            progress(i, len(items))
    checked = check_loaded(loaded, jobs=1)  # pairing here: forking from a threaded process is unsafe
    entries = {c.report.file: Entry(c.report.file, checked=c) for c in checked}
    entries.update({i.file: Entry(i.file, invalid=i) for i in invalid})
    return [entries[d] for _, d in items if d in entries]


class ReportListScreen(Screen):
    SCOPE = "list"
    BINDINGS = bindings("list")
    DEFAULT_CSS = """
    ReportListScreen #list-title { height: 1; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ReportListScreen #filter-row { height: 1; }
    ReportListScreen #filter { border: none; height: 1; padding: 0 1; width: 1fr; }
    ReportListScreen #sort-label { width: auto; padding: 0 1; color: $text-muted; }
    ReportListScreen #progress { height: 1; }
    ReportListScreen #reports { height: 1fr; }
    ReportListScreen #detail { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, paths, **kwargs):
        super().__init__(**kwargs)
        self.paths = [str(p) for p in paths]
        self.entries = []
        self.shown = []
        self.sort_index = 0
        self.reverse = False
        self.checking = True
        self.marked = []  # files marked for side-by-side comparison (at most two), in marking order
        self.stats = None  # stat_files() taken before the last check; None until the first

    def compose(self):
        yield Static(id="list-title")
        with Horizontal(id="filter-row"):
            yield Input(placeholder="/ 筛选：机关、年度、文件名、有错误、已过期", id="filter")
            yield Static(id="sort-label")
        yield ProgressBar(id="progress", show_eta=False)
        yield DataTable(id="reports", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        yield KeyFooter()

    def on_mount(self):
        table = self.query_one("#reports", DataTable)
        self._columns(table)
        self._title(f"正在检查 {' '.join(self.paths)} …")
        self._sort_label()
        table.focus()
        self.load()
        # A file changed on disk (by another reviewer, an editor, git) shows in
        # the list without `r`: a periodic stat of the folder, re-checking only
        # when something changed.
        self.set_interval(3.0, self.refresh_if_changed)

    def on_screen_resume(self):
        """Back from a report (or a dialog): show the files' current state."""
        self.refresh_if_changed()

    def refresh_if_changed(self):
        if self.checking or self.stats is None or not self.is_current:
            return
        self._stat_and_reload()

    @work(thread=True, exclusive=True, group="stat")
    def _stat_and_reload(self):
        if stat_files(self.paths) != self.stats:
            self.app.call_from_thread(self.load)

    def _title(self, text):
        self.query_one("#list-title", Static).update(Text(inert(text), no_wrap=True, overflow="crop"))

    @work(thread=True, exclusive=True, group="load")
    def load(self):
        bar = self.query_one("#progress", ProgressBar)

        def progress(done, total):
            self.app.call_from_thread(bar.update, total=total, progress=done)

        stats = stat_files(self.paths)  # before reading: a change during the check shows next time
        entries = load_entries(self.paths, progress)
        self.app.call_from_thread(self._loaded, entries, stats)

    def _loaded(self, entries, stats=None):
        self.stats = stats
        self.checking = False
        self.entries = entries
        self.query_one("#progress", ProgressBar).display = False
        self.populate()

    def action_refresh(self):
        self.checking = True
        self._title(f"正在检查 {' '.join(self.paths)} …")
        self.query_one("#progress", ProgressBar).display = True
        self.load()

    # -- table ----------------------------------------------------------

    def _columns(self, table):
        """Columns sized to the screen: fixed ones narrow, the rest to agency and file."""
        self.narrow = (self.size.width or self.app.size.width) < 100
        fixed = (("状态", "state", 8 if self.marked else 4), ("年度", "year", 4), ("格式", "form", 4 if self.narrow else 8),
                 ("错误", "errors", 4), ("警告", "warnings", 4), ("签核", "signoff", 8))
        width = (self.size.width or self.app.size.width) - 2
        spare = max(20, width - sum(w for _, _, w in fixed) - 2 * 8 - 2)
        agency = max(10, min(spare * 2 // 3, 36))
        sizes = {"state": fixed[0][2], "agency": agency, "year": 4, "form": fixed[2][2], "errors": 4, "warnings": 4,
                 "signoff": 8, "file": max(10, spare - agency)}
        for label, key in (("状态", "state"), ("机关", "agency"), ("年度", "year"), ("格式", "form"),
                           ("错误", "errors"), ("警告", "warnings"), ("签核", "signoff"), ("文件", "file")):
            table.add_column(label, key=key, width=sizes[key])

    def on_resize(self, event):
        if self.entries:
            self.populate()

    def populate(self):
        colours = severity_colours(self.app)
        terms = self.query_one("#filter", Input).value.lower().split()
        key = SORTS[self.sort_index][0]
        entries = sorted(self.entries, key=lambda e: (e.sort_value(key), natural(e.file)), reverse=self.reverse)
        self.shown = [e for e in entries if all(t in e.search_text() for t in terms)]
        table = self.query_one("#reports", DataTable)
        current = table.cursor_row
        table.clear(columns=True)  # columns sized afresh for what is shown
        self._columns(table)
        for e in self.shown:
            table.add_row(*self._cells(e, colours), key=e.file)
        if self.shown:
            table.move_cursor(row=min(current, len(self.shown) - 1))
        if self.checking:
            return  # the title shows progress until the folder is checked
        n = len(self.entries)
        bad = sum(1 for e in self.entries if e.checked and e.checked.errors)
        warn = sum(1 for e in self.entries if e.checked and not e.checked.errors and e.checked.warnings)
        signed = sum(1 for e in self.entries if e.checked and e.checked.signoff == "approved")
        invalid = sum(1 for e in self.entries if e.invalid)
        # Counts first, folder last: at 80 columns the counts (and how many a
        # filter shows) survive; the folder is cut with … (issue 13.2).
        self._title(f"{n} 份：✗ 有错误 {bad} · ! 有警告 {warn} · {STATE_GLYPHS['approved']} 已通过 {signed} · "
                    f"? 无法读取 {invalid}" + (f" · 显示 {len(self.shown)}" if terms else "")
                    + (f" · 已标记 {len(self.marked)} 份（c 比较）" if self.marked else "")
                    + f" · {' '.join(self.paths)}")
        self._detail()

    def _cells(self, e, colours):
        if e.invalid:
            return [Text("?", style="bold " + colours["error"]), Text("（无法读取）", style=colours["error"]),
                    "", "", "", "", "", Text(inert(os.path.basename(e.file)), style="dim")]
        c = e.checked
        r = c.report
        if c.errors:
            state = Text("✗", style="bold " + colours["error"])
        elif c.warnings:
            state = Text("!", style="bold " + colours["warning"])
        else:
            state = Text(GLYPHS["clean"], style=colours["accepted"])
        if e.file in self.marked:  # marked for comparison: 比 plus its order, readable without colour
            state = Text.assemble((f"比{self.marked.index(e.file) + 1} ", "bold reverse"), state)
        sign_style = {"approved": colours["accepted"], "rejected": colours["error"],
                      "stale": colours["warning"]}.get(c.signoff, "dim")
        return [state, Text(inert(r.agency)), str(r.year), r.form.name[:4] if getattr(self, "narrow", False) else r.form.name,
                Text(str(c.errors), style=colours["error"] if c.errors else "dim", justify="right"),
                Text(str(c.warnings), style=colours["warning"] if c.warnings else "dim", justify="right"),
                Text(f"{STATE_GLYPHS[c.signoff]} {STATE_NAMES[c.signoff]}", style=sign_style),
                Text(inert(os.path.basename(e.file)), style="dim")]

    def _selected(self):
        table = self.query_one("#reports", DataTable)
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _detail(self):
        e = self._selected()
        if e is None:
            text = "（没有符合条件的报告）" if self.entries else ""
        elif e.invalid:
            text = inert(e.invalid.error)
        else:
            c = e.checked
            first = next((f for f in c.findings if f.blocking), c.findings[0] if c.findings else None)
            # The file's problems and sign-off, not its digest (issue 13.10).
            state = f"{STATE_GLYPHS[c.signoff]} {STATE_NAMES[c.signoff]}"
            if first is None:
                text = f"{GLYPHS['clean']} 未发现问题 · {state} · {inert(e.file)}"
            else:
                text = f"✗ {c.errors} ! {c.warnings} · {state} · {first.glyph} {inert(first.message)}"
            if c.signoff == "stale":
                from tui.store.signoff import stale_description

                text = f"! 签核已过期：{inert(stale_description(c.report.data, c.report.digest))}\n{text}"
        self.query_one("#detail", Static).update(Text(text.replace("…", "..."), overflow="crop"))

    def on_data_table_row_highlighted(self, event):
        self._detail()

    def on_data_table_row_selected(self, event):
        self.action_open_selected()

    # -- actions --------------------------------------------------------

    def action_open_selected(self):
        e = self._selected()
        if e is None:
            return
        if e.invalid:
            self.notify(e.invalid.error, title="无法打开", severity="error", timeout=8)
            return
        context = [x.report for x in self.entries if x.checked]
        self.app.open_report(e.report, context)

    def action_filter(self):
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event):
        if event.input.id == "filter":
            self.populate()

    def on_input_submitted(self, event):
        if event.input.id == "filter":
            self.query_one("#reports", DataTable).focus()

    def action_clear_filter(self):
        """Esc: the filter text goes (the whole list shows again) and the keys go back to the list."""
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            self.populate()
        self.query_one("#reports", DataTable).focus()

    # -- cursor (j/k/g/G as on the other screens; the table handles the arrows itself) --

    def _table(self):
        return self.query_one("#reports", DataTable)

    def action_cursor_down(self):
        table = self._table()
        if not table.has_focus:  # ↓ in the filter box: back to the list
            table.focus()
            return
        table.action_cursor_down()

    def action_cursor_up(self):
        self._table().action_cursor_up()

    def action_first_cell(self):
        if self.shown:
            self._table().move_cursor(row=0)

    def action_last_cell(self):
        if self.shown:
            self._table().move_cursor(row=len(self.shown) - 1)

    def _sort_label(self):
        self.query_one("#sort-label", Static).update(
            f"排序：{SORTS[self.sort_index][1]}{'（倒序）' if self.reverse else ''}")

    def action_sort_next(self):
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.reverse = SORTS[self.sort_index][0] in ("errors", "warnings")  # most problems first
        self._sort_label()
        self.populate()

    def action_sort_reverse(self):
        self.reverse = not self.reverse
        self._sort_label()
        self.populate()

    # -- review opinions -------------------------------------------------

    def action_preview_opinion(self):
        e = self._selected()
        if e is None:
            return
        if e.invalid:
            self.notify(e.invalid.error, title="无法读取", severity="error", timeout=8)
            return
        from tui.app.screens.opinion import OpinionScreen
        from tui.core.opinion.model import Opinion

        self.app.push_screen(OpinionScreen(Opinion(e.checked)))

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
        from tui.render import render_summary
        from tui.core.opinion.model import Summary

        summary = Summary([e.checked for e in chosen if e.checked], [e.invalid for e in chosen if e.invalid])
        what = f"汇总表（{'标记的 ' if marked else ''}{len(chosen)} 份报告）"
        export_document(self, what, summary_path(self.paths), SUMMARY_FORMATS,
                        lambda fmt: render_summary(summary, fmt))

    # -- side by side ---------------------------------------------------

    def action_toggle_mark(self):
        e = self._selected()
        if e is None or e.invalid:
            return
        if e.file in self.marked:
            self.marked.remove(e.file)
        else:
            self.marked.append(e.file)
            if len(self.marked) > 2:
                dropped = self.marked.pop(0)
                self.notify(f"最多标记两份，已取消标记 {os.path.basename(dropped)}")
        self.populate()
        table = self.query_one("#reports", DataTable)
        if table.cursor_row + 1 < len(self.shown):  # like a file manager: mark and move on
            table.move_cursor(row=table.cursor_row + 1)

    def action_compare(self):
        by_file = {x.file: x for x in self.entries if x.checked}
        marked = [by_file[f] for f in self.marked if f in by_file]
        here = self._selected()
        if len(marked) == 2:
            pair = marked
        elif len(marked) == 1 and here is not None and here.checked and here is not marked[0]:
            pair = [marked[0], here]
        else:
            base = marked[0] if marked else here
            if base is None or base.invalid:
                return
            r = base.report
            previous = [x for x in by_file.values() if x.report.agency == r.agency and x.report.year == r.year - 1]
            if not previous:
                self.notify(f"没有 {r.agency} {r.year - 1} 年度的报告可比较；用空格标记两份报告后按 c",
                            severity="warning")
                return
            pair = [previous[0], base]
        context = [x.report for x in self.entries if x.checked]
        self.app.open_compare(pair[0].report, pair[1].report, context)

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
    def _run_import(self, source, folder):
        from tui.commands.import_ import import_one

        stem = os.path.splitext(os.path.basename(source))[0] or "report"
        out = os.path.join(folder, stem + ".toml")
        result, error = import_one(source, out)
        self.app.call_from_thread(self._imported, source, out, result, error)

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
        self.action_refresh()
        context = [x.report for x in self.entries if x.checked]
        self.app.open_report(report, context)
