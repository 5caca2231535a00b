"""Command palette provider: the action registry, each command with its key."""

from functools import partial

from textual.command import DiscoveryHit, Hit, Provider
from textual.content import Content

from tui.app.actions import ACTIONS, display_key, effective_key


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
            score = max(matcher.match(a.title), matcher.match(a.help) * 0.8, matcher.match(a.id) * 0.6)
            if score > 0:
                yield Hit(score, self._display(a, matcher.highlight(a.title)), partial(self._run, a),
                          text=a.title, help=a.help)
