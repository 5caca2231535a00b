"""The compare screen: two reports side by side, cell by cell, and their narratives.

What is shown and where comes from the view-model (tui.app.compare_view:
pairing, merged marks, layout, navigation, the words of the status line);
this screen renders it into widgets and keeps the widgets' cursors and the
view-model's in step. Tables 二/三/四 show every aligned row once with the
earlier report's values above the later one's; one cursor moves over
aligned cells, so both sides are always at the same place. `t` switches to
the narratives, diffed in a worker thread.
"""

from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.app import heap
from tui.app.actions import bindings
from tui.app.colours import severity_colours
from tui.app.compare_view import TABLES, TEXTS, YOY, CompareView
from tui.app.deliver import deliver, ends_with_screen
from tui.app.screens.edit_actions import EditingMixin
from tui.app.widgets.compare_table import CompareTable
from tui.app.widgets.cursor import scroll_within
from tui.app.widgets.findings import CompareFindings
from tui.app.widgets.status import CompareStatus
from tui.app.widgets.text_diff import TextDiffView, narrative_text
from tui.app.widgets.wrapped import WrappedLines
from tui.app.widgets.footer import KeyFooter
from tui.core.compare import NEW, OLD

__all__ = ["CompareScreen", "CompareFindings", "CompareStatus"]


class NarrativeDiffs:
    """The 正文 view's diffs, computed and wrapped in a worker thread (the screen's `vm`
    and `text_views`); the views show them when all are done."""

    def _text_width(self):
        """The width the narratives are wrapped at (the 正文 view always has its scrollbar)."""
        shown = [v.content_region.width for v in self.text_views if v.size.width]
        return shown[0] if shown else (self.size.width or self.app.size.width) - 4 - TextDiffView.GUTTER

    def _start_diffs(self):
        vm, comparison = self.vm, self.vm.comparison
        width = self._text_width()
        todo = [t for t in comparison.texts if TextDiffView.needs_diff(t)
                and ((t.old, t.new) not in vm.ops or not self._prepared(t, width))]
        if not todo:
            return
        # Everything the worker reads is taken now, on the UI thread.
        years, marks, colours = vm.years_by_name, vm.marks[NEW], severity_colours(self.app)
        old_marks, unsaved = vm.marks[OLD], {t.key: vm.text_unsaved(t) for t in todo}

        @ends_with_screen
        def work():
            worker = get_current_worker()
            results = []
            for t in todo:
                ops = vm.ops.get((t.old, t.new)) or t.ops  # the deterministic, bounded textdiff
                text = narrative_text(t, years, marks, colours, ops, old_marks, unsaved[t.key])
                results.append((t, ops, (text, {width: WrappedLines(text, width)})))
                if worker.is_cancelled:
                    return
            # all at once: one layout of the 正文 view instead of one per narrative
            deliver(self, self._diffs_done, comparison, results)

        self.run_worker(work, thread=True, group="textdiff", exclusive=True, exit_on_error=False,
                        name="正文比较")

    def _prepared(self, t, width):
        """Whether the view of a text already shows its diff, current and (a big one) wrapped for `width`
        (a small one is marked up and wrapped on the UI thread when needed)."""
        view = next((v for v in self.text_views if v.key == t.key), None)
        return view is not None and view.ops is not None and not view.stale and (width in view.cache or not view.big)

    def _diffs_done(self, comparison, results):
        for t, ops, _ in results:
            self.vm.ops[(t.old, t.new)] = ops
        if comparison is not self.vm.comparison or not self.is_attached:
            return
        views = {v.key: v for v in self.text_views}
        for t, ops, prepared in results:
            if t.key in views:
                views[t.key].show_ops(ops, prepared)
        if self.vm.view == TEXTS:
            self._show_status()


class CompareScreen(NarrativeDiffs, EditingMixin, Screen):
    SCOPE = "compare"
    BINDINGS = bindings("compare")
    DEFAULT_CSS = """
    CompareScreen #title { height: auto; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    CompareScreen .view { height: 1fr; padding: 0 1; overflow-y: scroll; }
    CompareScreen #texts { display: none; }
    CompareScreen.texts #texts { display: block; }
    CompareScreen.texts #tables { display: none; }
    CompareScreen .section-title { text-style: bold; color: $accent; }
    CompareScreen .caption { color: $text-muted; }
    CompareScreen CompareTable:focus { background-tint: $foreground 3%; }
    CompareScreen CompareFindings { height: 6; }
    CompareScreen CompareFindings.short { height: 3; }
    """

    def __init__(self, old_model, new_model, view=None, **kwargs):
        super().__init__(**kwargs)
        self.vm = view or CompareView(old_model, new_model)
        self.models = self.vm.models
        self.ready = False         # the tables are filled and painted (benchmarks wait for it)
        self._holds_collections = False  # full collections put off while open (see _after_first_paint)
        self._width = 0
        self._tables_stale = False
        self._notice = None        # (position, words): a wrap of n/N/d/D, shown while the cursor stays there
        # What the keys act on, set at once: Textual moves focus later, and keys typed
        # in between must not act on the widget being left.
        self._current = None       # the CompareTable or TextDiffView in use
        self._table = None         # the CompareTable last in use (back from the 正文 view)
        self._in_panel = False     # the findings panel has the keys

    def refresh_side(self, i=None):
        """A report changed (an edit, a save, a review record): recheck both, recompute, repaint."""
        self.vm.refresh()
        if self.is_mounted:
            self._paint()
            self._start_diffs()

    # -- building -----------------------------------------------------------

    def compose(self):
        vm = self.vm
        yield Static(id="title")
        with VerticalScroll(id="tables", classes="view"):
            for i, layout in enumerate(vm.layouts):
                section = layout.section
                yield Static(id=f"title-{section.key}", classes="section-title")
                yield Static(id=f"note-{section.key}", classes="caption")
                yield CompareTable(section, i, vm.column_specs(section), id=f"table-{section.key}")
        with VerticalScroll(id="texts", classes="view"):
            yield Static(id="texts-legend", classes="caption")
            for t in vm.comparison.texts:
                yield TextDiffView(t, vm.years_by_name, id=f"text-{t.key}")
        yield CompareFindings(id="findings")
        yield CompareStatus(id="status")
        yield KeyFooter()

    @property
    def tables(self):
        return list(self.query(CompareTable))

    @property
    def text_views(self):
        return list(self.query(TextDiffView))

    def on_mount(self):
        # The frame paints first and the tables fill in the next turn of the event
        # loop: restyling the screen and rendering its tables in one go held the
        # interpreter ~150 ms, and keys typed meanwhile waited that long.
        self.call_after_refresh(self._fill_first)
        for model in self.models:
            self.take_lock(model)

    def _fill_first(self):
        self._paint()
        first = self.vm.first_entry()  # start on the first year-over-year problem in the tables
        if first is not None:
            self._goto_entry(first)
        else:
            self._focus_table(self.tables[0], first=True)
        self.call_after_refresh(self._after_first_paint)
        for model in self.models:
            self.call_after_refresh(lambda m=model: self.offer_recovery(m))

    def _after_first_paint(self):
        # Measured (benchmarks/bench_compare_screen.py): the diff worker's garbage set off full collections
        # of 290-670 ms that held the UI thread. They wait while this screen is open (young ones stay
        # automatic); one runs when it goes, in a turn of its own (tui.app.heap).
        heap.put_off_full()
        self._holds_collections = True
        self.ready = True
        self._start_diffs()

    def on_unmount(self):
        self.release_locks()
        if self._holds_collections:
            heap.resume_full()
            self._holds_collections = False

    # -- editing and review records (tui.app.screens.edit_actions) -------------------

    def edit_model(self):
        return self.vm.model

    def edit_address(self):
        """The cell (or narrative) under the cursor, on the side the cursor works on."""
        address, why_not = self.vm.address_here()
        if why_not:
            self.notify(why_not, severity="warning")
        return address

    def editable_models(self):
        return list(self.models)

    def finding_to_accept(self):
        """(model, error or Group): the one highlighted in the problem list, else the first at the cursor on this side."""
        vm, panel = self.vm, self.query_one(CompareFindings)
        if self._in_panel and panel.highlighted_finding() is not None:
            found = panel.to_accept()
        else:
            found = next(((s, f) for s, f in vm.cell_findings()
                          if f.blocking and (s == vm.side or (s == YOY and vm.side == NEW))), None)
        return None if found is None else (self.models[0 if found[0] == OLD else 1], found[1])

    def repaint(self, model, address=None, full=False):
        self.refresh_side()

    # -- painting -------------------------------------------------------------

    def on_resize(self, event):
        self.query_one(CompareFindings).set_class(event.size.height < 32, "short")
        if self._width and event.size.width != self._width:  # not before _fill_first's paint
            self._paint()
            self._start_diffs()  # a big narrative is marked up and wrapped anew in the worker

    def _paint(self):
        """Render everything from the view-model (after mount, an edit or a resize)."""
        colours = severity_colours(self.app)
        self._width = self.size.width or self.app.size.width
        if self.vm.view == TABLES:
            self._paint_tables(colours)
        else:
            self._tables_stale = True  # hidden: refilled when shown again (an edit costs less)
        self._paint_texts(colours)
        self._show_title(colours)
        self.query_one(CompareFindings).fill_entries(self.vm.entries, self.vm.tags, colours, self.vm.reports,
                                                     self.vm.comments, self.vm.comment_label)
        f = self._active()  # after a repaint, the view-model's cell is the one under the table cursor
        if self.vm.view == TABLES and isinstance(f, CompareTable):
            self._took(f)
        self._show_status()

    def _paint_tables(self, colours=None):
        vm = self.vm
        colours = colours or severity_colours(self.app)
        for table, layout in zip(self.tables, vm.layouts):
            table.fill(layout, vm.years, vm.marks, colours, self._width - 6, vm.side, vm.unsaved)
            title, notes = vm.section_head(layout.section)
            self.query_one(f"#title-{layout.section.key}", Static).update(title)
            note = self.query_one(f"#note-{layout.section.key}", Static)
            note.update(notes)
            note.display = bool(notes)
        self._tables_stale = False

    def _paint_texts(self, colours):
        vm = self.vm
        views = self.text_views
        if [v.key for v in views] != [t.key for t in vm.comparison.texts]:
            for v in views:
                v.remove()
            views = [TextDiffView(t, vm.years_by_name, id=f"text-{t.key}") for t in vm.comparison.texts]
            self.query_one("#texts", VerticalScroll).mount_all(views)
        for v, t in zip(views, vm.comparison.texts):
            v.years = vm.years_by_name
            v.fill(t, vm.marks[NEW], colours, vm.ops.get((t.old, t.new)), vm.marks[OLD], vm.text_unsaved(t))
        self.query_one("#texts-legend", Static).update(vm.legend(colours))

    def _show_title(self, colours=None):
        self.query_one("#title", Static).update(self.vm.title(colours or severity_colours(self.app),
                                                              (self._width or 80) - 2))

    def _show_status(self):
        vm = self.vm
        state = None
        if vm.view == TEXTS:
            view = next((v for v in self.text_views if v.key == vm.text_key), None)
            state = (view.pending, view.ops) if view is not None else None
        here = vm.here(self._in_panel)
        notice = self._notice[1] if self._notice and self._notice[0] == here else None
        self.query_one(CompareStatus).show(vm.status(severity_colours(self.app), self._width, state, notice))

    # -- moving -------------------------------------------------------------

    def _took(self, table):
        """The view-model follows a table's cursor."""
        c = table.cursor_coordinate
        self.vm.cell, self.vm.row, self.vm.cursor = table.cursor_cell, table.cursor_row_aligned, (
            table.index, c.row, c.column)

    def _focus_table(self, table, first=False, last=False, position=None):
        self._set_view(TABLES)
        if position is not None:
            table.select_position(*position)
        elif first or last:
            table.select_edge(last=last)
        table.focus(scroll_visible=False)
        self._current, self._table, self._in_panel = table, table, False
        self._took(table)
        self._follow(table)
        self._show_status()

    def _follow(self, table):
        view = self.query_one("#tables", VerticalScroll)
        row = table.cursor_coordinate.row

        def scroll():
            region = table.row_region(row)
            y = table.virtual_region.y + region.y
            top = y - (table.header_height + 1 if row < 3 else 1)
            view.scroll_to_region(Region(0, max(0, top), 1, region.height + 2), animate=False, immediate=True)

        self.call_after_refresh(scroll)

    def _focus_text(self, key):
        self._set_view(TEXTS)
        view = next((v for v in self.text_views if v.key == key), None)
        if view is None:
            return
        view.focus(scroll_visible=False)
        self._current, self._in_panel = view, False
        self.vm.text_key = key
        if view is self.text_views[0]:  # keep the legend above the first narrative in sight
            self.call_after_refresh(self.query_one("#texts", VerticalScroll).scroll_home, animate=False)
        else:
            self.call_after_refresh(view.scroll_visible, top=True, animate=False)
        self._show_status()

    def _set_view(self, view):
        if view == self.vm.view:
            return
        self.vm.view = view
        if view == TABLES and self._tables_stale:
            self._paint_tables()
        self.set_class(view == TEXTS, "texts")
        self._show_title()

    def _go(self, where):
        """Put the cursor on a view-model location: ("table", i, line, column) or ("text", key)."""
        if where[0] == "text":
            self._focus_text(where[1])
        else:
            self._focus_table(self.tables[where[1]], position=where[2:])

    def goto(self, side, address):
        """Put the cursor on the aligned cell that shows a side's address (or on a narrative)."""
        where = self.vm.locate(side, address)
        if where is None:
            self.notify(f"{address} 不在并排比较中显示（例如报告信息），请打开单份报告查看", severity="warning")
            return False
        self._go(where)
        return True

    def _goto_entry(self, entry):
        side, finding = entry
        self._set_side(side if side in (OLD, NEW) else NEW)
        self.goto(NEW if side == YOY else side, finding.first)
        self.query_one(CompareFindings).show(finding)  # its line, or its group's line when closed

    def on_compare_table_moved(self, event):
        if event.cell is None:
            return
        self._took(event.table)
        self._show_status()
        self._follow(event.table)
        panel = self.query_one(CompareFindings)
        found = [f for _, f in self.vm.cell_findings()]
        lit = next((f for _, f in panel.entries if f in found), None)
        if lit is not None:
            panel.show(lit)

    def on_descendant_focus(self, event):
        w = event.widget
        if isinstance(w, (CompareTable, TextDiffView)):
            self._current, self._in_panel = w, False
            if isinstance(w, CompareTable):
                self._table = w
        elif isinstance(w, CompareFindings):
            self._in_panel = True

    def _active(self):
        """The widget the keys act on (see __init__)."""
        if self._in_panel:
            return self.query_one(CompareFindings)
        return self._current if self._current is not None else self.focused

    def on_compare_table_leave(self, event):
        tables = self.tables
        i = tables.index(event.table) + event.direction
        if 0 <= i < len(tables):
            self._focus_table(tables[i], first=event.direction > 0, last=event.direction < 0)

    def on_text_diff_view_moved(self, event):
        self.vm.text_key = event.view.key
        self._show_status()

    def on_findings_panel_chosen(self, event):
        entry = next((e for e in self.query_one(CompareFindings).entries if e[1] is event.finding), None)
        if entry is not None:
            self._goto_entry(entry)

    def on_findings_panel_comment_chosen(self, event):
        side, cell = event.cell
        self._set_side(side)
        self.goto(side, cell)

    # -- actions ------------------------------------------------------------

    def _set_side(self, side):
        self.vm.side = side
        for table in self.tables:
            table.set_side(side)

    def action_switch_side(self):
        """Tab: 旧 -> 新 -> 问题列表 -> 旧."""
        if self._in_panel:
            self._set_side(OLD)
            self._back_to_view()
        elif self.vm.side == OLD:
            self._set_side(NEW)
        else:
            panel = self.query_one(CompareFindings)
            panel.focus()
            if panel.highlighted is None and panel.option_count:
                panel.highlighted = 0  # so space / Enter act on a line at once
            self._in_panel = True
        self._show_status()

    def _back_to_view(self):
        vm = self.vm
        if vm.view == TEXTS:
            self._focus_text(vm.text_key or (vm.comparison.texts[0].key if vm.comparison.texts else None))
        else:
            self._focus_table(self._table or self.tables[0])

    def action_toggle_view(self):
        vm = self.vm
        if vm.view == TEXTS:
            self._set_view(TABLES)
            self._focus_table(self._table or self.tables[0])
            return
        key = vm.text_key
        if key is None and vm.comparison.texts:
            key = (vm.comparison.changed_texts or vm.comparison.texts)[0].key
        if key is None:
            self._set_view(TEXTS)
            self._show_status()
            return
        self._focus_text(key)

    def _vertical(self, direction):
        f = self._active()
        if isinstance(f, CompareTable):
            f.action_cursor_down() if direction > 0 else f.action_cursor_up()
        elif isinstance(f, TextDiffView):
            if not scroll_within(self.query_one("#texts", VerticalScroll), f, direction):
                views = self.text_views
                i = views.index(f) + direction
                if 0 <= i < len(views):
                    self._focus_text(views[i].key)
        elif isinstance(f, CompareFindings):
            f.action_cursor_down() if direction > 0 else f.action_cursor_up()

    def action_cursor_down(self):
        self._vertical(1)

    def action_cursor_up(self):
        self._vertical(-1)

    def action_cursor_left(self):
        f = self._active()
        if isinstance(f, CompareTable):
            f.action_cursor_left()

    def action_cursor_right(self):
        f = self._active()
        if isinstance(f, CompareTable):
            f.action_cursor_right()

    def _edge(self, last):
        if self.vm.view == TEXTS and self.text_views:
            self._focus_text(self.text_views[-1 if last else 0].key)
            box = self.query_one("#texts", VerticalScroll)
        else:
            self._focus_table(self.tables[-1 if last else 0], first=not last, last=last)
            box = self.query_one("#tables", VerticalScroll)
        box.scroll_end(animate=False) if last else box.scroll_home(animate=False)

    def action_first_cell(self):
        self._edge(last=False)

    def action_last_cell(self):
        self._edge(last=True)

    def _said(self, step):
        """Say a wrap in the status line while the cursor stays where it landed."""
        self._notice = (self.vm.here(self._in_panel), step.message) if step.wrapped else None
        self._show_status()

    def _jump_difference(self, direction):
        found = self.vm.step_difference(direction)
        if found is None:
            self.notify("两份报告的叙述内容相同" if self.vm.view == TEXTS else "表格中没有不同的单元格")
            return
        where, step = found
        self._go(where)
        self._said(step)

    def action_next_difference(self):
        self._jump_difference(1)

    def action_previous_difference(self):
        self._jump_difference(-1)

    def _jump_finding(self, direction):
        panel = self.query_one(CompareFindings)
        lit = panel.highlighted_finding(self.vm.address_here()[0])
        current = next((i for i, (_, f) in enumerate(panel.entries) if f is lit), None)
        found = self.vm.step_finding(direction, current, self._in_panel)
        if found is None:
            self.notify("两份报告均未发现问题")
            return
        entry, step = found
        self._goto_entry(entry)
        self._said(step)

    def action_next_finding(self):
        self._jump_finding(1)

    def action_toggle_group(self):
        """Open or close the group of findings highlighted in the problem list."""
        if not self.query_one(CompareFindings).toggle_group():
            self.notify("问题列表中选中的不是一组问题")

    def action_previous_finding(self):
        self._jump_finding(-1)


# The screen's state as tests and other screens read it: the view-model's.
for _name in ("comparison", "marks", "yoy", "entries", "years", "tags", "cell", "row", "side", "view", "text_key"):
    setattr(CompareScreen, _name, property(lambda self, n=_name: getattr(self.vm, n)))
