"""Chinese line breaking for every wrapped text in the workbench (issues 13.2, 13.10).

Textual wraps a Static's text with Rich's `divide_line` and a TextArea's lines
with `textual._wrap.compute_wrap_offsets`; both break only at spaces, so a
run of Chinese is one long "word": `2024 年，洪泽区…` leaves `2024` alone on a
line in the narrative editor, a dialog's hint breaks as `（u` / `不能撤销`,
and a table cell cuts a description with `…`. `install()` routes both through
`tui.app.widgets.paragraph.break_offsets` (Chinese breaks between characters,
Latin words and numbers stay whole, a simple 禁则), keeping Textual's own
function for lines with tabs (whose widths it tracks) and for widths under 2.
Like tui.app.inert_text, it fails loudly if Textual renames what it replaces.
"""

_installed = False


def install():
    """Replace Textual's two wrapping functions with the CJK-aware one (idempotent)."""
    global _installed
    if _installed:
        return
    import textual.content
    import textual.document._wrapped_document as wrapped

    from tui.app.widgets.paragraph import break_offsets

    for module, name in ((textual.content, "divide_line"), (wrapped, "compute_wrap_offsets")):
        if not callable(getattr(module, name, None)):
            raise RuntimeError(f"{module.__name__}.{name} is gone: CJK line breaking needs updating")
    divide_line = textual.content.divide_line
    compute_wrap_offsets = wrapped.compute_wrap_offsets

    def divide(text, width, fold=True):
        if width < 2 or "\t" in text:
            return divide_line(text, width, fold=fold)
        return break_offsets(text, width)

    def offsets(text, width, tab_size, fold=True, precomputed_tab_sections=None):
        if width < 2 or "\t" in text:
            return compute_wrap_offsets(text, width, tab_size, fold=fold,
                                        precomputed_tab_sections=precomputed_tab_sections)
        return break_offsets(text, width)

    textual.content.divide_line = divide
    wrapped.compute_wrap_offsets = offsets
    _installed = True
