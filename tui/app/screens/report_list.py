"""The report list: every report of a folder with its state at a glance.

Rows appear at once (file names), then fill as worker processes identify
and check the files (tui.core.batch; a progress bar shows how far). The data
is tui.app.listmodel (small entries, sorting, filtering); the table draws
only the rows on screen (tui.app.widgets.virtual_table), so 50,000 reports
sort and filter in a blink and never freeze the keys. Typing in the filter
box narrows the list; `s` sorts.
"""

import os
import time

from rich.text import Text
from textual import work
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static

from tui.app.actions import bindings
from tui.app.colours import severity_colours
from tui.app.listmodel import CHECKED, INVALID, SORTS, Entry, ListModel  # noqa: F401 - SORTS re-exported
from tui.app.widgets.virtual_table import VirtualTable
from tui.core.checker import expand_paths
from tui.core.review import STATE_GLYPHS, STATE_NAMES

UPDATE_EVERY = 0.25  # seconds between list updates while checking


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


def check_into(items, update, jobs=None):
    """Check [(path, display)]; call update(changes, done, total) every
    UPDATE_EVERY seconds (and at the end) with [(index, ident or summary or
    Invalid)] since the last call. done/total count both steps (identify, check)."""
    from tui.core.batch import run, summary

    total = 2 * len(items)
    changes, done, last = [], 0, time.monotonic()

    def add(i, got):
        nonlocal done, last
        changes.append((i, got))
        done += 1
        now = time.monotonic()
        if now - last >= UPDATE_EVERY:
            update(changes[:], done, total)
            changes.clear()
            last = now

    # Worker processes (spawned: this process has threads) parse and check,
    # so the UI thread keeps the interpreter to itself and stays responsive.
    results = run(items, summary, jobs=jobs, start_method="spawn", on_ident=add)
    with _real_stderr():  # the pool starts on the first result
        first = next(results, None)
    for i, got in _chain(first, results):
        add(i, got)  # an unreadable file comes twice (identify, then here): counted as both steps
    update(changes, total, total)


def load_entries(paths, progress=None):
    """Load and check every report under paths (no screen): [Entry], file order."""
    items = expand_paths(paths)
    entries = [Entry(d) for _, d in items]

    def update(changes, done, total):
        apply_changes(entries, changes)
        if progress:
            progress(done, total)

    check_into(items, update)
    return entries


def apply_changes(entries, changes):
    from tui.core.batch import Ident
    from tui.core.report import Invalid

    for i, got in changes:
        e = entries[i]
        if isinstance(got, Invalid):
            if e.state != INVALID:
                e.failed(got)
        elif isinstance(got, Ident):
            if e.state != INVALID:
                e.identified(got.agency, got.year)
        else:
            e.checked_as(got)


class ReportListScreen(Screen):
    SCOPE = "list"
    BINDINGS = bindings("list")
    DEFAULT_CSS = """
    ReportListScreen #list-title { height: 1; background: $panel; padding: 0 1; }
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
        self.model = ListModel()
        self.checking = True
        self.marked = []  # files marked for side-by-side comparison (at most two), in marking order
        self._colours = None

    # The list's data, as the screen's callers and tests read it.
    @property
    def entries(self):
        return self.model.entries

    @property
    def shown(self):
        return self.model.shown

    @property
    def sort_index(self):
        return self.model.sort_index

    @property
    def reverse(self):
        return self.model.reverse

    def compose(self):
        yield Static(id="list-title")
        with Horizontal(id="filter-row"):
            yield Input(placeholder="/ 筛选：机关、年度、文件名、有错误、已过期", id="filter")
            yield Static(id="sort-label")
        yield ProgressBar(id="progress", show_eta=False)
        yield VirtualTable(self._row_cells, self.model.index_of, id="reports")
        yield Static(id="detail")
        yield Footer()

    def on_mount(self):
        table = self.query_one("#reports", VirtualTable)
        self._columns(table)
        self._title(f"正在检查 {' '.join(self.paths)} …")
        self._sort_label()
        table.focus()
        self.load()

    def _title(self, text):
        self.query_one("#list-title", Static).update(Text(text, no_wrap=True, overflow="crop"))

    @work(thread=True, exclusive=True, group="load")
    def load(self):
        items = expand_paths(self.paths)
        entries = [Entry(d) for _, d in items]
        self.app.call_from_thread(self._begin, entries)

        def update(changes, done, total):
            self.app.call_from_thread(self._update, changes, done, total)

        check_into(items, update)
        self.app.call_from_thread(self._loaded)

    def _begin(self, entries):
        """File names at once: the list is usable before any file is read."""
        self.model.set_entries(entries)
        self.query_one("#progress", ProgressBar).update(total=max(1, 2 * len(entries)), progress=0)
        self.populate()

    def _update(self, changes, done, total):
        apply_changes(self.model.entries, changes)
        self.query_one("#progress", ProgressBar).update(total=max(1, total), progress=done)
        self.populate()

    def _loaded(self):
        self.checking = False
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
        table.set_columns([(label, key, sizes[key]) for label, key in (
            ("状态", "state"), ("机关", "agency"), ("年度", "year"), ("格式", "form"), ("错误", "errors"),
            ("警告", "warnings"), ("签核", "signoff"), ("文件", "file"))])

    def on_resize(self, event):
        self._columns(self.query_one("#reports", VirtualTable))

    def populate(self):
        """Sort and filter again, and redraw what is on screen (never every row)."""
        table = self.query_one("#reports", VirtualTable)
        self._colours = severity_colours(self.app)
        current = self._selected()
        self.model.set_filter(self.query_one("#filter", Input).value)
        table.set_rows(len(self.model.shown))
        if current is not None and self.checking and table.cursor_row:
            # while the list fills, a cursor the user moved stays on its report
            at = self.model.index_of(current.file)
            if at is not None and at != table.cursor_row:
                table.move_cursor(row=at)
        self._columns(table)
        self._summary()
        self._detail()

    def _summary(self):
        n = len(self.model.entries)
        if self.checking:
            done = sum(1 for e in self.model.entries if e.state in (CHECKED, INVALID))
            self._title(f"正在检查 {' '.join(self.paths)} … {done}/{n}")
            return
        bad, warn, signed, invalid = self.model.counts()
        terms = self.model.terms
        self._title(f"nianbao · {' '.join(self.paths)} · {n} 份：✗ 有错误 {bad} · ! 有警告 {warn} · "
                    f"✓ 已通过 {signed} · ? 无法读取 {invalid}" + (f" · 显示 {len(self.shown)}" if terms else "")
                    + (f" · 已标记 {len(self.marked)} 份（c 比较）" if self.marked else ""))

    def _row_cells(self, index):
        if index >= len(self.model.shown):
            return []
        return self._cells(self.model.shown[index], self._colours or severity_colours(self.app))

    def _cells(self, e, colours):
        name = Text(os.path.basename(e.file), style="dim")
        if e.invalid:
            return [Text("?", style="bold " + colours["error"]), Text("（无法读取）", style=colours["error"]),
                    "", "", "", "", "", name]
        if e.checked is None:  # not yet checked
            return [Text("…", style="dim"), e.agency, str(e.year) if e.year else "", "", "", "", "", name]
        if e.errors:
            state = Text("✗", style="bold " + colours["error"])
        elif e.warnings:
            state = Text("!", style="bold " + colours["warning"])
        else:
            state = Text("✓", style=colours["accepted"])
        if e.file in self.marked:  # marked for comparison: 比 plus its order, readable without colour
            state = Text.assemble((f"比{self.marked.index(e.file) + 1} ", "bold reverse"), state)
        sign_style = {"approved": colours["accepted"], "rejected": colours["error"],
                      "stale": colours["warning"]}.get(e.signoff, "dim")
        return [state, e.agency, str(e.year), e.form[:4] if getattr(self, "narrow", False) else e.form,
                Text(str(e.errors), style=colours["error"] if e.errors else "dim", justify="right"),
                Text(str(e.warnings), style=colours["warning"] if e.warnings else "dim", justify="right"),
                Text(f"{STATE_GLYPHS[e.signoff]} {STATE_NAMES[e.signoff]}", style=sign_style), name]

    def _selected(self):
        table = self.query_one("#reports", VirtualTable)
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _detail(self):
        e = self._selected()
        if e is None:
            text = "（没有符合条件的报告）" if self.entries and not self.checking else ""
        elif e.invalid:
            text = e.invalid.error
        elif e.checked is None:
            text = f"{e.file}  正在检查…"
        else:
            text = f"{e.file}  摘要：{e.digest[:19]}…" if not e.detail else e.detail
            if e.signoff == "stale":
                text = f"! 签核已过期：{self._stale(e)}\n{text}"
        self.query_one("#detail", Static).update(Text(text.replace("…", "..."), overflow="crop"))

    @staticmethod
    def _stale(e):
        from tui.core.load import load_path
        from tui.core.report import Invalid
        from tui.store.signoff import stale_description

        r = load_path(e.file)
        return "文件已无法读取" if isinstance(r, Invalid) else stale_description(r.data, r.digest)

    def on_virtual_table_row_highlighted(self, event):
        self._detail()

    def on_virtual_table_row_selected(self, event):
        self.action_open_selected()

    # -- actions --------------------------------------------------------

    def _load_report(self, e):
        """The entry's report, read again from its file (the list keeps none)."""
        from tui.core.load import load_path
        from tui.core.report import Invalid

        r = load_path(e.file)
        if isinstance(r, Invalid):
            self.notify(r.error, title="无法打开", severity="error", timeout=8)
            return None
        return r

    def _related_reports(self, *entries):
        """The reports the opened ones pair with: same agency, same or previous year."""
        from tui.core.load import load_path
        from tui.core.report import Invalid

        seen, out = set(), []
        for e in entries:
            for x in self.model.related(e):
                if x.file not in seen:
                    seen.add(x.file)
                    r = load_path(x.file)
                    if not isinstance(r, Invalid):
                        out.append(r)
        return out

    def action_open_selected(self):
        e = self._selected()
        if e is None:
            return
        if e.invalid:
            self.notify(e.invalid.error, title="无法打开", severity="error", timeout=8)
            return
        if e.checked is None:
            self.notify("这份报告还在检查中，请稍候", timeout=3)
            return
        report = self._load_report(e)
        if report is not None:
            self.app.open_report(report, self._related_reports(e))

    def action_filter(self):
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event):
        if event.input.id == "filter":
            self.populate()

    def on_input_submitted(self, event):
        if event.input.id == "filter":
            self.query_one("#reports", VirtualTable).focus()

    def on_key(self, event):
        box = self.query_one("#filter", Input)
        if box.has_focus and event.key in ("escape", "down"):
            event.stop()
            self.query_one("#reports", VirtualTable).focus()

    def _sort_label(self):
        self.query_one("#sort-label", Static).update(
            f"排序：{SORTS[self.sort_index][1]}{'（倒序）' if self.reverse else ''}")

    def action_sort_next(self):
        self.model.sort_next()
        self._sort_label()
        self.populate()

    def action_sort_reverse(self):
        self.model.sort_reverse()
        self._sort_label()
        self.populate()

    # -- side by side ---------------------------------------------------

    def action_toggle_mark(self):
        e = self._selected()
        if e is None or e.invalid or e.checked is None:
            return
        if e.file in self.marked:
            self.marked.remove(e.file)
        else:
            self.marked.append(e.file)
            if len(self.marked) > 2:
                dropped = self.marked.pop(0)
                self.notify(f"最多标记两份，已取消标记 {os.path.basename(dropped)}")
        self.populate()
        table = self.query_one("#reports", VirtualTable)
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
            if base is None or base.invalid or base.checked is None:
                return
            previous = [x for x in by_file.values() if x.agency == base.agency and x.year == base.year - 1]
            if not previous:
                self.notify(f"没有 {base.agency} {base.year - 1} 年度的报告可比较；用空格标记两份报告后按 c",
                            severity="warning")
                return
            pair = [previous[0], base]
        reports = [self._load_report(x) for x in pair]
        if None in reports:
            return
        self.app.open_compare(reports[0], reports[1], self._related_reports(*pair))
