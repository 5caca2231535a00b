"""The report screen: all six sections in printed order, marks on cells,
the findings panel and a status line that follows the cursor."""

import os

from rich.text import Text
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.app.actions import bindings, key_label
from tui.app.colours import severity_colours
from tui.app.deliver import deliver, ends_with_screen
from tui.app.layout import MAX_EXTRA_TEXT_BLOCKS, hidden_text_keys, report_blocks
from tui.app.marks import UNSAVED_GLYPH, is_unsaved, unsaved_text
from tui.app.navigation import Navigator
from tui.app.screens.edit_actions import EditingMixin
from tui.app.stops import finding_stops
from tui.app.widgets.findings import FindingsPanel
from tui.app.widgets.cursor import scroll_within
from tui.app.widgets.grid import GridTable
from tui.app.widgets.narrative import NarrativeBlock
from tui.app.widgets.status import StatusLine
from tui.app.widgets.footer import KeyFooter
from tui.core.inert import inert
from tui.core.review import STATE_GLYPHS, STATE_NAMES

CONFIRMED_REASON = "已与原件核对"  # the acceptance that confirms an import flag (issue 11)


def title_text(model, colours):
    """The report's title: what matters most comes first so that it survives
    80 columns (issue 13.2): counts, sign-off state, file name, then agency,
    year and form. A stale sign-off's reason gets a second line of its own."""
    r = model.report
    errors = sum(1 for f in model.findings if f.blocking)
    warnings = sum(1 for f in model.findings if f.severity == "warning" and not f.accepted)
    t = Text(no_wrap=True, overflow="ellipsis")
    if model.dirty:
        t.append_text(unsaved_text(colours, f"{UNSAVED_GLYPH} 已修改 "))
    if model.read_only:
        t.append("[只读] ", style="bold " + colours["warning"])
    t.append(f"✗ {errors}", style=colours["error"] if errors else "dim")
    t.append(" ")
    t.append(f"! {warnings}", style=colours["warning"] if warnings else "dim")
    t.append(" · ")
    state = model.signoff
    t.append(f"{STATE_GLYPHS[state]} {STATE_NAMES[state]}",
             style={"approved": colours["accepted"], "rejected": colours["error"],
                    "stale": colours["warning"]}.get(state, "dim"))
    t.append(f" · {inert(os.path.basename(r.file))}", style="bold")
    t.append(f" · {inert(r.agency)} {r.year} 年度")
    t.append(f" · {r.form.name}", style="dim")
    if model.previous is not None:
        t.append(f" · 对照 {model.previous.year} 年报告")
    if state == "stale" and model.stale_text:
        t.append(f"\n{STATE_GLYPHS[state]} {inert(model.stale_text)}", style=colours["warning"])
    return t


class ReportScreen(EditingMixin, Screen):
    SCOPE = "report"
    BINDINGS = bindings("report")
    DEFAULT_CSS = """
    ReportScreen #title { height: auto; max-height: 2; text-wrap: nowrap; text-overflow: ellipsis; background: $panel; padding: 0 1; }
    ReportScreen #report-view { height: 1fr; padding: 0 1; }
    ReportScreen .section-title { text-style: bold; color: $accent; margin: 0 0 0 0; }
    ReportScreen .caption { color: $text-muted; }
    ReportScreen #search { dock: bottom; display: none; }
    ReportScreen #search.visible { display: block; }
    ReportScreen GridTable:focus { background-tint: $foreground 3%; }
    """

    def __init__(self, model, context_loader=None, **kwargs):
        super().__init__(**kwargs)
        self.model = model
        self.others = []  # other reviewers holding the file open for editing
        self.context_loader = context_loader  # callable → reports to pair with, run off the UI thread
        self.address = None
        self._stop = None      # Stop.key of the last stop `n`/`N` went to
        self._current = None   # the finding whose clause is underlined
        self._matches = []
        self._width = 0
        self._notice = None  # (address, words): a wrap of n / N, said while the cursor stays there

    # -- building -------------------------------------------------------

    def compose(self):
        yield Static(id="title")
        with VerticalScroll(id="report-view"):
            for block in report_blocks(self.model.form, self.model.data):
                yield Static(block.title, classes="section-title")
                if block.kind == "table":
                    if block.caption:
                        yield Static(block.caption, classes="caption")
                    yield GridTable(block, id=f"block-{block.key}")
                else:
                    yield NarrativeBlock(block, id=f"block-text-{block.key}")
        yield FindingsPanel(id="findings")
        yield StatusLine(id="status")
        yield Input(placeholder=f"搜索标签和正文，回车跳转，{key_label(self.app, 'report', 'close_search')} 取消",
                    id="search")
        yield KeyFooter()

    @property
    def blocks(self):
        return [w for w in self.query("#report-view > *") if isinstance(w, (GridTable, NarrativeBlock))]

    def on_mount(self):
        self.refresh_marks()
        blocks = self.blocks
        # Start on the first table cell with a problem, else the first cell.
        first = self._ordered_findings()
        if first:
            self.goto(first[0].first)
        elif blocks:
            self._focus_block(blocks[0], first=True)
        if self.context_loader is not None:
            self.call_after_refresh(self._load_context)
        self.others = self.take_lock(self.model)
        hidden = hidden_text_keys(self.model.form, self.model.data)
        if hidden:
            self.notify(f"[text] 中的键过多，另有 {hidden} 个未显示（最多显示 {MAX_EXTRA_TEXT_BLOCKS} 个附加叙述）",
                        severity="warning", timeout=10)
        self.call_after_refresh(lambda: self.offer_recovery(self.model))
        if self.model.read_only:
            self.notify(self.model.read_only, title="只读打开", severity="warning", timeout=8)

    def on_unmount(self):
        self.release_locks()

    def _load_context(self):
        loader = self.context_loader

        @ends_with_screen
        def work():
            reports = loader()
            if reports:
                deliver(self, self.set_context, reports)

        self.run_worker(work, thread=True, group="context", exit_on_error=False)

    def on_resize(self, event):
        short = event.size.height < 32
        self.query_one(FindingsPanel).set_class(short, "short")
        self.query_one(StatusLine).set_class(short, "short")
        if event.size.width != self._width:
            self.refresh_marks()

    def set_context(self, reports):
        """Other reports arrived (e.g. last year's, loaded after the first paint): pair and re-mark."""
        self.model.set_context(reports)
        if self.is_mounted:
            self.refresh_marks()

    def refresh_marks(self, incremental=False):
        """Re-render the blocks from the model (after an edit, a recheck or a resize).

        `incremental` repaints only changed cells, for edits; a resize rebuilds.
        """
        colours = severity_colours(self.app)
        width = self.size.width or self.app.size.width
        self._width = width
        m = self.model
        unsaved = m.unsaved()
        for b in self.blocks:
            if isinstance(b, GridTable):
                if not (incremental and b.update_cells(m.data, m.marks, m.comments, unsaved)):
                    b.fill(m.data, m.marks, colours, width - 4, m.comments, unsaved)
            else:
                b.fill(m.data, m.marks, colours, m.comments, current=self._current, unsaved=unsaved)
        if self.address is not None and isinstance(self.focused, GridTable):
            self.focused.select(self.address)
        self.query_one("#title", Static).update(title_text(m, colours))
        comments = [(cell, c) for cell, cs in m.comments.items() for c in cs]
        self.query_one(FindingsPanel).fill(self._ordered_findings(), colours, comments, m.form.short_label,
                                          form=m.form, data=m.data)
        self._show_status()

    # -- positions ------------------------------------------------------

    def _order(self):
        order = {}
        for b in self.blocks:
            for a in b.block.addresses():
                order.setdefault(a, len(order))
        return order

    def _ordered_findings(self):
        order = self._order()
        return sorted(self.model.findings, key=lambda f: (order.get(self._resolve(f.first, order), len(order)),
                                                           f.rule))

    @staticmethod
    def _resolve(address, order):
        """An address shown on screen for a finding's cell (a row or table → its first cell)."""
        if address in order or address is None:
            return address
        for a in order:
            if a.startswith(address + "[") or a.startswith(address + "."):
                return a
        return address

    def _block_of(self, address):
        for b in self.blocks:
            if b.has(address):
                return b
        return None

    def goto(self, address):
        """Move the cursor to a cell (or the nearest shown cell of a row)."""
        address = self._resolve(address, self._order())
        block = self._block_of(address)
        if block is None:
            hint = "；在问题列表中选中此问题按 e 可添加" if self.model.editable and \
                self.model.insert_refusal(address) is None else ""
            self.notify(f"{address} 不在表格中显示（例如缺失的行）{hint}", severity="warning")
            return False
        self._focus_block(block, address=address)
        return True

    def _focus_block(self, block, address=None, first=False, last=False):
        block.focus()
        if isinstance(block, GridTable):
            block.select(address, first=first, last=last)
            self._follow(block)
        else:
            self.call_after_refresh(block.scroll_visible, top=True, animate=False)
            self._moved(block.address)

    def _follow(self, table):
        """Keep the table cursor visible in the scrolling report view."""
        view = self.query_one("#report-view", VerticalScroll)
        row = table.cursor_coordinate.row

        def scroll():
            y = table.virtual_region.y + table.header_height + row
            view.scroll_to_region(Region(0, max(0, y - 1), 1, 3), animate=False, immediate=True)

        self.call_after_refresh(scroll)

    def _moved(self, address):
        if self._stop is not None and self._stop[3] != address:
            self._stop = None  # moved away from the stop `n` went to
        if self._current is not None and (not self._current.span or self._current.span[0] != address):
            self._set_current(None)
        self.address = address
        self._show_status()
        mark = self.model.marks.get(address)
        if mark is not None:
            self.query_one(FindingsPanel).show(self._current if self._current in mark.findings else mark.findings[0])

    def _show_status(self):
        m = self.model
        notice = self._notice[1] if self._notice and self._notice[0] == self.address else None
        mark = m.marks.get(self.address)
        if mark is not None and self._current in mark.findings:
            mark = mark.first(self._current)  # the clause `n` stands on is explained first
        self.query_one(StatusLine).show(m.form, m.data, self.address, mark,
                                        severity_colours(self.app), m.comments.get(self.address, ()), notice,
                                        unsaved=self.address is not None and is_unsaved(self.address, m.unsaved()))

    def on_grid_table_moved(self, event):
        if event.address is not None:
            self._moved(event.address)
            self._follow(event.table)

    def on_narrative_block_moved(self, event):
        self._moved(event.address)

    def on_grid_table_leave(self, event):
        self._neighbour(event.table, event.direction)

    def _neighbour(self, widget, direction):
        blocks = self.blocks
        i = blocks.index(widget) + direction
        if 0 <= i < len(blocks):
            self._focus_block(blocks[i], first=direction > 0, last=direction < 0)

    def on_findings_panel_chosen(self, event):
        self.goto(event.finding.first)

    def on_findings_panel_comment_chosen(self, event):
        self.goto(event.cell)

    # -- actions --------------------------------------------------------

    def _narrative_scroll(self, block, direction):
        """Scroll within a long narrative; True if it scrolled, False at its end."""
        return scroll_within(self.query_one("#report-view", VerticalScroll), block, direction)

    def _vertical(self, direction):
        f = self.focused
        if isinstance(f, GridTable):
            f.action_cursor_down() if direction > 0 else f.action_cursor_up()
        elif isinstance(f, NarrativeBlock):
            if not self._narrative_scroll(f, direction):
                self._neighbour(f, direction)
        elif isinstance(f, FindingsPanel):
            f.action_cursor_down() if direction > 0 else f.action_cursor_up()

    def action_cursor_down(self):
        self._vertical(1)

    def action_cursor_up(self):
        self._vertical(-1)

    def action_cursor_left(self):
        if isinstance(self.focused, GridTable):
            self.focused.action_cursor_left()

    def action_cursor_right(self):
        if isinstance(self.focused, GridTable):
            self.focused.action_cursor_right()

    def action_first_cell(self):
        self._focus_block(self.blocks[0], first=True)
        self.query_one("#report-view", VerticalScroll).scroll_home(animate=False)

    def action_last_cell(self):
        self._focus_block(self.blocks[-1], last=True)
        self.query_one("#report-view", VerticalScroll).scroll_end(animate=False)

    def _jump(self, direction):
        findings = self._ordered_findings()
        if not findings:
            self.notify("未发现问题")
            return
        order = self._order()
        stops = finding_stops(findings)
        # Every stop of a finding shares its first cell's position; the stop
        # the cursor stands on (a claim's table cell, then its clause) breaks
        # the tie, else the finding highlighted in the panel when it is here.
        positions = [order.get(self._resolve(s.finding.first, order), len(order)) for s in stops]
        keys = [s.key for s in stops]
        current = keys.index(self._stop) if self._stop in keys else None
        if current is not None and stops[current].address != self.address:
            current = None
        panel = self.query_one(FindingsPanel)
        lit = panel.highlighted_finding(self.address)
        if current is None and lit is not None:
            first = next(i for i, s in enumerate(stops) if s.finding is lit)
            if stops[first].address == self.address:
                current = first
        here = positions[current] if current is not None else order.get(self.address, -1)
        step = Navigator(positions).step(here, direction, current)
        stop = stops[step.index]
        self._stop = stop.key
        self._notice = (self._resolve(stop.address, order), step.message) if step.wrapped else None
        if stop.clause:
            self._goto_clause(stop.finding, stop.address)
        else:
            self._set_current(None)
            self.goto(stop.address)
        panel.show(stop.finding)  # its line, or its group's line when the group is closed
        self._show_status()

    def _set_current(self, finding):
        """The finding whose clause is underlined in its narrative block (or None)."""
        if finding is self._current:
            return
        old, self._current = self._current, finding
        for f in (old, finding):
            if f is not None and f.span:
                block = self._block_of(f.span[0])
                if isinstance(block, NarrativeBlock):
                    m = self.model
                    block.fill(m.data, m.marks, severity_colours(self.app), m.comments, current=self._current,
                               unsaved=m.unsaved())

    def _goto_clause(self, finding, address):
        """Focus the narrative holding a finding's span, underline it, scroll it into view."""
        block = self._block_of(address)
        if not isinstance(block, NarrativeBlock):
            self.goto(address)
            return
        self._set_current(finding)
        block.focus()
        self._moved(address)
        view = self.query_one("#report-view", VerticalScroll)

        def scroll():
            line = block.line_of(finding)
            y = block.virtual_region.y + line
            view.scroll_to_region(Region(0, max(0, y - 2), 1, 5), animate=False, immediate=True)

        self.call_after_refresh(scroll)

    def action_next_finding(self):
        self._jump(1)

    def action_previous_finding(self):
        self._jump(-1)

    def action_toggle_group(self):
        """Open or close the group of findings highlighted in the problem list."""
        if not self.query_one(FindingsPanel).toggle_group():
            self.notify("问题列表中选中的不是一组问题")

    def action_switch_pane(self):
        panel = self.query_one(FindingsPanel)
        if self.focused is panel:
            block = self._block_of(self.address) or self.blocks[0]
            self._focus_block(block, address=self.address)
        else:
            panel.focus()

    # -- editing --------------------------------------------------------

    def edit_model(self):
        return self.model

    def edit_address(self):
        return self.address

    def editable_models(self):
        return [self.model]

    def repaint(self, model, address=None, full=False):
        """Repaint after the data changed: only changed cells after an edit, everything after a reload."""
        self.refresh_marks(incremental=not full)
        if address is not None:
            self.goto(address)

    def on_data_table_cell_selected(self, event):
        if isinstance(event.data_table, GridTable):
            event.stop()
            self.action_edit()

    def missing_key_to_add(self):
        """`e` on a report.schema finding about a missing key (highlighted in the findings panel)."""
        finding = self._finding_to_add()
        if finding is None:
            return None
        shown = self._resolve(finding.first, self._order())
        return shown if self._block_of(shown) is not None else finding.first

    def _finding_to_add(self):
        """The report.schema finding highlighted in the focused findings panel, if its key is missing."""
        panel = self.query_one(FindingsPanel)
        if self.focused is not panel or not self.model.editable:
            return None
        finding = panel.highlighted_finding(self.address)
        if finding is None or finding.rule != "report.schema" or not finding.first:
            return None
        return finding if self.model.lacks(finding.first) else None

    def finding_to_accept(self):
        """(model, finding): the error highlighted in the problem list (on a closed group's
        line: the Group), else the first at the cursor."""
        panel = self.query_one(FindingsPanel)
        if self.focused is panel and panel.highlighted_closed_group() is not None:
            return self.model, panel.highlighted_closed_group()
        if self.focused is panel and panel.highlighted_finding(self.address) is not None:
            f = panel.highlighted_finding(self.address)
            return (self.model, f) if f.blocking else None
        mark = self.model.marks.get(self.address)
        found = next((f for f in mark.findings if f.blocking), None) if mark else None
        return (self.model, found) if found else None

    def action_confirm_import(self):
        from tui.core.findings import UNCONFIRMED

        model = self.model
        mark = model.marks.get(self.address)
        finding = next((f for f in mark.findings if f.rule == UNCONFIRMED and not f.accepted), None) if mark else None
        if finding is None:
            left = len(model.unconfirmed())
            self.notify(f"这里没有导入待核对的单元格（全文还有 {left} 个，按 n 跳到下一个问题）" if left
                        else "没有导入待核对的单元格")
            return

        def confirm():
            outcome = model.accept(finding, CONFIRMED_REASON)
            if outcome.ok:
                outcome.message = (f"已核对：{model.form.short_label(finding.first)}"
                                   f"（还有 {len(model.unconfirmed())} 个待核对）")
            self._reviewed(model, outcome)

        self._saved_first(model, confirm)

    # -- review opinion ---------------------------------------------------

    UNSAVED_EXPORT = "有未保存的修改：请先保存（Ctrl+S），审查意见按磁盘上的文件导出"

    def opinion(self):
        """The review opinion of the report as shown (same findings, marks and sign-off state)."""
        from tui.core.checker import Checked
        from tui.core.opinion.model import Opinion

        m = self.model
        return Opinion(Checked(m.report, m.findings, m.signoff, m.previous))

    def action_preview_opinion(self):
        from tui.app.screens.opinion import OpinionScreen

        dirty = self.model.dirty
        self.app.push_screen(OpinionScreen(self.opinion(), "含未保存的修改" if dirty else None,
                                           self.UNSAVED_EXPORT if dirty else None))

    def action_export_opinion(self):
        if self.model.dirty:
            self.notify(self.UNSAVED_EXPORT, severity="warning", timeout=8)
            return
        from tui.app.export import export_document, opinion_path
        from tui.core.opinion import OPINION_FORMATS
        from tui.render import render_opinions

        op = self.opinion()
        export_document(self, "审查意见", opinion_path(op.file), OPINION_FORMATS,
                        lambda fmt: render_opinions([op], fmt))

    def action_search(self):
        box = self.query_one("#search", Input)
        box.add_class("visible")
        box.focus()

    def on_input_submitted(self, event):
        if event.input.id != "search":
            return
        event.stop()
        query = event.value.strip()
        event.input.remove_class("visible")
        if not query:
            self._focus_block(self._block_of(self.address) or self.blocks[0], address=self.address)
            return
        self._matches = self._search(query)
        if not self._matches:
            self.notify(f"未找到“{query}”", severity="warning")
            self._focus_block(self._block_of(self.address) or self.blocks[0], address=self.address)
            return
        self.notify(f"“{query}”：{len(self._matches)} 处，{key_label(self.app, 'report', 'search_next')} 下一处")
        self.goto(self._matches[0])

    def action_close_search(self):
        box = self.query_one("#search", Input)
        if box.has_class("visible"):
            box.remove_class("visible")
            self._focus_block(self._block_of(self.address) or self.blocks[0], address=self.address)

    def _search(self, query):
        q = query.lower()
        form = self.model.form
        hits = []
        for b in self.blocks:
            if isinstance(b, NarrativeBlock):
                if q in b.text.lower() or q in b.block.title.lower():
                    hits.append(b.address)
                continue
            for row in b.block.rows:
                for a in row.cells:
                    if a and not row.heading and (q in row.label.lower() or q in form.label(a).lower()
                                                  or q == b.value_text(a).lower()):
                        hits.append(a)
                        break
        return hits

    def action_search_next(self):
        if not self._matches:
            self.action_search()
            return
        order = self._order()
        here = order.get(self.address, -1)
        later = [a for a in self._matches if order.get(a, -1) > here]
        self.goto(later[0] if later else self._matches[0])
