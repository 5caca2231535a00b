"""The side-by-side screen's view-model: everything but the widgets.

CompareView pairs the two models (each checks against the other's current
report), computes the Comparison (tui.core.compare), merges the marks (a
report's own findings on its side; year-over-year findings at their cells in
the later report and at `previous.cells` in the earlier one), lays each
section out as display lines, knows where every address is shown, walks
differences and problems (tui.app.navigation), and words the title, the
section heads and the status line. No Textual: tests drive it directly; the
screen (tui.app.screens.compare) renders it and moves the widgets' cursors.
"""

import os

from rich.text import Text

from tui.app.layout import applications_block
from tui.app.marks import UNSAVED_GLYPH, UNSAVED_WORDS, Mark, any_unsaved, is_unsaved, marks_for, unsaved_text
from tui.app.navigation import Navigator
from tui.core.compare import APPEALS, APPLICATIONS, BOTH, NEW, OLD, compare_reports, finite
from tui.core.findings import LAPSED_NOTE
from tui.core.inert import inert
from tui.core.rules import fmt
from tui.core.textdiff import DELETE_MARKS, INSERT_MARKS, TextComparison, diff_stats

YOY = "yoy"
TABLES, TEXTS = "tables", "texts"
VIEW_NAMES = {TABLES: "表格", TEXTS: "正文"}
COPIED = "内容雷同"
NOWHERE = (-1, 0, 0, 0)   # a position before everything (the cursor in the problem list)
STATUS_LINES = 5          # the side-by-side status line's most lines (CompareStatus max-height)


def signed(v):
    return ("+" if v > 0 else "-" if v < 0 else "") + fmt(abs(v))


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


def side_addresses(cell, side):
    """The addresses an aligned cell shows on one side: its own, or the parts of a sum."""
    if side == OLD:
        return [cell.old_address] if cell.old_address else list(cell.old_parts)
    return [cell.new_address] if cell.new_address else list(cell.new_parts)


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


# -- layout: display lines of a section -----------------------------------------

class Line:
    """A display row: a heading (printed field names, not selectable) or an aligned row's cells."""

    __slots__ = ("heading", "row", "label", "cells", "heads")

    def __init__(self, label, row=None, cells=(), heads=(), heading=False):
        self.heading = heading
        self.row = row
        self.label = label
        self.cells = list(cells)   # AlignedCell or None, one per value column
        self.heads = list(heads)   # heading rows: a field name per value column

    @property
    def sides(self):
        """The report sides this line prints, top to bottom."""
        if self.heading:
            return ()
        return (OLD, NEW) if self.row.side == BOTH else (self.row.side,)


def section_lines(section, names):
    """The display rows of a Section; `names` = {OLD: edition name, NEW: ...} for one-sided rows."""
    if section.columns:
        return len(section.columns), [Line(r.label, r, r.cells) for r in section.rows]
    # 二: fields differ per row; heading rows carry them
    plain = [r for r in section.rows if not r.key.startswith("summary.")]
    ncols = max([len(r.cells) for r in plain] + [1])
    lines, heads, side = [], None, None
    for r in section.rows:
        label = r.label
        if r.side != BOTH:
            label = label.removesuffix(f"（{names[r.side]}）")
        chunks = [r.cells[i:i + ncols] for i in range(0, len(r.cells), ncols)] or [()]
        for k, chunk in enumerate(chunks):
            fields = tuple(c.column for c in chunk)
            if fields != heads or r.side != side:
                group = ""
                if r.side != side and r.side != BOTH:
                    group = f"仅{names[r.side]}（{'旧' if r.side == OLD else '新'}）"
                lines.append(Line(group, heads=list(fields) + [""] * (ncols - len(fields)), heading=True))
                heads, side = fields, r.side
            pad = [None] * (ncols - len(chunk))
            lines.append(Line(label if k == 0 else "（续）", r, list(chunk) + pad))
    return ncols, lines


class SectionLayout:
    """A section's display lines and, per side, where each address is shown: (line, column).

    Columns count as the table shows them: 0 the label, 1 the 年度 column, values from 2.
    """

    def __init__(self, section, names):
        self.section = section
        self.ncols, self.lines = section_lines(section, names)
        self.where = {OLD: {}, NEW: {}}
        self.positions = []
        for n, line in enumerate(self.lines):
            if line.heading:
                continue
            for i, c in enumerate(line.cells):
                if c is None:
                    continue
                self.positions.append((n, i + 2))
                for side, address in ((OLD, c.old_address), (NEW, c.new_address)):
                    if address:
                        self.where[side].setdefault(address, (n, i + 2))

    def cell_at(self, row, column):
        line = self.lines[row] if 0 <= row < len(self.lines) else None
        if line is None or line.heading or not 2 <= column < 2 + self.ncols:
            return None
        return line.cells[column - 2]


# -- the view-model ------------------------------------------------------------

class CompareView:
    def __init__(self, old_model, new_model):
        self.models = [old_model, new_model]
        self.side = NEW            # the side the cursor works on (status line first, edits, review records)
        self.view = TABLES
        self.cell = None           # the focused AlignedCell
        self.row = None            # ...and its AlignedRow
        self.cursor = None         # (table index, line, column) of the table cursor
        self.text_key = None       # the focused narrative in the 正文 view
        self.ops = {}              # (old text, new text) → diff ops: kept across recomputations
        self.refresh()

    # -- the two models ------------------------------------------------------

    def link(self):
        """Pair each model with the other's current report: an edit replaces a
        model's Report object, and the other must not keep checking the old one."""
        for i, model in enumerate(self.models):
            other = self.models[1 - i].report
            path = os.path.abspath(other.file)
            model.context = [r for r in model.context if os.path.abspath(r.file) != path] + [other]

    def refresh(self):
        """A report changed (or the screen opens): relink, recheck both (the later
        one's year-over-year findings read the earlier), recompute."""
        self.link()
        for model in self.models:
            model.recheck()
        self.compute()

    def compute(self):
        old, new = (m.report for m in self.models)
        c = compare_reports(old, new)
        # diffs already computed for the same pair of texts are reused (an edit of a number keeps them)
        c.texts = [TextComparison(t.key, t.label, t.old, t.new, ops=self.ops.get((t.old, t.new)),
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
        # edited, not yet saved, per side: ✎ as on the report screen (tui.app.marks)
        self.unsaved = {OLD: self.models[0].unsaved(), NEW: self.models[1].unsaved()}
        self._yoy_ids = {id(f) for f in yoy}
        self.entries = [(YOY, f) for f in yoy] + [(OLD, f) for f in own[0]] + [(NEW, f) for f in own[1]]
        names = self.edition_names
        self.layouts = [SectionLayout(s, names) for s in c.sections]
        self.entries.sort(key=lambda e: (self.position(*e), e[1].rule))

    @property
    def reports(self):
        """{side: (form, data)} the problem list groups each side's findings by (跨年: the later report's)."""
        old, new = ((m.report.form, m.report.data) for m in self.models)
        return {OLD: old, NEW: new, YOY: new}

    @property
    def comments(self):
        """[((side, cell), record)]: every comment of both reports, old first, for the problem list."""
        return [((side, cell), c) for side, m in zip((OLD, NEW), self.models)
                for cell, cs in m.comments.items() for c in cs]

    def comment_label(self, where):
        """A comment's place in the problem list: its side's tag and the cell's name."""
        side, cell = where
        return f"[{self.tags[side]}] {self.models[0 if side == OLD else 1].form.short_label(cell)}"

    @property
    def edition_names(self):
        return {OLD: self.comparison.old.form.name, NEW: self.comparison.new.form.name}

    @property
    def side_index(self):
        return 0 if self.side == OLD else 1

    @property
    def model(self):
        """The model of the side the cursor works on."""
        return self.models[self.side_index]

    @property
    def years(self):
        old, new = self.comparison.old, self.comparison.new
        if old.year == new.year:
            return {OLD: "旧", NEW: "新"}
        return {OLD: str(old.year), NEW: str(new.year)}

    @property
    def years_by_name(self):
        y = self.years
        return {"old": y[OLD], "new": y[NEW]}

    @property
    def tags(self):
        y = self.years
        return {OLD: f"旧 {y[OLD]}" if y[OLD] != "旧" else "旧", NEW: f"新 {y[NEW]}" if y[NEW] != "新" else "新",
                YOY: "跨年"}

    def column_specs(self, section):
        form = self.comparison.new.form
        if section.key == APPLICATIONS:
            return form.application_columns
        if section.key == APPEALS:
            return form.appeal_columns
        return ()

    # -- where things are ------------------------------------------------------

    def address_here(self):
        """The address under the cursor on the working side; (None, why not) when there is none."""
        if self.view == TEXTS:
            return (f"text.{self.text_key}", None) if self.text_key else (None, None)
        cell = self.cell
        if cell is None:
            return None, None
        address = cell.old_address if self.side == OLD else cell.new_address
        if address is None:
            parts = cell.old_parts if self.side == OLD else cell.new_parts
            return None, ("这一格是几项之和，请在所含各项上修改：" + "、".join(parts) if parts else "这一侧没有这一格")
        return address, None

    def locate(self, side, address):
        """Where a side's address is shown: ("table", i, line, column), ("text", key) or None."""
        if address is None:
            return None
        if address.startswith("text."):
            key = address[5:].strip('"')
            return ("text", key) if any(t.key == key for t in self.comparison.texts) else None
        s = NEW if side == YOY else side
        for i, layout in enumerate(self.layouts):
            if address in layout.where[s]:
                return ("table", i, *layout.where[s][address])
        for i, layout in enumerate(self.layouts):  # a row or table address: its first shown cell
            for a, pos in layout.where[s].items():
                if a.startswith(address + "[") or a.startswith(address + "."):
                    return ("table", i, *pos)
        return None

    def position(self, side, finding):
        """A sort key in display order: tables first, then narratives, then what is not shown."""
        where = self.locate(side, finding.first)
        if where is None:
            return (2, 0, 0, 0)
        if where[0] == "text":
            keys = [t.key for t in self.comparison.texts]
            return (1, keys.index(where[1]), 0, 0)
        return (0, *where[1:])

    def here(self, in_panel=False):
        if self.view == TEXTS:
            keys = [t.key for t in self.comparison.texts]
            return (1, keys.index(self.text_key) if self.text_key in keys else -1, 0, 0)
        if in_panel or self.cursor is None:
            return NOWHERE
        return (0, *self.cursor)

    def first_entry(self):
        """Where the screen opens: the first year-over-year problem in the tables, else None."""
        return next((e for e in self.entries if e[0] == YOY and self.position(*e)[0] == 0), None)

    # -- walking ------------------------------------------------------------------

    def step_finding(self, direction, current=None, in_panel=False):
        """(entry, Step) for n / N; None when neither report has a problem."""
        step = Navigator([self.position(*e) for e in self.entries]).step(self.here(in_panel), direction, current)
        return None if step is None else (self.entries[step.index], step)

    def step_difference(self, direction):
        """(("table", i, line, column) or ("text", key), Step) for d / D; None when nothing differs."""
        c = self.comparison
        if self.view == TEXTS:
            keys = [t.key for t in c.texts]
            changed = sorted(keys.index(t.key) for t in c.changed_texts)
            here = keys.index(self.text_key) if self.text_key in keys else -1
            step = Navigator(changed, "difference").step(here, direction)
            return None if step is None else (("text", keys[changed[step.index]]), step)
        spots = [(i, *p) for i, layout in enumerate(self.layouts) for p in layout.positions
                 if layout.cell_at(*p).changed]
        here = self.cursor if self.cursor is not None else (-1, 0, 0)
        step = Navigator(spots, "difference").step(here, direction)
        return None if step is None else (("table", *spots[step.index]), step)

    # -- findings at the cursor ---------------------------------------------------

    def _tagged(self, side, addresses, out, seen):
        """Add to `out` the findings at `addresses` on a side not already in it (`seen`: their ids).
        A 2 MB narrative carries a thousand findings: comparing each with all before it took ~0.1 s."""
        for a in addresses:
            mark = self.marks[side].get(a)
            for f in mark.findings if mark else ():
                if id(f) not in seen:
                    seen.add(id(f))
                    out.append((YOY if id(f) in self._yoy_ids else side, f))

    def cell_findings(self):
        """[(side, finding)] at the focused cell on either side, each once."""
        cell, out, seen = self.cell, [], set()
        if cell is None:
            return out
        for side in (OLD, NEW):
            self._tagged(side, side_addresses(cell, side), out, seen)
        return out

    def text_unsaved(self, t):
        """Whether either side's text of a TextComparison holds an unsaved edit."""
        return any(is_unsaved(t.address, self.unsaved[side]) for side in (OLD, NEW))

    def text_findings(self, address):
        out, seen = [], set()
        for side in (OLD, NEW):
            self._tagged(side, [address], out, seen)
        return out

    # -- words ------------------------------------------------------------------

    def side_name(self, side):
        y = self.years
        return ("旧" if side == OLD else "新") + ("" if y[side] in ("旧", "新") else f" {y[side]}")

    def _findings_line(self, found, colours, empty, width=None):
        """The problems at the cursor. The status line shows at most STATUS_LINES lines of `width`
        cells: what would start past them is not worded (a 2 MB narrative's thousand findings
        made a text the status line then wrapped whole, ~0.2 s), only counted."""
        t = Text()
        if not found:
            t.append(empty, style="dim")
        room = STATUS_LINES * (width or 120)
        for n, (side, f) in enumerate(found):
            if t.cell_len > room:
                t.append(f"…另有 {len(found) - n} 项（见问题列表）", style="dim")
                break
            kind = "accepted" if f.accepted else f.severity
            t.append(f"[{self.tags[side]}] ", style="dim")
            t.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
            t.append(inert(f.message) + "  ")
            if f.lapsed:
                t.append(f"（{LAPSED_NOTE}）  ", style="bold " + colours.get(kind, ""))
        return t

    def _side_value(self, side, value, colours, unsaved=False):
        active = side == self.side
        t = Text()
        t.append((">" if active else " ") + self.side_name(side) + "：", style="bold" if active else "")
        t.append(value, style="bold" if active else "")
        if unsaved:
            t.append(" ")
            t.append_text(unsaved_text(colours, UNSAVED_WORDS))
        return t

    def status(self, colours, width, text_state=None, notice=None):
        """The status line: the cell (or narrative) in full, both sides' values, the change and problems.

        text_state: (pending, ops) of the focused narrative's diff; notice: words
        to lead the problems line with (a wrap of n / N / d / D)."""
        t = self.text_status(colours, text_state, width) if self.view == TEXTS else self.cell_status(colours, width)
        if notice and t.plain:
            lines = t.split("\n")
            lines[-1] = Text.assemble((f"↻ {notice}  ", "bold " + colours.get("accent", "")), lines[-1])
            t = Text("\n").join(lines)
        return t

    def cell_status(self, colours, width):
        cell, row = self.cell, self.row
        t = Text()
        if cell is None:
            return t
        ow, nw = cell.old_where, cell.new_where
        if ow == nw:
            t.append(ow or "", style="bold")
        else:
            t.append(f"旧 {ow or '（无此格）'}", style="bold")
            t.append("  ")
            t.append(f"新 {nw or '（无此格）'}", style="bold")
        path = cell.label_path
        if (width or 120) < 100 and len(path) > 2:
            path = path[1:]  # narrow: the address names the table, so its title goes
        t.append("  " + " › ".join(path), style="dim")
        t.append("\n")
        for side in (OLD, NEW):
            if (side == OLD and row.side == NEW) or (side == NEW and row.side == OLD):
                continue
            t.append_text(self._side_value(side, full_value(cell.old if side == OLD else cell.new), colours,
                                           any_unsaved(side_addresses(cell, side), self.unsaved[side])))
            t.append("   ")
        t.append(change_words(cell, row), style="bold " + colours["accent"] if cell.changed else "dim")
        if row.note:
            t.append(f"   {row.note}", style="dim")
        t.append("\n")
        t.append_text(self._findings_line(self.cell_findings(), colours, "两侧此格均无问题", width))
        return t

    def text_status(self, colours, text_state=None, width=None):
        c = self.comparison
        t = Text()
        tc = c.text(self.text_key) if self.text_key else None
        if tc is None:
            t.append("两份报告都没有叙述内容" if not c.texts else "", style="dim")
            return t
        t.append(tc.address, style="bold")
        t.append("  " + tc.label, style="dim")
        t.append("\n")
        for side, text in ((OLD, tc.old), (NEW, tc.new)):
            t.append_text(self._side_value(side, "（无）" if text is None else f"{len(text)} 字", colours,
                                           is_unsaved(tc.address, self.unsaved[side])))
            t.append("   ")
        if tc.old is not None and tc.new is not None:
            t.append(f"相似度 {tc.percent}%")
            if tc.copied:
                t.append(f"  ! {COPIED}", style="bold " + colours["warning"])
            pending, ops = text_state or (False, None)
            if pending:
                t.append("  正在比较...", style="dim")
            elif tc.changed and ops is not None:
                deleted, inserted = diff_stats(ops)
                t.append(f"  删 {deleted} 字，增 {inserted} 字")
            elif not tc.changed:
                t.append("  文字相同", style="dim")
        t.append("\n")
        t.append_text(self._findings_line(self.text_findings(tc.address), colours, "此节无问题", width))
        return t

    def title(self, colours, width):
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
        for name, r, model in (("旧", old, self.models[0]), ("新", new, self.models[1])):
            s = Text(no_wrap=True, overflow="crop")
            s.append(f"{name} ", style="bold")
            if model.dirty:
                s.append_text(unsaved_text(colours, f"{UNSAVED_GLYPH} 已修改 "))
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

    def section_head(self, section):
        """(title, notes) of a section: its changed-cell count, and the notes under it."""
        changed = len(section.changed_cells)
        title = Text(section.title, style="bold")
        if not section.comparable:
            title.append("（两版栏目不同，按各自格式分别列出，不逐格比较）", style="not bold")
        else:
            title.append(f"（{changed} 格不同）" if changed else "（无不同）", style="not bold")
        notes = []
        if section.note:
            notes.append(f"注：{section.note}")
        if section.key == APPLICATIONS:
            notes.append(applications_block(self.comparison.new.form).caption)
        for r in section.rows:
            if r.combined and r.note:
                notes.append(f"注：{r.note}")
        return title, "\n".join(notes)

    def legend(self, colours):
        legend = Text()
        legend.append(f"{DELETE_MARKS[0]}删除{DELETE_MARKS[1]}", style="bold " + colours["error"])
        legend.append(" ")
        legend.append(f"{INSERT_MARKS[0]}新增{INSERT_MARKS[1]}", style="bold " + colours["accepted"])
        legend.append(f"：由旧（{self.years[OLD]}）改为新（{self.years[NEW]}）；相似度 = 新文字已见于旧文字的比例；"
                      f"! {COPIED}：相似度不低于 80%")
        if not self.comparison.texts:
            legend.append("\n两份报告都没有叙述内容")
        return legend
