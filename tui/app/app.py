"""NianbaoApp: screens, themes, the keymap from config, and signal handling."""

import os

from textual.app import App

from tui.app.actions import bindings, keymap_from_config
from tui.app.model import ReportModel
from tui.app.palette import ActionProvider
from tui.app.themes import DEFAULT_THEME, FALLBACK_THEME, load_themes
from tui.config import load_config


class NianbaoApp(App):
    TITLE = "nianbao 年报审核"
    SCOPE = "app"
    BINDINGS = bindings("app")
    COMMANDS = {ActionProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_CSS = """
    Screen { background: $background; }
    """

    def __init__(self, paths=(), theme=None, config=None, **kwargs):
        super().__init__(**kwargs)
        self.paths = [str(p) for p in paths] or ["reports"]
        self.config = config or load_config()
        self.requested_theme = theme
        self.startup_messages = []
        if self.config.error:
            self.startup_messages.append(self.config.error)
        self.set_keymap(keymap_from_config(self.config.keys))
        self._setup_themes()

    def _setup_themes(self):
        themes, errors = load_themes()
        self.startup_messages.extend(errors)
        for t in themes.values():
            self.register_theme(t)
        wanted = self.requested_theme or self.config.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            if self.requested_theme or self.config.theme:
                self.startup_messages.append(f"主题“{wanted}”不存在或无法加载，已改用默认主题")
            self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME

    def on_mount(self):
        for message in self.startup_messages:
            self.notify(message, severity="warning", timeout=10)
        self.open_paths(self.paths)

    # -- opening --------------------------------------------------------

    def open_paths(self, paths):
        from tui.app.screens.report_list import ReportListScreen

        if len(paths) == 1 and not os.path.isdir(paths[0]):
            self.open_file(paths[0])
        elif all(os.path.isdir(p) for p in paths):
            self.push_screen(ReportListScreen(paths))
        else:
            # several files: list them (side by side comparison opens from the list)
            self.push_screen(ReportListScreen(paths))

    def open_file(self, path):
        from tui.app.screens.report_list import ReportListScreen
        from tui.core.load import load_path
        from tui.core.report import Invalid

        loaded = load_path(path)
        if isinstance(loaded, Invalid):
            self.push_screen(ReportListScreen([path]))
            self.notify(loaded.error, title="无法打开", severity="error", timeout=10)
            return
        folder = os.path.dirname(path) or "."
        # Last year's report is found in the same folder, after the first paint.
        self.open_report(loaded, context_loader=lambda: self._siblings(folder, loaded))

    @staticmethod
    def _siblings(folder, report):
        """Reports of the same agency in the report's folder, for year-over-year pairing."""
        from tui.core.load import load_path
        from tui.core.report import Invalid

        found = []
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return found
        for name in names:
            path = os.path.join(folder, name)
            if not name.endswith(".toml") or os.path.abspath(path) == os.path.abspath(report.file):
                continue
            r = load_path(path)
            if not isinstance(r, Invalid) and r.agency == report.agency:
                found.append(r)
        return found

    def open_report(self, report, context=(), context_loader=None):
        from tui.app.screens.report import ReportScreen

        screen = ReportScreen(ReportModel(report, context), context_loader=context_loader)
        self.push_screen(screen)
        return screen

    # -- actions --------------------------------------------------------

    def action_help(self):
        from tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_close(self):
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.exit()

    async def action_quit(self):
        self.exit()
