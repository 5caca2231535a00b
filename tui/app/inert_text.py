"""The workbench's chokepoint for untrusted text (issue 10.2).

Everything the workbench shows is built as Rich `Text` or Textual `Content`,
and both pass every string through one sanitising function when the object
is built (Rich's `strip_control_codes`, Textual's `_strip_control_codes`),
which removes only BEL, backspace, VT, FF and CR and lets ESC, C1 controls
and bidi overrides through to the terminal. `install()` replaces both with
`tui.core.inert.inert(…, multiline=True)`: every control and bidi character
is shown visibly (␛, \\u202e, …) *before* the text is measured, so widths stay
right, whatever widget shows the text (tables, status lines, notifications,
TextArea, Input). Line breaks and tabs are kept: widgets need them, and the
places that show one-line fields (titles, cells, list rows, messages) call
`inert()` themselves so a newline there shows as ␊.

Markup: file text is never passed to anything that parses markup — the
helpers below build `Text`, and `NianbaoApp.notify` turns markup off.
"""

from rich.text import Text

from tui.core.inert import inert

_installed = False


def _visible(text, *_table):
    return inert(text, multiline=True)


def install():
    """Route Rich's and Textual's control-code filters through `inert` (idempotent)."""
    global _installed
    if _installed:
        return
    import rich.control
    import rich.text
    import textual.content

    for module, name in ((rich.text, "strip_control_codes"), (rich.control, "strip_control_codes"),
                         (textual.content, "_strip_control_codes")):
        if not callable(getattr(module, name, None)):
            raise RuntimeError(f"{module.__name__}.{name} is gone: the inert-text guard needs updating")
        setattr(module, name, _visible)
    _installed = True


def one_line(value, style=""):
    """A one-line field from a file (agency, file name, cell, message) as inert, markup-free Text."""
    return Text(inert(value), style=style)
