"""The review opinion as text (a preview of what `w` writes out), readable at 80×24."""

from rich.text import Text
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.app.actions import bindings
from tui.app.widgets.footer import KeyFooter
from tui.core.opinion.render_text import render_opinion


class OpinionScreen(Screen):
    SCOPE = "preview"
    BINDINGS = bindings("preview")
    DEFAULT_CSS = """
    OpinionScreen #preview-title { height: 1; background: $panel; padding: 0 1; }
    OpinionScreen #preview { height: 1fr; padding: 0 1; }
    OpinionScreen #preview-body { width: 1fr; }
    """

    def __init__(self, opinion, note=None, export_refusal=None, **kwargs):
        """`opinion`: a tui.core.opinion.model.Opinion; `note`: a caveat for the title (unsaved edits);
        `export_refusal`: why `w` may not export (None: it may)."""
        super().__init__(**kwargs)
        self.opinion = opinion
        self.note = note
        self.export_refusal = export_refusal
        self.text = render_opinion(opinion)

    def compose(self):
        title = f"审查意见预览 · {self.opinion.agency} {self.opinion.year} 年度"
        if self.note:
            title += f" · {self.note}"
        yield Static(Text(title, no_wrap=True, overflow="crop"), id="preview-title")
        with VerticalScroll(id="preview"):
            yield Static(Text(self.text), id="preview-body")
        yield KeyFooter()

    def on_mount(self):
        self.query_one("#preview", VerticalScroll).focus()

    def action_scroll_down_line(self):
        self.query_one("#preview", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up_line(self):
        self.query_one("#preview", VerticalScroll).scroll_up(animate=False)

    def action_export_opinion(self):
        if self.export_refusal:
            self.notify(self.export_refusal, severity="warning", timeout=8)
            return
        from tui.app.export import export_document, opinion_path
        from tui.core.opinion import OPINION_FORMATS
        from tui.render import render_opinions

        op = self.opinion
        export_document(self, "审查意见", opinion_path(op.file), OPINION_FORMATS,
                        lambda fmt: render_opinions([op], fmt))
