"""Review opinions (审查意见) and folder summaries: one model, several renderers.

tui.core.opinion.model makes the data; the text formats (Markdown, HTML,
CSV, plain text) are rendered here, each module imported only when its
format is asked for. DOCX needs python-docx, which the core never loads: it
is rendered by tui.render, which callers use for every format.
"""

import importlib

OPINION_FORMATS = ("md", "html", "docx")
SUMMARY_FORMATS = ("md", "html", "csv", "docx")
EXTENSIONS = {"md": ".md", "html": ".html", "docx": ".docx", "csv": ".csv", "text": ".txt"}
_MODULES = {"md": "render_md", "html": "render_html", "csv": "render_csv", "text": "render_text"}


def _renderer(fmt):
    if fmt not in _MODULES:
        raise ValueError(f"not a text format: {fmt} (DOCX is rendered by tui.render)")
    return importlib.import_module(f"tui.core.opinion.{_MODULES[fmt]}")


def _bytes(out):
    return out if isinstance(out, bytes) else out.encode("utf-8")


def render_opinions(ops, fmt):
    """Bytes of one document holding the opinions `ops` (each report on its own pages where the format has pages)."""
    mod = _renderer(fmt)
    if fmt == "text":
        return _bytes("\n".join(mod.render_opinion(op) for op in ops))
    return _bytes(mod.render_opinions(ops))


def render_summary(summary, fmt, to_file=True):
    """Bytes of the summary; CSV written to a file starts with a BOM, so spreadsheets read it as UTF-8."""
    data = _bytes(_renderer(fmt).render_summary(summary))
    return b"\xef\xbb\xbf" + data if fmt == "csv" and to_file else data


def format_of_path(path, allowed):
    """The format named by a file's extension (`.markdown`, `.htm` too), or None."""
    low = str(path).lower()
    for fmt in allowed:
        if low.endswith(EXTENSIONS[fmt]):
            return fmt
    if low.endswith(".markdown") and "md" in allowed:
        return "md"
    if low.endswith(".htm") and "html" in allowed:
        return "html"
    return None
