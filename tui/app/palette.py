"""The command palette: the action registry, each command with its key.

Commands are found by their Chinese title, their help sentence, their
English id (`signoff`) and the pinyin initials of their title (`qh` for 签核).
"""

from functools import cache, partial
from importlib.resources import files

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Provider
from textual.content import Content
from textual.widgets.option_list import Option

from tui.app.actions import ACTIONS, display_key, effective_key


_FIRST_CJK = 0x4E00


@cache
def _initials_table():
    """One initial per CJK Unified Ideograph U+4E00–U+9FFF (generated from pypinyin's readings)."""
    return "".join(files("tui.app").joinpath("pinyin_initials.txt").read_text("ascii").split())


def pinyin_initials(text):
    """`签核` → `qh`; Latin letters and digits stay, everything else is dropped."""
    table = _initials_table()
    out = []
    for ch in text:
        i = ord(ch) - _FIRST_CJK
        if 0 <= i < len(table):
            if table[i] != "_":
                out.append(table[i])
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


class Palette(CommandPalette):
    """Textual's palette, speaking Chinese."""

    def __init__(self, **kwargs):
        super().__init__(placeholder="输入命令名称、拼音首字母或英文名…", **kwargs)

    def _start_no_matches_countdown(self, search_value):
        # Same as Textual's, with the message in Chinese.
        self._stop_no_matches_countdown()

        def show():
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text("没有匹配的命令", style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


class ActionProvider(Provider):
    def _available(self):
        screen = self.screen  # the screen the palette was opened from
        scope = getattr(screen, "SCOPE", None)
        for a in ACTIONS:
            if a.id == "command_palette" or not a.palette:
                continue
            if a.scope == "app" or a.scope == scope:
                yield a

    def _run(self, action):
        target = self.app if action.scope == "app" else self.screen
        self.app.call_later(target.run_action, action.method)

    def _display(self, action, title=None):
        key = display_key(effective_key(self.app, action))
        return Content.assemble(title if title is not None else Content(action.title), (f"  [{key}]", "dim"))

    async def discover(self):
        for a in self._available():
            yield DiscoveryHit(self._display(a), partial(self._run, a), text=a.title, help=a.help)

    async def search(self, query):
        matcher = self.matcher(query)
        for a in self._available():
            score = max(matcher.match(a.title), matcher.match(a.help) * 0.8,
                        matcher.match(pinyin_initials(a.title)) * 0.9, matcher.match(a.id) * 0.6)
            if score > 0:
                yield Hit(score, self._display(a, matcher.highlight(a.title)), partial(self._run, a),
                          text=a.title, help=a.help)
