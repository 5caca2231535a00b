"""NianbaoApp: screens, themes, the keymap from config, and signal handling."""

import os
import signal
import sys
import threading

from textual.app import App

from tui.app.actions import bindings, check_keys, display_key
from tui.app.cjk_wrap import install as install_cjk_wrap
from tui.app.inert_text import install as install_inert_text
from tui.app.model import ReportModel
from tui.app.palette import ActionProvider, Palette
from tui.app.screens.edit_actions import EditingMixin
from tui.app.themes import DEFAULT_THEME, FALLBACK_THEME, load_themes
from tui.config import load_config
from tui.core.inert import inert


HARD_EXIT_AFTER = 1.5  # seconds a graceful exit may take after a hang-up


class NianbaoApp(App):
    TITLE = "nianbao 年报审核"
    SCOPE = "app"
    BINDINGS = bindings("app")
    COMMANDS = {ActionProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    # Textual's default borders for inputs, buttons and toasts use block
    # elements (▊▔▁▌) that Linux console fonts lack (FIELD-NOTES); use lines.
    CSS = """
    Screen { background: $background; }
    Input { border: round $panel-lighten-2; height: 3; }
    Input#filter { border: none; height: 1; padding: 0 1; }
    Input:focus { border: round $accent; }
    TextArea { border: round $panel-lighten-2; }
    TextArea:focus { border: round $accent; }
    Input.-textual-compact { border: none; height: 1; padding: 0 1; background: $boost; }
    Input.-textual-compact:focus { border: none; background: $accent 25%; }
    Button { border: none; height: 1; min-width: 6; margin: 0 1 0 0; background: $panel; }
    Button:focus { text-style: bold reverse; background: $accent; }
    Button:hover { border: none; }
    Button.-active { border: none; }
    Toast { border-left: solid $accent; padding: 0 1; }
    Toast.-warning { border-left: solid $warning; }
    Toast.-error { border-left: solid $error; }
    """

    def __init__(self, paths=(), theme=None, config=None, **kwargs):
        install_inert_text()  # no report text reaches the terminal as live control codes
        install_cjk_wrap()  # Chinese wraps between characters in every Static and TextArea
        super().__init__(**kwargs)
        self.paths = [str(p) for p in paths] or ["reports"]
        self.config = config or load_config()
        self.requested_theme = theme
        self.startup_messages = []
        self._hung_up = False
        if self.config.error:
            self.startup_messages.append(self.config.error)
        # [keys] checked once: bad entries are reported and keep their defaults; help,
        # the palette and the footer read the result (never Textual's private keymap).
        self.key_check = check_keys(self.config.section("keys"))
        self.startup_messages.extend(f"配置文件 {self.config.path}：{p}" for p in self.key_check.problems)
        self.set_keymap(self.key_check.keymap())
        self._setup_themes()

    def get_key_display(self, binding):
        """The footer names a key as the help screen does (`空格`, `回车`,
        `PgDn`, `Shift+Tab`, not Textual's `space`, `enter`, `pagedown`,
        `shift+tab`), keeping Textual's compact `^s` for Ctrl: footers are
        short of room."""
        modifiers, _ = binding.parse_key()
        if binding.key_display or "ctrl" in modifiers:
            return super().get_key_display(binding)
        return display_key(binding.key)

    def action_command_palette(self):
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def _setup_themes(self):
        themes, errors = load_themes()
        self.startup_messages.extend(errors)
        self.own_themes = list(themes)  # shipped and the user's, what `theme` cycles through
        for t in themes.values():
            self.register_theme(t)
        wanted = self.requested_theme or self.config.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
            return
        fallback = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME
        if wanted != DEFAULT_THEME:
            self.startup_messages.append(f"主题“{wanted}”不存在或无法加载，已改用默认主题“{fallback}”")
        if fallback != DEFAULT_THEME:  # the shipped themes are missing: an incomplete installation
            self.startup_messages.append(f"找不到随程序提供的主题“{DEFAULT_THEME}”（安装不完整？），"
                                         f"界面改用 Textual 的“{fallback}”主题")
        self.theme = fallback

    def notify(self, message, *, title="", severity="information", timeout=None, markup=False):
        """Every notification shows file-derived text (names, messages, a lock's
        user): never as markup, always inert (line breaks kept: messages use them)."""
        super().notify(inert(message, multiline=True), title=inert(title), severity=severity,
                       timeout=timeout, markup=False)

    def on_mount(self):
        self._install_hangup_handlers()
        for message in self.startup_messages:
            self.notify(message, severity="warning", timeout=10)
        self.open_paths(self.paths)

    # -- opening --------------------------------------------------------

    def open_paths(self, paths):
        from tui.app.screens.report_list import ReportListScreen

        if len(paths) == 1 and not os.path.isdir(paths[0]):
            self.open_file(paths[0])
        elif len(paths) == 2 and not any(os.path.isdir(p) for p in paths):
            self.open_two(paths)
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
        # Last year's report is found in the same folder, after the first paint.
        self.open_report(loaded, context_loader=lambda: self._siblings(loaded))

    @staticmethod
    def _siblings(report):
        """Reports of the same agency beside the report (any year: its year
        can be edited), for year-over-year pairing."""
        from tui.core.siblings import reports_beside

        return list(reports_beside(report.file, lambda agency, year: agency == report.agency))

    def open_two(self, paths):
        """`nianbao A.toml B.toml`: the two reports side by side (a file that cannot be read: the list)."""
        from tui.app.screens.report_list import ReportListScreen
        from tui.core.load import load_path
        from tui.core.report import Invalid

        loaded = [load_path(p) for p in paths]
        bad = [r for r in loaded if isinstance(r, Invalid)]
        if bad:
            self.push_screen(ReportListScreen(paths))
            for r in bad:
                self.notify(r.error, title="无法打开", severity="error", timeout=10)
            return
        self.open_compare(loaded[0], loaded[1], loaded)

    def open_compare(self, old_report, new_report, context=()):
        """Push the compare screen: the earlier year on the left (same year: the order given)."""

        if new_report.year < old_report.year:
            old_report, new_report = new_report, old_report
        return self.show_compare(ReportModel.open(old_report, context), ReportModel.open(new_report, context))

    def show_compare(self, old_model, new_model, view=None):
        """Push the compare screen of two opened models (opened in a worker for big files: the list,
        which then builds their CompareView `view` there too)."""
        from tui.app.screens.compare import CompareScreen

        screen = CompareScreen(old_model, new_model, view=view)
        self.push_screen(screen)
        return screen

    def open_report(self, report, context=(), context_loader=None):
        from tui.app.screens.report import ReportScreen

        screen = ReportScreen(ReportModel.open(report, context), context_loader=context_loader)
        self.push_screen(screen)
        return screen

    # -- actions --------------------------------------------------------

    def action_help(self):
        from tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_theme(self):
        """The next of nianbao's themes, remembered in config.toml `[ui] theme`
        (the user's comments and other settings kept: tui.store.build)."""
        from tui.store.build import set_config_value

        if not self.own_themes:
            self.notify("没有可切换的 nianbao 主题（安装不完整？）", severity="warning")
            return
        names = self.own_themes
        name = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]
        self.theme = name
        outcome = set_config_value("ui", "theme", name, self.config.path)
        if outcome.ok:
            self.notify(f"主题：{name}（已记入配置文件，下次启动沿用）")
        else:
            self.notify(f"主题：{name}；{outcome.message}", severity="warning", timeout=10)

    # -- leaving --------------------------------------------------------

    def _dirty_screens(self, screens=None):
        return [s for s in (screens if screens is not None else self.screen_stack)
                if isinstance(s, EditingMixin) and any(m.dirty for m in s.editable_models())]

    def _leave(self, screens, then):
        """Ask about unsaved edits in `screens`, then call `then()` unless cancelled."""
        dirty = self._dirty_screens(screens)
        if not dirty:
            then()
            return
        from tui.app.screens.dialogs import ChoiceDialog

        names = "、".join(m.path for s in dirty for m in s.editable_models() if m.dirty)

        def chosen(choice):
            if choice == "save":
                for s in dirty:
                    s.action_save()
                if not self._dirty_screens(dirty):
                    then()
            elif choice == "discard":
                then()

        self.push_screen(ChoiceDialog("有未保存的修改", f"{names} 有未保存的修改。",
                                      [("save", "unsaved_save"), ("discard", "unsaved_discard"),
                                       (None, "unsaved_cancel")], scope="unsaved"),
                         chosen)

    def action_close(self):
        top = self.screen
        if len(self.screen_stack) > 2:
            self._leave([top], self.pop_screen)
        else:
            self._leave([top], self.exit)

    async def action_quit(self):
        self._leave(None, self.exit)

    # -- a dropped SSH session ------------------------------------------

    def _install_hangup_handlers(self):
        """SIGHUP/SIGTERM save unsaved edits to recovery files and exit.

        Installed even when SIGHUP was ignored (nohup): an app without its
        terminal would otherwise spin (FIELD-NOTES, textual#5140). A timer
        also notices a terminal that went away without a signal.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.hang_up, sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        if not self.is_headless:
            self.set_interval(1.0, self._check_terminal)

    def _check_terminal(self):
        try:
            fd = sys.__stdin__.fileno()
            os.tcgetpgrp(fd)
        except (OSError, ValueError, AttributeError):
            self.hang_up(signal.SIGHUP)

    def hang_up(self, sig=signal.SIGHUP):
        """Write recovery files for every unsaved report, release locks, exit.

        Whatever fails here, the process must end: an app left running without
        its terminal spins. So saving is best effort, and if Textual's own
        shutdown stalls on the dead terminal a timer ends the process.
        """
        if self._hung_up:
            return
        self._hung_up = True
        code = 128 + int(sig)
        written = []
        try:
            for screen in self.screen_stack:  # an edit dialog still open: what is typed counts too
                keep = getattr(screen, "keep", None)
                if keep is not None:
                    try:
                        typed = screen.pending()
                        if typed is not None:
                            keep(typed)
                    except Exception:  # noqa: BLE001 - an invalid value is not an edit
                        pass
            for screen in self.screen_stack:
                if isinstance(screen, EditingMixin):
                    written += screen.write_recovery() or []
                    screen.release_locks()
        except Exception:  # noqa: BLE001 - nothing may stop the exit
            pass
        finally:
            watchdog = threading.Timer(HARD_EXIT_AFTER, os._exit, args=(code,))
            watchdog.daemon = True
            watchdog.start()
            try:  # say where the edits went (printed once the terminal is restored, if it is still there)
                self.exit(return_code=code, message="\n".join(f"未保存的修改已写入恢复文件：{inert(p)}" for p in written) or None)
            except Exception:  # noqa: BLE001
                os._exit(code)
