"""FindingsPanel: every finding of the report with its Chinese message."""

from functools import partial

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.findings import GLYPHS, LAPSED_NOTE
from tui.core.inert import inert


class FindingsPanel(OptionList):
    """The report's problem list. Findings one cause produced many times (a
    column left blank: 125 `cell.value` findings) are folded into one line
    per block (tui.core.grouping), which the reviewer expands or collapses;
    `n` / `N` still visit every cell, the list then highlights its line."""

    DEFAULT_CSS = """
    FindingsPanel { height: 7; border: none; border-top: solid $panel; padding: 0; }
    FindingsPanel:focus { border: none; border-top: heavy $accent; }
    FindingsPanel.short { height: 4; }
    """

    COLLAPSED, EXPANDED = "▸", "▾"  # narrow glyphs (FIELD-NOTES: no ambiguous widths)
    EMPTY = "未发现问题"

    class Chosen(Message):
        def __init__(self, finding):
            super().__init__()
            self.finding = finding

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.findings = []
        self.comment_cells = []
        self.groups = []       # tui.core.grouping.Group blocks of two or more findings
        self.rows = []         # per option: ("finding", i) / ("group", g) / ("comment", i) / None
        self._group_of = {}    # id(finding) → index into self.groups
        self._expanded = set()  # (rule, cell) of members of the groups shown open
        self._colours = {}
        self._comments = ()
        self._label = None
        self._form = None
        self._pending = []     # options not yet added (a long list is added a chunk per turn)
        self._wanted = None    # (option, clamped): a highlight asked for a line not yet added

    class CommentChosen(Message):
        def __init__(self, cell):
            super().__init__()
            self.cell = cell

    def fill(self, findings, colours, comments=(), label=None, form=None, data=None):
        """`comments`: [(cell, record)] listed after the findings, each in full
        (`label(cell)` names the cell), so every comment of the report can be read.
        Given `form`, findings that fill a block of a table are grouped."""
        self.findings = list(findings)
        self._colours, self._comments, self._label, self._form = colours, list(comments), label, form
        self.comment_cells = [cell for cell, _ in self._comments]
        self.groups, self._group_of = [], {}
        if form is not None:
            from tui.core.grouping import group_findings

            for g in group_findings(self.findings, form, data):
                if g.is_block:
                    for f in g.findings:
                        self._group_of[id(f)] = len(self.groups)
                    self.groups.append(g)
        self._render_rows()

    def _key(self, finding):
        return finding.rule, finding.first

    def is_expanded(self, g):
        return any(self._key(f) in self._expanded for f in self.groups[g].findings)

    def _render_rows(self):
        from tui.app.widgets.paragraph import Paragraph

        colours = self._colours
        self.clear_options()
        self._pending, self._wanted = [], None
        self.rows = []
        options = []  # per row, what makes its Option (made when the row is added: see CHUNK)
        if not self.findings:
            self.rows.append(None)
            options.append(partial(Option, Text(f"{GLYPHS['clean']} {self.EMPTY}", style=colours.get("accepted", "")),
                                   disabled=True))
        index = {id(f): i for i, f in enumerate(self.findings)}
        shown = set()
        for i, f in enumerate(self.findings):
            g = self._group_of.get(id(f))
            if g is None:
                self.rows.append(("finding", i))
                options.append(partial(self._finding_option, f, str(i)))
                continue
            if g in shown:
                continue
            shown.add(g)
            group = self.groups[g]
            self.rows.append(("group", g))
            options.append(partial(self._group_option, group, self.is_expanded(g), f"g{g}"))
            if self.is_expanded(g):
                for member in group.findings:
                    j = index[id(member)]
                    self.rows.append(("finding", j))
                    options.append(partial(self._finding_option, member, str(j), "  "))
        for i, (cell, c) in enumerate(self._comments):
            t = Text()
            t.append("# 批注 ", style="bold " + colours.get("accent", ""))
            t.append(f"{self._label(cell) if self._label else cell}：", style="dim")
            t.append(inert(str(c.get("text", ""))))
            t.append(f"（{inert(str(c.get('user', '')))}）", style="dim")
            self.rows.append(("comment", i))
            options.append(partial(Option, Paragraph(t), id=f"c{i}"))  # whole, wrapped between characters
        self._add_in_chunks(options)

    def _finding_option(self, f, oid, indent=""):
        return Option(self._prompt(self._finding_text(f, indent=indent)), id=oid)

    def _group_option(self, group, expanded, oid):
        return Option(self._prompt(self._group_text(group, expanded)), id=oid)

    # Textual measures each option's height as it is added (~0.5 ms a wrapped
    # line, as much again to word it): a 2 MB narrative's thousand findings held
    # the interface 0.3-0.5 s. So the first CHUNK lines are made and added at once
    # (in one call: one by one, each re-measured the list) and the rest a chunk per
    # turn of the event loop, keys answered in between.
    CHUNK = 40

    def _add_in_chunks(self, options):
        self.add_options([make() for make in options[:self.CHUNK]])
        self._pending = options[self.CHUNK:]
        if self._pending:
            self.call_after_refresh(self._add_pending, self._pending)

    def _add_pending(self, pending):
        if pending is not self._pending:
            return  # refilled meanwhile
        self.add_options([make() for make in pending[:self.CHUNK]])
        del pending[:self.CHUNK]
        if pending:
            self.call_after_refresh(self._add_pending, pending)
        elif self._wanted is not None:
            option, clamped = self._wanted
            self._wanted = None
            if self.highlighted == clamped:  # unless the reviewer moved meanwhile
                self.highlighted = option

    def _highlight(self, option):
        """Highlight `option`, or (while the list is still being added) as soon as it is there."""
        self.highlighted = option
        self._wanted = (option, self.highlighted) if self._pending and option >= self.option_count else None

    def _prompt(self, text):
        return text

    def _form_of(self, group):
        """The form that names a group's rows and columns."""
        return self._form

    def _finding_text(self, f, indent=""):
        colours = self._colours
        kind = "accepted" if f.accepted else f.severity
        t = Text(indent)
        t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
        t.append(inert(f.message))
        if f.accepted:
            t.append("（已接受）", style="dim")
        elif f.lapsed:
            t.append(f"（{LAPSED_NOTE}）", style="bold " + colours.get(kind, ""))
        return t

    def _group_text(self, group, expanded):
        colours = self._colours
        kind = "accepted" if group.accepted else group.severity
        t = Text()
        t.append((self.EXPANDED if expanded else self.COLLAPSED) + " ", style="bold")
        t.append(group.first.glyph + " ", style="bold " + colours.get(kind, ""))
        form = self._form_of(group)
        t.append(inert(group.brief(form)), style="bold")
        t.append("：" + inert(group.common_message(form)))
        t.append(f"（{group.size} 格）", style="bold")
        if group.accepted:
            t.append("（已接受）", style="dim")
        return t

    # -- what a row stands for ----------------------------------------------

    def group_at(self, option):
        """The Group on option `option` if it is a group's line, else None."""
        if option is None or not 0 <= option < len(self.rows) or self.rows[option] is None:
            return None
        kind, i = self.rows[option]
        return self.groups[i] if kind == "group" else None

    def finding_at(self, option, address=None):
        """The finding on option `option`: a group's line stands for its member at `address`, else its first."""
        if option is None or not 0 <= option < len(self.rows) or self.rows[option] is None:
            return None
        kind, i = self.rows[option]
        if kind == "finding":
            return self.findings[i]
        if kind == "group":
            group = self.groups[i]
            return next((f for f in group.findings if f.first == address), group.first)
        return None

    def highlighted_finding(self, address=None):
        return self.finding_at(self._wanted[0] if self._wanted else self.highlighted, address)

    def highlighted_closed_group(self):
        """The closed group on the highlighted line if it holds unaccepted errors (what `a`
        accepts there: a block of one cause is accepted at once, not cell by cell), else None."""
        g = self.group_at(self.highlighted)
        if g is None or self.is_expanded(self.rows[self.highlighted][1]):
            return None
        return g if any(f.blocking for f in g.findings) else None

    def option_of(self, finding):
        """The option showing `finding`: its own line, or its group's line when the group is closed."""
        for o, row in enumerate(self.rows):
            if row is None:
                continue
            kind, i = row
            if kind == "finding" and self.findings[i] is finding:
                return o
            if kind == "group" and not self.is_expanded(i) and self._group_of.get(id(finding)) == i:
                return o
        return None

    def show(self, finding):
        """Highlight a finding (or its closed group) without moving focus."""
        o = self.option_of(finding)
        if o is not None:
            self._highlight(o)

    def toggle_group(self, option=None):
        """Open or close the group on `option` (default: the highlighted line, or the group of
        the highlighted member); the highlight stays on the group's line. False if none."""
        option = self.highlighted if option is None else option
        if option is None or not 0 <= option < len(self.rows) or self.rows[option] is None:
            return False
        kind, i = self.rows[option]
        g = i if kind == "group" else self._group_of.get(id(self.findings[i])) if kind == "finding" else None
        if g is None:
            return False
        keys = {self._key(f) for f in self.groups[g].findings}
        if self.is_expanded(g):
            self._expanded -= keys
        else:
            self._expanded |= keys
        self._render_rows()
        self._highlight(self.rows.index(("group", g)))
        return True

    def on_option_list_option_selected(self, event):
        event.stop()
        oid = event.option.id
        if oid is None:
            return
        if oid.startswith("c"):
            self.post_message(self.CommentChosen(self.comment_cells[int(oid[1:])]))
        elif oid.startswith("g"):
            self.toggle_group(event.option_index)
        else:
            self.post_message(self.Chosen(self.findings[int(oid)]))


class CompareFindings(FindingsPanel):
    """Every finding of both reports, each tagged with its side (跨年 for year-over-year ones).
    Findings of one side that fill a block of a table fold into one line, as on the report screen."""

    EMPTY = "两份报告均未发现问题"
    _shown = None  # (entries, colours, comments) as last filled

    def fill_entries(self, entries, tags, colours, reports=None, comments=(), label=None):
        """`entries`: [(side, finding)] in display order; `reports`: {side: (form, data)} to group by;
        `comments`: [((side, cell), record)] listed after them, `label((side, cell))` naming each.
        The same `entries` list again (a resize: the screen repaints, the list rewraps itself) with the
        same colours and comments is left as it is: 1,000 findings (a 2 MB narrative's) take ~0.3 s."""
        from tui.core.grouping import group_findings

        comments = list(comments)
        shown, self._shown = self._shown, (entries, colours, comments)
        if shown is not None and shown[0] is entries and shown[1:] == (colours, comments):
            return
        self.entries = list(entries)
        self.findings = [f for _, f in self.entries]
        self._tags = {id(f): tags[side] for side, f in self.entries}
        self._colours, self._comments, self._label, self._form = colours, list(comments), label, None
        self.comment_cells = [where for where, _ in self._comments]
        self.groups, self._group_of, self._forms = [], {}, {}
        for side, (form, data) in (reports or {}).items():
            for g in group_findings([f for s, f in self.entries if s == side], form, data):
                if g.is_block:
                    for f in g.findings:
                        self._group_of[id(f)] = len(self.groups)
                    self.groups.append(g)
                    self._forms[id(g)] = form
        self._render_rows()

    def _key(self, finding):
        return self._tags.get(id(finding)), finding.rule, finding.first

    def on_unmount(self):
        # Its lines (a 2 MB pair's thousand, ~15 objects each) are let go as the screen closes, freed at
        # once, so the full collection the screen set off then walks that many objects fewer.
        self._pending = []
        self.clear_options()

    def to_accept(self):
        """(side, error or closed Group) that `a` accepts on the highlighted line, or None."""
        group = self.highlighted_closed_group()
        f = group.first if group is not None else self.highlighted_finding()
        if f is None or (group is None and not f.blocking):
            return None
        return next(side for side, e in self.entries if e is f), group or f

    def _form_of(self, group):
        return self._forms.get(id(group))

    def _prompt(self, text):
        from tui.app.widgets.paragraph import Paragraph

        return Paragraph(text)  # Chinese wraps between characters

    def _tagged(self, finding, text, indent=""):
        t = Text(indent)
        t.append(f"[{self._tags.get(id(finding), '')}] ", style="dim")
        t.append_text(text)
        return t

    def _finding_text(self, f, indent=""):
        return self._tagged(f, super()._finding_text(f), indent)

    def _group_text(self, group, expanded):
        return self._tagged(group.first, super()._group_text(group, expanded))
