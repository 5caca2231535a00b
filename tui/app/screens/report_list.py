"""The report list: every report of a folder with its state at a glance.

Rows appear at once (file names), then fill as worker processes identify
and check the files (tui.core.batch; a progress bar shows how far). The data
is tui.app.listmodel (small entries, sorting, filtering); the table draws
only the rows on screen (tui.app.widgets.virtual_table), so 50,000 reports
sort and filter at once and never freeze the keys. Typing in the filter box
narrows the list; `s` sorts. Files changed on disk are found by a periodic
stat (in a thread) and only they, with their agency's other years, are
checked again.
"""

import os
import time

from rich.text import Text
from textual import work
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static

from tui.app import heap
from tui.app.actions import bindings
from tui.app.colours import severity_colours
from tui.app.deliver import deliver, ends_with_screen
from tui.app.listcheck import (BIG_FILE, RECHECK_ALL_FROM, STAT_EVERY, UPDATE_EVERY, Stop, _keep, _size,  # noqa: F401
                               apply_changes, check_into, in_slices, stat_folder, stat_items)
from tui.app.screens.list_actions import ListReviewActions
from tui.app.widgets.footer import KeyFooter
from tui.app.listmodel import CHECKED, INVALID, SORTS, Entry, ListModel, natural, row_of  # noqa: F401 - re-exported
from tui.app.widgets.virtual_table import VirtualTable
from tui.core.checker import expand_paths
from tui.core.findings import GLYPHS
from tui.core.inert import inert
from tui.core.review import STATE_GLYPHS, STATE_NAMES

class ReportListScreen(ListReviewActions, Screen):
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
        self.model = ListModel()
        self.checking = True
        self.marked = []  # files marked for side-by-side comparison (at most two), in marking order
        self.stats = None  # stat_items() taken before the last check; None until the first
        self._colours = None
        self._generation = 0  # of the running load: an older load's updates are dropped
        self._progress = (0, 0)
        self._stating = False
        self._stat_cost = 0.0  # seconds the last stat of the folder took
        self._stat_done = 0.0
        self._populate_cost = 0.0  # CPU seconds the last populate() took
        self._unsettled = False  # a list completed while another screen was shown: settle on return
        self._filling = False  # full collections put off until the check ends

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
        yield KeyFooter()

    def on_mount(self):
        table = self._table()
        self._columns(table)
        self._title(f"正在检查 {' '.join(self.paths)} …")
        self._sort_label()
        table.focus()
        self.load()
        # A file changed on disk (by another reviewer, an editor, git) shows in
        # the list without `r`: a periodic stat of the folder (in a thread),
        # re-checking only the files that changed.
        self.set_interval(STAT_EVERY, self.refresh_if_changed)

    def on_screen_resume(self):
        """Back from a report (or a dialog): show the files' current state."""
        self._settle_heap()
        self.refresh_if_changed(now=True)

    def _settle_heap(self):
        """A complete list's rows live long: out of full collections once shown (tui.app.heap)."""
        if self._unsettled and self._shown():
            self._unsettled = False
            heap.settle()

    def refresh_if_changed(self, now=False):
        # Only while the list is shown (coming back from a report stats at once).
        if self.checking or self.stats is None or not self._shown() or self._stating:
            return
        # A stat of 50,000 files takes ~0.4 s of this process's time: wait at
        # least 25× what the last one took, so that an open list never costs
        # more than ~4 % of a core (5,000 files: every STAT_EVERY seconds).
        if not now and time.monotonic() - self._stat_done < 25 * self._stat_cost:
            return
        self._stating = True
        self._stat_and_recheck(self._generation)

    @work(thread=True, exclusive=True, group="stat")
    @ends_with_screen
    def _stat_and_recheck(self, generation):
        try:
            began = time.monotonic()
            stats = stat_folder(self.paths)
            old = self.stats
            if old is not None and stats.keys() != old.keys():  # files came or went (or links): list exactly
                items = expand_paths(self.paths)
                stats = stat_items(items)
            else:
                items = [(d, d) for d in stats]  # expand_paths lists (path, path)
            self._stat_cost = time.monotonic() - began
            if old is None or stats == old or generation != self._generation:
                return
            changed = [item for item in items if stats[item[1]] != old.get(item[1])]
            removed = old.keys() - stats.keys()
            if len(changed) + len(removed) > max(48, RECHECK_ALL_FROM * len(items)):
                deliver(self, self.action_refresh)
                return
            self._recheck(generation, items, changed, removed, stats)
        finally:
            self._stat_done = time.monotonic()
            self._stating = False

    def _recheck(self, generation, items, changed, removed, stats):
        """Check again the changed files and their agencies' other files (pairing, duplicates)."""
        from tui.core.load import load_path
        from tui.core.report import Invalid

        agencies = set()
        for item in changed:  # their agencies as they are now
            r = load_path(*item)
            if not isinstance(r, Invalid):
                agencies.add(r.agency)
        targets = deliver(self, self._prepare_recheck, items, changed, removed, agencies)
        if targets is None:
            return
        sub_items = [(e_path, e.file) for e_path, e in targets]
        entries = [e for _, e in targets]

        def update(changes, done, total):
            if generation != self._generation:
                raise Stop
            deliver(self, self._apply, entries, changes)

        try:
            check_into(sub_items, update)
        except Stop:
            return
        self.stats = stats

    def _prepare_recheck(self, items, changed, removed, agencies):
        """In the UI thread: the list follows added and removed files; return
        [(path, entry)] to check again."""
        if self.checking:
            return None
        known = {e.file: e for e in self.model.entries}
        wanted = {d for _, d in changed}
        for d in wanted | set(removed):  # their agencies (as they were) pair differently now
            e = known.get(d)
            if e is not None and e.agency:
                agencies.add(e.agency)
        if len(known) != len(items) or removed:
            self.model.set_entries([known.get(d) or Entry(d) for _, d in items])
            known = {e.file: e for e in self.model.entries}
            self.marked = [f for f in self.marked if f in known]
        wanted.update(e.file for e in self.model.of_agencies(agencies))
        self.populate()
        return [(path, known[d]) for path, d in items if d in wanted]

    def _title(self, text):
        self.query_one("#list-title", Static).update(Text(inert(text), no_wrap=True, overflow="crop"))

    @work(thread=True, exclusive=True, group="load")
    @ends_with_screen
    def load(self):
        items = expand_paths(self.paths)
        generation, entries = deliver(self, self._begin, items)

        def update(changes, done, total):
            if generation != self._generation:
                raise Stop  # a newer load (r) replaced this one: its pool ends
            *first, last = in_slices(changes)  # a slice per turn of the interface thread
            for part in first:
                deliver(self, apply_changes, entries, part)
            deliver(self, self._update, entries, last, done, total)

        stats = stat_items(items)  # before reading: a change during the check shows next time
        try:
            check_into(items, update, every=self._update_every)
        except Stop:
            return
        deliver(self, self._loaded, generation, stats)

    def _update_every(self):
        """Seconds between updates of a filling list: more when sorting it costs more (50,000 rows)."""
        return max(UPDATE_EVERY, 4 * self._populate_cost)

    def _begin(self, items):
        """File names at once: the list is usable before any file is read. A
        file listed before keeps its row (and counts) until checked again."""
        self._generation += 1
        if not self._filling:  # full collections wait while the list fills (tui.app.heap)
            heap.put_off_full()
            self._filling = True
        known = {e.file: e for e in self.model.entries}
        entries = [known.get(d) or Entry(d) for _, d in items]
        self.model.set_entries(entries)
        self.marked = [f for f in self.marked if f in known or not known]
        self._progress = (0, max(1, 2 * len(entries)))
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=self._progress[1], progress=0)
        self.populate()
        return self._generation, entries

    def _apply(self, entries, changes):
        apply_changes(entries, changes)
        self.populate()

    def _update(self, entries, changes, done, total):
        apply_changes(entries, changes)
        self._progress = (done, max(1, total))
        self.query_one("#progress", ProgressBar).update(total=max(1, total), progress=done)
        self.populate()

    def _loaded(self, generation, stats):
        if generation != self._generation:
            return
        self.stats = stats
        self.checking = False
        self.query_one("#progress", ProgressBar).display = False
        self.populate()
        self._fill_ended()
        self._unsettled = True
        self.call_after_refresh(self._settle_heap)  # the complete list shows first

    def _fill_ended(self):
        if self._filling:
            self._filling = False
            heap.resume_full(collect=False)  # settle() collects, once the list is shown

    def on_unmount(self):
        self._fill_ended()

    def action_refresh(self):
        self.checking = True
        self._title(f"正在检查 {' '.join(self.paths)} …")
        self.load()

    # -- table ----------------------------------------------------------

    def _table(self):
        return self.query_one("#reports", VirtualTable)

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
        columns = [(label, key, sizes[key]) for label, key in (
            ("状态", "state"), ("机关", "agency"), ("年度", "year"), ("格式", "form"), ("错误", "errors"),
            ("警告", "warnings"), ("签核", "signoff"), ("文件", "file"))]
        if columns != table.columns:
            table.set_columns(columns)

    def on_resize(self, event):
        self._columns(self._table())

    def populate(self):
        """Filter and sort again, and redraw what is on screen (never every row)."""
        began = time.process_time()
        table = self._table()
        self._colours = severity_colours(self.app)
        current = self._selected()
        self.model.set_filter(self.query_one("#filter", Input).value)
        table.set_rows(len(self.model.shown))
        if current is not None and table.cursor_row:
            # a cursor the user moved stays on its report while rows fill or re-sort
            at = self.model.position(current)
            if at is not None and at != table.cursor_row:
                table.move_cursor(row=at)
        self._columns(table)
        self._header()
        self._detail()
        self._populate_cost = time.process_time() - began

    def _header(self):
        n = len(self.model.entries)
        if self.checking:
            done, total = self._progress
            self._title(f"正在检查 {done * 100 // max(1, total)}% · {n} 份 · {' '.join(self.paths)}")
            return
        bad, warn, signed, invalid = self.model.counts()
        # Counts first, folder last: at 80 columns the counts (and how many a
        # filter shows) survive; the folder is cut with … (issue 13.2).
        self._title(f"{n} 份：✗ 有错误 {bad} · ! 有警告 {warn} · {STATE_GLYPHS['approved']} 已通过 {signed} · "
                    f"? 无法读取 {invalid}" + (f" · 显示 {len(self.shown)}" if self.model.terms else "")
                    + (f" · 已标记 {len(self.marked)} 份（c 比较）" if self.marked else "")
                    + f" · {' '.join(self.paths)}")

    def _row_cells(self, index):
        if index >= len(self.model.shown):
            return []
        return self._cells(self.model.shown[index], self._colours or severity_colours(self.app))

    def _cells(self, e, colours):
        name = Text(inert(os.path.basename(e.file)), style="dim")
        if e.invalid:
            return [Text("?", style="bold " + colours["error"]), Text("（无法读取）", style=colours["error"]),
                    "", "", "", "", "", name]
        if e.checked is None:  # not yet checked
            return [Text("…", style="dim"), Text(inert(e.agency)), str(e.year) if e.year else "", "", "", "", "",
                    name]
        if e.errors:
            state = Text("✗", style="bold " + colours["error"])
        elif e.warnings:
            state = Text("!", style="bold " + colours["warning"])
        else:
            state = Text(GLYPHS["clean"], style=colours["accepted"])
        if e.file in self.marked:  # marked for comparison: 比 plus its order, readable without colour
            state = Text.assemble((f"比{self.marked.index(e.file) + 1} ", "bold reverse"), state)
        sign_style = {"approved": colours["accepted"], "rejected": colours["error"],
                      "stale": colours["warning"]}.get(e.signoff, "dim")
        return [state, Text(inert(e.agency)), str(e.year), e.form[:4] if getattr(self, "narrow", False) else e.form,
                Text(str(e.errors), style=colours["error"] if e.errors else "dim", justify="right"),
                Text(str(e.warnings), style=colours["warning"] if e.warnings else "dim", justify="right"),
                Text(f"{STATE_GLYPHS[e.signoff]} {STATE_NAMES[e.signoff]}", style=sign_style), name]

    def _selected(self):
        table = self._table()
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _detail(self):
        e = self._selected()
        if e is None:
            text = "（没有符合条件的报告）" if self.entries else ""
        elif e.invalid:
            text = inert(e.invalid.error)
        elif e.checked is None:
            text = f"{inert(e.file)}  正在检查…"
        else:
            # The file's problems and sign-off, not its digest (issue 13.10).
            state = f"{STATE_GLYPHS[e.signoff]} {STATE_NAMES[e.signoff]}"
            if not e.detail:
                text = f"{GLYPHS['clean']} 未发现问题 · {state} · {inert(e.file)}"
            else:
                text = f"✗ {e.errors} ! {e.warnings} · {state} · {inert(e.detail)}"
            if e.signoff == "stale":
                text = f"! 签核已过期：{inert(e.stale)}\n{text}"
        self.query_one("#detail", Static).update(Text(text.replace("…", "..."), overflow="crop"))

    def on_virtual_table_row_highlighted(self, event):
        self._detail()

    def on_virtual_table_row_selected(self, event):
        self.action_open_selected()

    # -- reports read again from disk (the list keeps none) ---------------

    def _load_report(self, e):
        from tui.core.load import load_path
        from tui.core.report import Invalid

        r = load_path(e.file)
        if isinstance(r, Invalid):
            self.notify(inert(r.error), title="无法打开", severity="error", timeout=8)
            return None
        return r

    def _pairing_reports(self, agency, year, skip=()):
        """The reports a report of (agency, year) pairs with: same agency, same or previous year."""
        from tui.core.load import load_path
        from tui.core.report import Invalid

        out = []
        for e in self.model.entries:
            if e.state == CHECKED and e.agency == agency and e.year in (year, year - 1) and e.file not in skip:
                r = load_path(e.file)
                if not isinstance(r, Invalid):
                    out.append(r)
        return out

    def _related_reports(self, *entries):
        seen, out = {e.file for e in entries}, []
        for e in entries:
            for r in self._pairing_reports(e.agency, e.year, seen):
                seen.add(r.file)
                out.append(r)
        return out

    def _checked(self, e):
        """The entry's report checked again, with its agency's other years (for the opinion)."""
        from tui.core.batch import run

        group = [e] + self.model.related(e)
        for i, got in run([(x.file, x.file) for x in group], _keep, jobs=1):
            if i == 0:
                return got
        return None

    # -- actions --------------------------------------------------------

    def _not_yet(self, e):
        if e.checked is None:
            self.notify("这份报告还在检查中，请稍候", timeout=3)
            return True
        return False

    def _usable_selection(self, title):
        """The selected entry if it can be used now, else None, having said why
        (`title`: the notice's heading when the file cannot be read)."""
        e = self._selected()
        if e is None:
            return None
        if e.invalid:
            self.notify(inert(e.invalid.error), title=title, severity="error", timeout=8)
            return None
        return None if self._not_yet(e) else e

    def action_open_selected(self):
        e = self._usable_selection("无法打开")
        if e is None:
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
            self._table().focus()

    def action_clear_filter(self):
        """Esc: the filter text goes (the whole list shows again) and the keys go back to the list."""
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            self.populate()
        self._table().focus()

    # -- cursor (j/k/g/G as on the other screens; the table handles the arrows itself) --

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

    def action_page_down(self):
        self._table().action_page_down_rows()

    def action_page_up(self):
        self._table().action_page_up_rows()

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
                self.notify(f"最多标记两份，已取消标记 {inert(os.path.basename(dropped))}")
        self.populate()
        table = self._table()
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
            if base is None or base.invalid or self._not_yet(base):
                return
            previous = [x for x in by_file.values() if x.agency == base.agency and x.year == base.year - 1]
            if not previous:
                self.notify(f"没有 {inert(base.agency)} {base.year - 1} 年度的报告可比较；用空格标记两份报告后按 c",
                            severity="warning")
                return
            pair = [previous[0], base]
        if any(_size(x.file) > BIG_FILE for x in pair):
            # A big file (a 2 MB narrative) takes seconds to open and check:
            # in a worker, so the list keeps answering keys meanwhile.
            self.notify("正在打开较大的文件，请稍候…", timeout=3)
            self._open_compare_in_background([x.file for x in pair], self._related_reports(*pair))
            return
        reports = [self._load_report(x) for x in pair]
        if None in reports:
            return
        self.app.open_compare(reports[0], reports[1], self._related_reports(*pair))

    @work(thread=True, exclusive=True, group="open")
    @ends_with_screen
    def _open_compare_in_background(self, files, context):
        from tui.app.compare_view import CompareView
        from tui.app.model import ReportModel
        from tui.core.load import load_path
        from tui.core.report import Invalid

        reports = [load_path(f) for f in files]
        for r in reports:
            if isinstance(r, Invalid):
                deliver(self, self.notify, inert(r.error), title="无法打开", severity="error", timeout=8)
                return
        old, new = reports
        if new.year < old.year:
            old, new = new, old
        models = [ReportModel.open(old, context), ReportModel.open(new, context)]
        # The pair's view-model too (both rechecked, compared, marks and findings
        # listed: ~0.2 s on the interface thread for two 2 MB narratives).
        view = CompareView(*models)
        deliver(self, self._compare_if_shown, models, view)

    def _compare_if_shown(self, models, view):
        if self._shown():  # not if the user went elsewhere meanwhile
            self.app.show_compare(*models, view=view)

    def _shown(self):  # on top (Textual's is_current is also true for the screen under it)
        return self.app.screen is self
