"""KeyFooter: Textual's Footer, fitted to narrow terminals (issue 13.10).

Textual's footer lays its keys out left to right and lets those that do not
fit fall off the right edge, so at 60 columns the app's own `? 帮助` and
`q 关闭` (which come last) vanish while a screen's less vital keys stay. It
also draws a thin rule (`▏`) before the command palette key, which reads as a
stray glyph on a 16-colour terminal. This footer keeps the keys in their
usual order but, when they do not all fit, drops the screen's keys from the
end first: closing and help always show, then the command palette key, then
the screen's keys in registry order.
"""

from rich.cells import cell_len
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.app.actions import actions_for

# Keys that must survive any width, by action name: how to get out, how to learn the rest.
ESSENTIAL = tuple(a.id for a in actions_for("app") if a.show)


def key_width(key):
    """Cells a FooterKey takes (non-compact style): ` key ` then `description `."""
    width = cell_len(key.key_display) + 2
    if key.description:
        width += cell_len(key.description) + 1
    return width


def fitting(keys, width):
    """The keys to show in `width` cells: all if they fit, else by priority."""
    if sum(key_width(k) for k in keys) <= width:
        return keys

    def rank(item):
        i, k = item
        if k.action in ESSENTIAL or k.action.rpartition(".")[2] in ESSENTIAL:
            return (0, i)
        if k.has_class("-command-palette"):
            return (1, i)
        return (2, i)

    kept, used = set(), 0
    for i, k in sorted(enumerate(keys), key=rank):
        w = key_width(k)
        if used + w <= width:
            kept.add(i)
            used += w
    return [k for i, k in enumerate(keys) if i in kept]


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter FooterKey.-command-palette { border-left: none; }
    """

    def compose(self):
        widgets = list(super().compose())
        if not all(isinstance(w, FooterKey) for w in widgets):
            yield from widgets  # grouped bindings: leave Textual's layout alone
            return
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        yield from fitting(widgets, width)

    def on_resize(self, event):
        if event.size.width != getattr(self, "_laid_out_for", None) and self._bindings_ready:
            self.call_after_refresh(self.recompose)
