"""TextDiffView: one [text] key of two reports, as an inline diff.

Deleted text reads `[-删除-]`, inserted `{+新增+}`: the brackets carry the
meaning, colour (and strike-through / underline) only helps, so the view
reads the same under NO_COLOR. The head names the section, the similarity
of FORMAT.md §2 and, when the later text is mostly last year's, `! 内容雷同`.

The diff is computed by the screen in a worker thread; until it arrives
the view says so, then `show_ops` shows it. Marking up a 2 MB narrative's
diff (`narrative_text`) and wrapping it CJK-style take tenths of a second,
so the worker does both and hands over the Text and its lines
(tui.app.widgets.wrapped.WrappedLines: offsets, each line's Text built when
drawn), and the view draws only the lines on screen (Textual's line API):
the UI thread never does the heavy part. A text over SYNC_LIMIT characters
is never marked up or wrapped on the UI thread: repainted (an edit, a
resize) it keeps what it shows until the worker brings it anew.
"""

from rich.text import Text
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.app.deliver import deliver, ends_with_screen
from tui.app.marks import UNSAVED_GLYPH, unsaved_text
from tui.app.widgets.compare_table import SCREEN_KEYS
from tui.app.widgets.narrative import text_spans
from tui.app.widgets.wrapped import WrappedLines
from tui.core.textdiff import DELETE, DELETE_MARKS, INSERT, INSERT_MARKS, diff_stats

PENDING = "正在比较..."
HEAD_FINDINGS = 20  # findings worded in the head; the rest counted (all are in the problem list)
COPIED = "内容雷同"


def _covering(spans, offset):
    """The (start, end, finding) of `spans` covering a text offset, or None."""
    for span in spans:
        if span[0] <= offset < span[1]:
            return span
    return None


def diff_markup(ops, colours, new_spans=(), old_spans=()):
    """The ops as one Rich Text with bracketed, coloured deletions and insertions.

    `new_spans` / `old_spans` are (start, end, finding) in the later / earlier
    text (tui.app.widgets.narrative.text_spans): the stretches a finding is
    about (a claim's clause, a placeholder), marked as in the report screen,
    the finding's glyph before and the stretch in reverse."""
    out = Text()
    deleted = f"strike {colours.get('error', '')}".strip()
    inserted = f"underline {colours.get('accepted', '')}".strip()
    at = {DELETE: 0, INSERT: 0}  # offsets in the old (DELETE) and new (INSERT) text
    for op, text in ops:
        if op == DELETE:
            out.append(DELETE_MARKS[0], style="bold " + colours.get("error", ""))
        elif op == INSERT:
            out.append(INSERT_MARKS[0], style="bold " + colours.get("accepted", ""))
        base = deleted if op == DELETE else inserted if op == INSERT else ""
        sides = [(s, at[side]) for side, s in ((INSERT, new_spans), (DELETE, old_spans))
                 if s and (op == side or op not in (DELETE, INSERT))]
        if not sides:
            out.append(text, style=base)
        else:
            cuts = {0, len(text)}
            for spans, offset in sides:
                for start, end, _ in spans:
                    cuts.update(c - offset for c in (start, end) if 0 < c - offset < len(text))
            cuts = sorted(cuts)
            for a, b in zip(cuts, cuts[1:]):
                span = next((sp for spans, offset in sides for sp in (_covering(spans, offset + a),) if sp), None)
                if span is None:
                    out.append(text[a:b], style=base)
                    continue
                f = span[2]
                colour = colours.get("accepted" if f.accepted else f.severity, "")
                if any(offset + a == sp[0] for spans, offset in sides for sp in spans if sp is span):
                    out.append(f.glyph, style="bold " + colour)
                out.append(text[a:b], style=f"{base} reverse {colour}".strip())
        if op == DELETE:
            out.append(DELETE_MARKS[1], style="bold " + colours.get("error", ""))
            at[DELETE] += len(text)
        elif op == INSERT:
            out.append(INSERT_MARKS[1], style="bold " + colours.get("accepted", ""))
            at[INSERT] += len(text)
        else:
            at[DELETE] += len(text)
            at[INSERT] += len(text)
    return out


def head_text(t, years, marks, colours, ops, unsaved=False):
    """The head: label, address, similarity, size of the change, 内容雷同, the findings on the key (the
    first HEAD_FINDINGS, the rest counted);
    `unsaved`: either side's text is edited and not yet saved (✎, as on the report screen)."""
    out = Text()
    if unsaved:
        out.append_text(unsaved_text(colours, f"{UNSAVED_GLYPH} "))
    out.append(t.label, style="bold")
    out.append(f"  {t.address}", style="dim")
    if t.old is None:
        out.append(f"  仅新报告（{years['new']}）有，{len(t.new)} 字")
    elif t.new is None:
        out.append(f"  仅旧报告（{years['old']}）有，{len(t.old)} 字")
    else:
        out.append(f"  相似度 {t.percent}%")
        if t.copied:
            out.append("  ")
            out.append(f"! {COPIED}", style="bold reverse " + colours.get("warning", ""))
        if not t.changed:
            out.append("  文字相同", style="dim")
        elif ops is not None:
            deleted, inserted = diff_stats(ops)
            out.append(f"  删 {deleted} 字，增 {inserted} 字")
    mark = marks.get(t.address)
    if mark is not None:
        out.append("\n")
        for n, f in enumerate(mark.findings):
            if n == HEAD_FINDINGS:  # a 2 MB narrative's thousand: pages of them before the text
                out.append(f"…另有 {len(mark.findings) - n} 项（见问题列表）", style="dim")
                break
            kind = "accepted" if f.accepted else f.severity
            out.append(f.glyph + " ", style="bold " + colours.get(kind, ""))
            out.append(f.message + "  ", style=colours.get(kind, ""))
    return out


def narrative_text(t, years, marks, colours, ops, old_marks=None, unsaved=False):
    """Everything a TextDiffView shows for a TextComparison, as one Text (ops None:
    still diffing). `marks` are the later report's, `old_marks` the earlier's:
    their findings' spans in this text are marked in the diff."""
    out = head_text(t, years, marks, colours, ops, unsaved)
    out.append("\n")
    if ops is None:
        out.append(PENDING, style="italic dim")
    elif not ops:
        out.append("（两份报告此节均无内容）", style="dim")
    else:
        out.append_text(diff_markup(ops, colours, _spans(marks, t.address), _spans(old_marks, t.address)))
    return out


def _spans(marks, address):
    mark = (marks or {}).get(address)
    return text_spans(mark.findings, address) if mark is not None else []


class TextDiffView(Widget, can_focus=True):
    BINDINGS = SCREEN_KEYS
    DEFAULT_CSS = """
    TextDiffView { height: auto; padding: 0 1; margin: 0 0 1 0; border-left: solid $panel; }
    TextDiffView:focus { border-left: thick $accent; background: $boost; }
    """
    GUTTER = 3  # padding and border: the text is this much narrower than the view
    SYNC_LIMIT = 20_000  # characters (both sides): above, marked up and wrapped in workers only

    class Moved(Message):
        def __init__(self, view):
            super().__init__()
            self.view = view

    def __init__(self, comparison, years, **kwargs):
        super().__init__(**kwargs)
        self.comparison = comparison   # a TextComparison
        self.years = years             # {"old": "2023", "new": "2024"}
        self.ops = None
        self.rendered = Text()         # what is shown, unwrapped (tests and search read it)
        self.marks = {}
        self.old_marks = {}
        self.colours = {}
        self.unsaved = False           # either side's text edited, not saved (✎)
        self.stale = False             # a big text repainted: shows the last worker's until the next
        self.cache = {}                # width → WrappedLines of `rendered` (filled by the worker too)
        self._wrapping = None          # (id of the Text, width) being wrapped in a worker

    @property
    def key(self):
        return self.comparison.key

    @property
    def address(self):
        return self.comparison.address

    @property
    def pending(self):
        return self.ops is None and self.needs_diff(self.comparison)

    @property
    def big(self):
        """Whether the text is too long to mark up or wrap on the UI thread."""
        t = self.comparison
        return len(t.old or "") + len(t.new or "") > self.SYNC_LIMIT

    @staticmethod
    def needs_diff(t):
        return t.old is not None and t.new is not None and t.changed

    def fill(self, comparison, marks, colours, ops=None, old_marks=None, unsaved=None, prepared=None):
        """Show a (re)computed comparison: its diff if known, else the pending note.
        `marks` are the later report's, `old_marks` the earlier's; `prepared`: (Text, {width:
        WrappedLines}) a worker made of all this (narrative_text), else it is made here, unless
        the text is big: then what is shown stays, `stale`, until the screen's worker brings it."""
        self.comparison, self.marks, self.colours = comparison, marks, colours
        if old_marks is not None:
            self.old_marks = old_marks
        if unsaved is not None:
            self.unsaved = unsaved
        if ops is None and not self.needs_diff(comparison):
            ops = comparison.ops  # one side missing or equal: nothing to compute
        self.ops = ops
        if prepared is not None:
            self.rendered, self.cache = prepared[0], dict(prepared[1])
            self.stale = False
        elif ops is not None and self.big and self.needs_diff(comparison):
            self.stale = True
            if not self.cache:  # nothing of it shown yet: the head and the pending note meanwhile
                self._show(narrative_text(comparison, self.years, marks, colours, None, self.old_marks,
                                          self.unsaved))
        else:
            self.stale = False
            self._show(narrative_text(comparison, self.years, marks, colours, ops, self.old_marks, self.unsaved))
        self.refresh(layout=True)

    def _show(self, text):
        old = self.rendered
        if text.plain != old.plain or text.spans != old.spans:
            self.cache = {}
        self.rendered = text

    def show_ops(self, ops, prepared=None):
        """The worker's diff arrived, with what it made of it: (Text, {width: WrappedLines})."""
        self.fill(self.comparison, self.marks, self.colours, ops, prepared=prepared)

    def lines(self, width):
        lines = self.cache.get(width)
        if lines is None:
            if self.cache and len(self.rendered) > self.SYNC_LIMIT:
                # a big text at a new width (a resize): wrapped in a worker, the old lines meanwhile
                if self._wrapping != (id(self.rendered), width):
                    self._wrapping = (id(self.rendered), width)
                    self.call_later(self._wrap_in_worker, self.rendered, width)
                return next(iter(self.cache.values()))
            if len(self.cache) > 16:
                self.cache.clear()
            lines = self.cache[width] = WrappedLines(self.rendered, width)
        return lines

    def _wrap_in_worker(self, text, width):
        if text is not self.rendered or width in self.cache or not self.is_attached:
            return
        screen = self.screen

        @ends_with_screen
        def work():
            deliver(screen, self._wrapped, text, width, WrappedLines(text, width))

        self.run_worker(work, thread=True, group="wrap", exclusive=True, exit_on_error=False, name="正文排版")

    def _wrapped(self, text, width, lines):
        if text is self.rendered:
            self.cache[width] = lines
            self.refresh(layout=True)

    # -- Textual's line API: only the lines on screen are rendered ---------

    def get_content_width(self, container, viewport):
        return container.width

    def get_content_height(self, container, viewport, width):
        return len(self.lines(width))

    def render_line(self, y):
        width = self.content_region.width
        base = self.visual_style.rich_style
        lines = self.lines(width)
        if not 0 <= y < len(lines):
            return Strip.blank(width, base)
        segments = list(lines[y].render(self.app.console))
        return Strip(segments).adjust_cell_length(width).apply_style(base)

    def on_focus(self):
        self.post_message(self.Moved(self))
