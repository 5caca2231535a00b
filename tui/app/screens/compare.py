"""The compare screen: two reports side by side, cell by cell, and their narratives.

Built on `tui.core.compare`: the screen only renders the Comparison. Tables
二/三/四 show every aligned row once with the earlier report's values above
the later one's; one cursor moves over aligned cells, so both sides are
always at the same place. `t` switches to the narratives, diffed in a worker
thread. Year over year, the later report's yoy.* findings are marked on both
sides: at their cells in the later report, at `previous.cells` in the
earlier one. Each report's own findings are marked on its side.

Editing will call `refresh_side(i)` / `refresh_all()`: they recheck the
models, recompute the comparison and repaint, keeping the cursor.
"""

import gc
import os
import time

from rich.text import Text
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from tui.app.actions import bindings
from tui.app.colours import severity_colours
from tui.app.layout import applications_block
from tui.app.marks import Mark, marks_for
from tui.app.widgets.cursor import scroll_within
from tui.app.widgets.compare_table import CompareTable, signed
from tui.app.widgets.findings import FindingsPanel
from tui.app.widgets.paragraph import Paragraph
from tui.app.widgets.text_diff import COPIED, TextDiffView, narrative_text, wrap_key, wrapped_lines
from tui.app.screens.editing import EditingMixin
from tui.core.inert import inert
from tui.core.compare import APPEALS, APPLICATIONS, NEW, OLD, compare_reports, finite
from tui.core.rules import fmt
from tui.core.textdiff import DELETE_MARKS, INSERT_MARKS, TextComparison, diff_stats

YOY = "yoy"
TABLES, TEXTS = "tables", "texts"
VIEW_NAMES = {TABLES: "表格", TEXTS: "正文"}


def full_value(v):
    """A value in the status line, in full."""
    if v is None:
        return "（无此格）"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return fmt(v)
    if isinstance(v, str):
        return "（空白）" if v.strip() == "" else f"「{inert(v)}」"  # not “”: ambiguous width
    return str(v)


def change_words(cell, row):
    """The change of a cell in words: `差 +74（+352.4%）`, `相同`, or why there is none."""
    if not row.comparable or not cell.comparable:
        return "不逐格比较"
    if not cell.changed:
        return "相同"
    if cell.delta is None:
        if cell.old is None or cell.new is None:
            return "不同（一方缺此格）"
        if isinstance(cell.old, (int, float)) and isinstance(cell.new, (int, float)):
            if not (finite(cell.old) and finite(cell.new)):
                return "不同（非有限数，不计算差值）"
            return "不同（单位不同，不计算差值）"
        return "不同（非数字）"
    out = f"差 {signed(cell.delta)}"
    if cell.percent is not None:
        out += f"（{cell.percent:+.1f}%）"
    return out


class CompareFindings(FindingsPanel):
    """Every finding of both reports, each tagged with its side (跨年 for year-over-year ones)."""

    def fill_entries(self, entries, tags, colours):
        self.entries = list(entries)
        self.findings = [f for _, f in self.entries]
        self.clear_options()
        from textual.widgets.option_list import Option

        if not self.entries:
            self.add_option(Option(Text("✓ 两份报告均未发现问题", style=colours.get("accepted", "")), disabled=True))
            return
        for i, (side, f) in enumerate(self.entries):
            kind = "accepted" if f.accepted else f.severity
            t = Text()
            t.append(f"[{tags[side]}] ", style="dim")
            t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
            t.append(f.message)
            if f.accepted:
                t.append("（已接受）", style="dim")
            self.add_option(Option(Paragraph(t), id=str(i)))  # Chinese wraps between characters


class CompareStatus(Static):
    DEFAULT_CSS = """
    CompareStatus { height: auto; min-height: 3; max-height: 5; background: $panel; padding: 0 1; }
    """

    def show(self, text):
        self.text = text  # the unwrapped Text (tests read text.plain)
        self.update(Paragraph(text))  # Chinese wraps between characters


class CompareScreen(EditingMixin, Screen):
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

    def __init__(self, old_model, new_model, **kwargs):
        super().__init__(**kwargs)
        self.models = [old_model, new_model]
        self.side = NEW            # the side the cursor works on (the status line's first value; edits)
        self.view = TABLES
        self.cell = None           # the focused AlignedCell
        self.row = None            # ...and its AlignedRow
        self.text_key = None       # the focused narrative in the 正文 view
        self._ops = {}             # (old text, new text) → diff ops: kept across recomputations
        self._width = 0
        self._tables_stale = False
        self._frozen = False
        # What the keys act on, set at once: Textual moves focus later, and keys typed
        # in between must not act on the widget being left.
        self._current = None       # the CompareTable or TextDiffView in use
        self._table = None         # the CompareTable last in use (back from the 正文 view)
        self._in_panel = False     # the findings panel has the keys
        self._link()
        for model in self.models:
            model.recheck()
        self._compute()

    # -- model --------------------------------------------------------------

    @property
    def years(self):
        old, new = self.comparison.old, self.comparison.new
        if old.year == new.year:
            return {OLD: "旧", NEW: "新"}
        return {OLD: str(old.year), NEW: str(new.year)}

    @property
    def tags(self):
        y = self.years
        return {OLD: f"旧 {y[OLD]}" if y[OLD] != "旧" else "旧", NEW: f"新 {y[NEW]}" if y[NEW] != "新" else "新",
                YOY: "跨年"}

    def _compute(self):
        old, new = (m.report for m in self.models)
        c = compare_reports(old, new)
        # diffs already computed for the same pair of texts are reused (an edit of a number keeps them)
        c.texts = [TextComparison(t.key, t.label, t.old, t.new, ops=self._ops.get((t.old, t.new)),
                                  similarity=t.similarity) for t in c.texts]
        self.comparison = c
        yoy = []
        if c.year_over_year:
            old_model, new_model = self.models
            if new_model.previous is old_model.report:  # the later report's model was paired with this one
                yoy = [f for f in new_model.findings if f.rule.startswith("yoy.")]
            else:
                yoy = list(c.yoy_findings())
        own = [[f for f in m.findings if not f.rule.startswith("yoy.")] for m in self.models]
        self.marks = {OLD: marks_for(own[0]), NEW: marks_for(own[1] + yoy)}
        for address, mark in marks_for(yoy, side="previous").items():
            target = self.marks[OLD].setdefault(address, Mark())
            for f in mark.findings:
                target.add(f)
        self.yoy = yoy
        self.entries = [(YOY, f) for f in yoy] + [(OLD, f) for f in own[0]] + [(NEW, f) for f in own[1]]

    def _link(self):
        """Pair each model with the other's current report: an edit replaces a
        model's Report object, and the other must not keep checking the old one."""
        for i, model in enumerate(self.models):
            other = self.models[1 - i].report
            path = os.path.abspath(other.file)
            model.context = [r for r in model.context if os.path.abspath(r.file) != path] + [other]

    def refresh_side(self, i):
        """Report i (0 old, 1 new) changed: recheck both (year-over-year findings
        of the later one read the earlier), recompute the comparison, repaint."""
        self._link()
        for model in self.models:
            model.recheck()
        self._recompute()

    def refresh_all(self):
        for m in self.models:
            m.recheck()
        self._recompute()

    def _recompute(self):
        self._compute()
        if self.is_mounted:
            self._paint()
            self._start_diffs()

    # -- building -----------------------------------------------------------

    def compose(self):
        c = self.comparison
        yield Static(id="title")
        with VerticalScroll(id="tables", classes="view"):
            for i, section in enumerate(c.sections):
                yield Static(id=f"title-{section.key}", classes="section-title")
                yield Static(id=f"note-{section.key}", classes="caption")
                yield CompareTable(section, i, self._column_specs(section), id=f"table-{section.key}")
        with VerticalScroll(id="texts", classes="view"):
            yield Static(id="texts-legend", classes="caption")
            for t in c.texts:
                yield TextDiffView(t, self._years_by_name(), id=f"text-{t.key}")
        yield CompareFindings(id="findings")
        yield CompareStatus(id="status")
        yield Footer()

    def _years_by_name(self):
        y = self.years
        return {"old": y[OLD], "new": y[NEW]}

    def _column_specs(self, section):
        form = self.comparison.new.form
        if section.key == APPLICATIONS:
            return form.application_columns
        if section.key == APPEALS:
            return form.appeal_columns
        return ()

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
        # Start on the first year-over-year problem in the tables, else at the top.
        findings = self._ordered_entries()
        first = next((e for e in findings if e[0] == YOY and self._position(*e)[0] == 0), None)
        if first is not None:
            self._goto_entry(first)
        else:
            self._focus_table(self.tables[0], first=True)
        self.call_after_refresh(self._after_first_paint)
        for model in self.models:
            self.call_after_refresh(lambda m=model: self.offer_recovery(m))

    # -- editing (tui.app.screens.editing) ------------------------------

    def _side_index(self):
        return 0 if self.side == OLD else 1

    def edit_model(self):
        return self.models[self._side_index()]

    def edit_address(self):
        """The cell (or narrative) under the cursor, on the side the cursor works on."""
        if self.view == TEXTS:
            return f"text.{self.text_key}" if self.text_key else None
        cell = self.cell
        if cell is None:
            return None
        address = cell.old_address if self.side == OLD else cell.new_address
        if address is None:
            parts = cell.old_parts if self.side == OLD else cell.new_parts
            self.notify("这一格是几项之和，请在所含各项上修改：" + "、".join(parts) if parts
                        else "这一侧没有这一格", severity="warning")
        return address

    def editable_models(self):
        return list(self.models)

    def repaint(self, model, address=None, full=False):
        self.refresh_side(self.models.index(model))

    def _after_first_paint(self):
        # Full garbage collections scan the whole heap (the app, both reports, every table row)
        # and hold the interpreter 50-100 ms, on whichever thread triggers them: the diff
        # worker's allocations set them off while the reviewer types. Freezing what exists
        # now takes it out of those scans (measured in benchmarks/bench_compare_screen.py:
        # the largest pause while diffing drops from about 100 ms to under 40 ms).
        # Undone when the screen goes, so nothing it held stays uncollectable.
        # Full collections are then put off while the screen is open (young ones stay
        # automatic and take a millisecond or two): the worker's garbage is young, and one
        # full collection held the interpreter for up to ~100 ms mid-keystroke.
        gc.freeze()
        self._gc_threshold = gc.get_threshold()
        gc.set_threshold(self._gc_threshold[0], self._gc_threshold[1], 1_000_000)
        self._frozen = True
        self._start_diffs()

    def on_unmount(self):
        self.release_locks()
        if self._frozen:
            gc.set_threshold(*self._gc_threshold)
            gc.unfreeze()
            self._frozen = False

    def on_resize(self, event):
        short = event.size.height < 32
        self.query_one(CompareFindings).set_class(short, "short")
        if event.size.width != self._width:
            self._paint()

    def _paint(self):
        """Render everything from the current comparison (after mount, an edit or a resize)."""
        colours = severity_colours(self.app)
        width = self.size.width or self.app.size.width
        self._width = width
        if self.view == TABLES:
            self._paint_tables(colours)
        else:
            self._tables_stale = True  # hidden: refilled when shown again (an edit costs less)
        self._paint_texts(colours)
        self.query_one("#title", Static).update(self._title(colours, width - 2))
        self.query_one(CompareFindings).fill_entries(self._ordered_entries(), self.tags, colours)
        self._refocus()
        self._show_status()

    def _paint_tables(self, colours=None):
        c = self.comparison
        colours = colours or severity_colours(self.app)
        names = {OLD: c.old.form.name, NEW: c.new.form.name}
        for table, section in zip(self.tables, c.sections):
            table.fill(section, names, self.years, self.marks, colours, self._width - 6, self.side)
            self._section_head(section, colours)
        self._tables_stale = False

    def _refocus(self):
        """After a repaint, the screen's cell is the one under the table cursor."""
        f = self._active()
        if self.view == TABLES and isinstance(f, CompareTable):
            self.cell, self.row = f.cursor_cell, f.cursor_row_aligned

    def _section_head(self, section, colours):
        changed = len(section.changed_cells)
        title = Text(section.title, style="bold")
        if not section.comparable:
            title.append("（两版栏目不同，按各自格式分别列出，不逐格比较）", style="not bold")
        else:
            title.append(f"（{changed} 格不同）" if changed else "（无不同）", style="not bold")
        self.query_one(f"#title-{section.key}", Static).update(title)
        notes = []
        if section.note:
            notes.append(f"注：{section.note}")
        if section.key == APPLICATIONS:
            notes.append(applications_block(self.comparison.new.form).caption)
        for r in section.rows:
            if r.combined and r.note:
                notes.append(f"注：{r.note}")
        note = self.query_one(f"#note-{section.key}", Static)
        note.update(Text("\n".join(notes)))
        note.display = bool(notes)

    def _paint_texts(self, colours):
        c = self.comparison
        views = self.text_views
        if [v.key for v in views] != [t.key for t in c.texts]:
            box = self.query_one("#texts", VerticalScroll)
            for v in views:
                v.remove()
            views = [TextDiffView(t, self._years_by_name(), id=f"text-{t.key}") for t in c.texts]
            box.mount_all(views)
        for v, t in zip(views, c.texts):
            v.years = self._years_by_name()
            v.fill(t, self.marks[NEW], colours, self._ops.get((t.old, t.new)))
        legend = Text()
        legend.append(f"{DELETE_MARKS[0]}删除{DELETE_MARKS[1]}", style="bold " + colours["error"])
        legend.append(" ")
        legend.append(f"{INSERT_MARKS[0]}新增{INSERT_MARKS[1]}", style="bold " + colours["accepted"])
        legend.append(f"：由旧（{self.years[OLD]}）改为新（{self.years[NEW]}）；相似度 = 新文字已见于旧文字的比例；"
                      f"! {COPIED}：相似度不低于 80%")
        if not c.texts:
            legend.append("\n两份报告都没有叙述内容")
        self.query_one("#texts-legend", Static).update(legend)

    def _title(self, colours, width):
        c = self.comparison
        old, new = c.old, c.new
        t = Text(no_wrap=True, overflow="crop")
        t.append(f"并排比较[{VIEW_NAMES[self.view]}]  ", style="bold")
        if c.year_over_year:
            t.append(f"逐年对照 {old.year} -> {new.year} 年度", style="bold")
        else:
            t.append(inert(c.notes[0]) if c.notes else "非逐年对照", style=colours["warning"])
        t.append("  格式相同" if c.same_edition else f"  格式不同（{old.form.name} | {new.form.name}）")
        if c.year_over_year:
            errors = sum(1 for f in self.yoy if f.blocking)
            warnings = sum(1 for f in self.yoy if f.severity == "warning" and not f.accepted)
            t.append("  跨年核对 ")
            t.append(f"✗ {errors}", style=colours["error"] if errors else "dim")
            t.append(" ")
            t.append(f"! {warnings}", style=colours["warning"] if warnings else "dim")
        same_agency = old.agency == new.agency
        sides = []
        for name, r in (("旧", old), ("新", new)):
            s = Text(no_wrap=True, overflow="crop")
            s.append(f"{name} ", style="bold")
            s.append(f"{r.year} 年度 {r.form.name} ")
            if not same_agency:
                s.append(f"{inert(r.agency)} ")
            s.append(inert(r.file), style="dim")
            sides.append(s)
        if same_agency:
            t.append(f"  {inert(new.agency)}")
        t.append("\n")
        if sides[0].cell_len + sides[1].cell_len + 4 <= width:
            t.append_text(sides[0])
            t.append("    ")
            t.append_text(sides[1])
        else:
            t.append_text(sides[0])
            t.append("\n")
            t.append_text(sides[1])
        return t

    # -- positions ----------------------------------------------------------

    def _locate(self, side, address):
        """(table, row, column) showing a side's address, a text key, or None."""
        if address is None:
            return None
        if address.startswith("text."):
            key = address[5:].strip('"')
            return key if any(t.key == key for t in self.comparison.texts) else None
        for s in ((NEW,) if side == YOY else (side,)):
            for table in self.tables:
                if address in table.where[s]:
                    return (table, *table.where[s][address])
            for table in self.tables:  # a row or table address: its first shown cell
                for a, pos in table.where[s].items():
                    if a.startswith(address + "[") or a.startswith(address + "."):
                        return (table, *pos)
        return None

    def _position(self, side, finding):
        """A sort key in display order: tables first, then narratives, then what is not shown."""
        where = self._locate(NEW if side == YOY else side, finding.first)
        if where is None:
            return (2, 0, 0, 0)
        if isinstance(where, str):
            keys = [t.key for t in self.comparison.texts]
            return (1, keys.index(where), 0, 0)
        table, row, col = where
        return (0, table.index, row, col)

    def _here(self):
        if self.view == TEXTS:
            keys = [t.key for t in self.comparison.texts]
            return (1, keys.index(self.text_key) if self.text_key in keys else -1, 0, 0)
        f = self._active()
        if isinstance(f, CompareTable):
            c = f.cursor_coordinate
            return (0, f.index, c.row, c.column)
        return (-1, 0, 0, 0)

    def _ordered_entries(self):
        if not self.is_mounted:
            return list(self.entries)
        return sorted(self.entries, key=lambda e: (self._position(*e), e[1].rule))

    # -- moving -------------------------------------------------------------

    def _focus_table(self, table, first=False, last=False, position=None):
        self._set_view(TABLES)
        if position is not None:
            table.select_position(*position)
        elif first or last:
            table.select_edge(last=last)
        table.focus(scroll_visible=False)
        self._current, self._table, self._in_panel = table, table, False
        self.cell, self.row = table.cursor_cell, table.cursor_row_aligned
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
        self.text_key = key
        if view is self.text_views[0]:  # keep the legend above the first narrative in sight
            self.call_after_refresh(self.query_one("#texts", VerticalScroll).scroll_home, animate=False)
        else:
            self.call_after_refresh(view.scroll_visible, top=True, animate=False)
        self._show_status()

    def _set_view(self, view):
        if view == self.view:
            return
        self.view = view
        if view == TABLES and self._tables_stale:
            self._paint_tables()
        self.set_class(view == TEXTS, "texts")
        self.query_one("#title", Static).update(self._title(severity_colours(self.app), (self._width or 80) - 2))

    def goto(self, side, address):
        """Put the cursor on the aligned cell that shows a side's address (or on a narrative)."""
        where = self._locate(side, address)
        if where is None:
            self.notify(f"{address} 不在并排比较中显示（例如报告信息），请打开单份报告查看", severity="warning")
            return False
        if isinstance(where, str):
            self._focus_text(where)
        else:
            table, row, col = where
            self._focus_table(table, position=(row, col))
        return True

    def _goto_entry(self, entry):
        side, finding = entry
        if side in (OLD, NEW):
            self._set_side(side)
        else:
            self._set_side(NEW)
        self.goto(NEW if side == YOY else side, finding.first)
        panel = self.query_one(CompareFindings)
        for i, e in enumerate(panel.entries):
            if e[1] is finding:
                panel.highlighted = i

    def on_compare_table_moved(self, event):
        if event.cell is None:
            return
        self.cell, self.row = event.cell, event.row
        self._show_status()
        self._follow(event.table)
        panel = self.query_one(CompareFindings)
        found = self._cell_findings()
        if found:
            ids = [f for _, f in found]
            for i, (_, f) in enumerate(panel.entries):
                if f in ids:
                    panel.highlighted = i
                    break

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
        self.text_key = event.view.key
        self._show_status()

    def on_findings_panel_chosen(self, event):
        panel = self.query_one(CompareFindings)
        entry = next((e for e in panel.entries if e[1] is event.finding), None)
        if entry is not None:
            self._goto_entry(entry)

    # -- status -------------------------------------------------------------

    def _cell_findings(self):
        """[(side, finding)] at the focused cell on either side, each once."""
        cell = self.cell
        if cell is None:
            return []
        out, seen = [], set()
        yoy_ids = {id(f) for f in self.yoy}
        for side, addresses in ((OLD, [cell.old_address] if cell.old_address else cell.old_parts),
                                (NEW, [cell.new_address] if cell.new_address else cell.new_parts)):
            for a in addresses:
                mark = self.marks[side].get(a)
                for f in mark.findings if mark else ():
                    if id(f) not in seen:
                        seen.add(id(f))
                        out.append((YOY if id(f) in yoy_ids else side, f))
        return out

    def _show_status(self):
        status = self.query_one(CompareStatus)
        colours = severity_colours(self.app)
        if self.view == TEXTS:
            status.show(self._text_status(colours))
        else:
            status.show(self._cell_status(colours))

    def _findings_line(self, found, colours, empty):
        t = Text()
        if not found:
            t.append(empty, style="dim")
        for side, f in found:
            kind = "accepted" if f.accepted else f.severity
            t.append(f"[{self.tags[side]}] ", style="dim")
            t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
            t.append(inert(f.message) + "  ")
        return t

    def _side_value(self, side, label, value, colours):
        active = side == self.side
        t = Text()
        t.append((">" if active else " ") + label + "：", style="bold" if active else "")
        t.append(value, style="bold" if active else "")
        return t

    def _cell_status(self, colours):
        cell, row = self.cell, self.row
        t = Text()
        if cell is None:
            return t
        y = self.years
        ow, nw = cell.old_where, cell.new_where
        if ow == nw:
            t.append(ow or "", style="bold")
        else:
            t.append(f"旧 {ow or '（无此格）'}", style="bold")
            t.append("  ")
            t.append(f"新 {nw or '（无此格）'}", style="bold")
        path = cell.label_path
        if (self._width or 120) < 100 and len(path) > 2:
            path = path[1:]  # narrow: the address names the table, so its title goes
        t.append("  " + " › ".join(path), style="dim")
        t.append("\n")
        for side in (OLD, NEW):
            if (side == OLD and row.side == NEW) or (side == NEW and row.side == OLD):
                continue
            value = cell.old if side == OLD else cell.new
            name = ("旧" if side == OLD else "新") + ("" if y[side] in ("旧", "新") else f" {y[side]}")
            t.append_text(self._side_value(side, name, full_value(value), colours))
            t.append("   ")
        words = change_words(cell, row)
        t.append(words, style="bold " + colours["accent"] if cell.changed else "dim")
        if row.note:
            t.append(f"   {row.note}", style="dim")
        t.append("\n")
        t.append_text(self._findings_line(self._cell_findings(), colours, "两侧此格均无问题"))
        return t

    def _text_status(self, colours):
        c = self.comparison
        t = Text()
        tc = c.text(self.text_key) if self.text_key else None
        if tc is None:
            t.append("两份报告都没有叙述内容" if not c.texts else "", style="dim")
            return t
        t.append(tc.address, style="bold")
        t.append("  " + tc.label, style="dim")
        t.append("\n")
        y = self.years
        for side, text in ((OLD, tc.old), (NEW, tc.new)):
            name = ("旧" if side == OLD else "新") + ("" if y[side] in ("旧", "新") else f" {y[side]}")
            t.append_text(self._side_value(side, name, "（无）" if text is None else f"{len(text)} 字", colours))
            t.append("   ")
        if tc.old is not None and tc.new is not None:
            t.append(f"相似度 {tc.percent}%")
            if tc.copied:
                t.append(f"  ! {COPIED}", style="bold " + colours["warning"])
            view = next((v for v in self.text_views if v.key == tc.key), None)
            if view is not None and view.pending:
                t.append("  正在比较...", style="dim")
            elif tc.changed and view is not None and view.ops is not None:
                deleted, inserted = diff_stats(view.ops)
                t.append(f"  删 {deleted} 字，增 {inserted} 字")
            elif not tc.changed:
                t.append("  文字相同", style="dim")
        t.append("\n")
        yoy_ids = {id(f) for f in self.yoy}
        found = []
        for side in (OLD, NEW):
            mark = self.marks[side].get(tc.address)
            for f in mark.findings if mark else ():
                entry = (YOY if id(f) in yoy_ids else side, f)
                if all(f is not g for _, g in found):
                    found.append(entry)
        t.append_text(self._findings_line(found, colours, "此节无问题"))
        return t

    # -- narrative diffs off the UI thread ------------------------------------

    def _text_width(self):
        """The width the narratives are wrapped at (the 正文 view always has its scrollbar)."""
        shown = [v.content_region.width for v in self.text_views if v.size.width]
        return shown[0] if shown else (self.size.width or self.app.size.width) - 4 - TextDiffView.GUTTER

    def _start_diffs(self):
        comparison = self.comparison
        width = self._text_width()
        todo = [t for t in comparison.texts if TextDiffView.needs_diff(t)
                and ((t.old, t.new) not in self._ops or not self._prepared(t, width))]
        if not todo:
            return
        # Everything the worker reads is taken now, on the UI thread.
        years, marks, colours = self._years_by_name(), self.marks[NEW], severity_colours(self.app)

        def work():
            worker = get_current_worker()
            results = []
            for t in todo:
                ops = self._ops.get((t.old, t.new)) or t.ops  # the deterministic, bounded textdiff
                time.sleep(0.002)  # let the UI thread have the interpreter between the heavy steps
                text = narrative_text(t, years, marks, colours, ops)
                results.append((t, ops, {wrap_key(text, width): wrapped_lines(text, width)}))
                time.sleep(0.002)
                if worker.is_cancelled:
                    return
            try:  # all at once: one layout of the 正文 view instead of one per narrative
                self.app.call_from_thread(self._diffs_done, comparison, results)
            except RuntimeError:  # the app is closing
                return

        self.run_worker(work, thread=True, group="textdiff", exclusive=True, exit_on_error=False,
                        name="正文比较")

    def _prepared(self, t, width):
        """Whether the view of a text already shows its diff, wrapped for `width`."""
        view = next((v for v in self.text_views if v.key == t.key), None)
        return view is not None and view.ops is not None and wrap_key(view.rendered, width) in view.cache

    def _diffs_done(self, comparison, results):
        for t, ops, _ in results:
            self._ops[(t.old, t.new)] = ops
        if comparison is not self.comparison or not self.is_attached:
            return
        views = {v.key: v for v in self.text_views}
        for t, ops, prepared in results:
            if t.key in views:
                views[t.key].show_ops(ops, prepared)
        if self.view == TEXTS:
            self._show_status()

    # -- actions ------------------------------------------------------------

    def _set_side(self, side):
        self.side = side
        for table in self.tables:
            table.set_side(side)

    def action_switch_side(self):
        """Tab: 旧 -> 新 -> 问题列表 -> 旧."""
        panel = self.query_one(CompareFindings)
        if self._in_panel:
            self._set_side(OLD)
            self._back_to_view()
        elif self.side == OLD:
            self._set_side(NEW)
        else:
            panel.focus()
            self._in_panel = True
        self._show_status()

    def _back_to_view(self):
        if self.view == TEXTS:
            self._focus_text(self.text_key or (self.comparison.texts[0].key if self.comparison.texts else None))
            return
        table = self._table_of_cell() or self.tables[0]
        self._focus_table(table, position=None)

    def _table_of_cell(self):
        """The table last worked on."""
        return self._table

    def action_toggle_view(self):
        if self.view == TABLES:
            key = self.text_key
            if key is None and self.comparison.texts:
                key = (self.comparison.changed_texts or self.comparison.texts)[0].key
            if key is None:
                self._set_view(TEXTS)
                self._show_status()
                return
            self._focus_text(key)
        else:
            self._set_view(TABLES)
            self._focus_table(self._table_of_cell() or self.tables[0])

    def _vertical(self, direction):
        f = self._active()
        if isinstance(f, CompareTable):
            f.action_cursor_down() if direction > 0 else f.action_cursor_up()
        elif isinstance(f, TextDiffView):
            if not self._text_scroll(f, direction):
                views = self.text_views
                i = views.index(f) + direction
                if 0 <= i < len(views):
                    self._focus_text(views[i].key)
        elif isinstance(f, CompareFindings):
            f.action_cursor_down() if direction > 0 else f.action_cursor_up()

    def _text_scroll(self, view, direction):
        return scroll_within(self.query_one("#texts", VerticalScroll), view, direction)

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

    def action_first_cell(self):
        if self.view == TEXTS and self.text_views:
            self._focus_text(self.text_views[0].key)
            self.query_one("#texts", VerticalScroll).scroll_home(animate=False)
        else:
            self._focus_table(self.tables[0], first=True)
            self.query_one("#tables", VerticalScroll).scroll_home(animate=False)

    def action_last_cell(self):
        if self.view == TEXTS and self.text_views:
            self._focus_text(self.text_views[-1].key)
            self.query_one("#texts", VerticalScroll).scroll_end(animate=False)
        else:
            self._focus_table(self.tables[-1], last=True)

    def _jump_difference(self, direction):
        c = self.comparison
        if self.view == TEXTS:
            keys = [t.key for t in c.texts]
            changed = [keys.index(t.key) for t in c.changed_texts]
            if not changed:
                self.notify("两份报告的叙述内容相同")
                return
            here = keys.index(self.text_key) if self.text_key in keys else -1
            ahead = [i for i in changed if (i > here if direction > 0 else i < here)]
            target = (ahead[0] if direction > 0 else ahead[-1]) if ahead else (
                changed[0] if direction > 0 else changed[-1])
            self._focus_text(keys[target])
            return
        spots = []
        for table in self.tables:
            for row, col in table.positions():
                cell = table.cell_at(row, col)
                if cell.changed:
                    spots.append((table.index, row, col))
        if not spots:
            self.notify("表格中没有不同的单元格")
            return
        here = self._here()[1:]
        ahead = [s for s in spots if (s > here if direction > 0 else s < here)]
        if ahead:
            target = ahead[0] if direction > 0 else ahead[-1]
        else:
            target = spots[0] if direction > 0 else spots[-1]
            self.notify("已回到第一处不同" if direction > 0 else "已到最后一处不同")
        self._focus_table(self.tables[target[0]], position=target[1:])

    def action_next_difference(self):
        self._jump_difference(1)

    def action_previous_difference(self):
        self._jump_difference(-1)

    def _jump_finding(self, direction):
        panel = self.query_one(CompareFindings)
        entries = panel.entries
        if not entries:
            self.notify("两份报告均未发现问题")
            return
        positions = [self._position(*e) for e in entries]
        here = self._here()
        current = panel.highlighted
        if current is not None and current < len(entries) and positions[current] == here:
            target = (current + direction) % len(entries)
        elif direction > 0:
            ahead = [i for i, p in enumerate(positions) if p > here]
            target = ahead[0] if ahead else 0
        else:
            behind = [i for i, p in enumerate(positions) if p < here]
            target = behind[-1] if behind else len(entries) - 1
        self._goto_entry(entries[target])

    def action_next_finding(self):
        self._jump_finding(1)

    def action_previous_finding(self):
        self._jump_finding(-1)
