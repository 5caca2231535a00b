"""Rendering review opinions and summaries in every format, for the command
line and the workbench.

The text formats come from tui.core.opinion; DOCX, which needs python-docx,
lives here (tui.render.docx), above the core, so the core and the `check`
path never load it.
"""

from tui.core.opinion import render_opinions as _text_opinions
from tui.core.opinion import render_summary as _text_summary


def render_opinions(ops, fmt):
    """Bytes of one document holding the opinions `ops` in format `fmt`."""
    if fmt == "docx":
        from tui.render.docx import render_opinions as docx_opinions

        return docx_opinions(ops)
    return _text_opinions(ops, fmt)


def render_summary(summary, fmt, to_file=True):
    """Bytes of the summary in format `fmt` (CSV to a file starts with a BOM)."""
    if fmt == "docx":
        from tui.render.docx import render_summary as docx_summary

        return docx_summary(summary)
    return _text_summary(summary, fmt, to_file)
