"""`nianbao [PATH ...]`: open the workbench."""

import os
import sys

from tui.core.inert import inert


def check_config(config=None):
    """`nianbao --check-config`: every problem the workbench would report at start-up
    about the config, printed; 0 none, 1 some, 2 the file cannot be read."""
    from tui.app.actions import check_keys
    from tui.config import load_config

    config = config or load_config()
    if config.error:
        print(f"nianbao：{inert(config.error, multiline=True)}", file=sys.stderr)
        return 2
    problems = list(check_keys(config.section("keys")).problems)
    theme = config.theme
    if theme is not None:
        from textual.theme import BUILTIN_THEMES

        from tui.app.themes import load_themes

        themes, errors = load_themes()
        problems.extend(errors)
        if theme not in themes and theme not in BUILTIN_THEMES:
            problems.append(f"[ui] theme = {theme!r}：没有这个主题，将使用默认主题")
    for p in problems:
        print(f"nianbao：配置文件 {inert(config.path)}：{inert(p, multiline=True)}", file=sys.stderr)
    if problems:
        return 1
    print(f"配置文件 {inert(config.path)}：没有发现问题" + ("" if os.path.exists(config.path) else "（文件不存在，使用默认设置）"))
    return 0


def run(args):
    if getattr(args, "check_config", False):
        return check_config()
    paths = args.paths or ["reports"]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"nianbao：找不到 {'、'.join(inert(p) for p in missing)}", file=sys.stderr)
        return 2
    from tui.app.app import NianbaoApp

    app = NianbaoApp(paths, theme=args.theme)
    app.run()
    return app.return_code or 0
