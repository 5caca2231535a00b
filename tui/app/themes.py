"""Theme files: themes/*.toml loaded as Textual themes, every colour validated.

Textual accepts an invalid colour in a Theme and crashes later, and Theme(**d)
raises TypeError on unknown keys (FIELD-NOTES): so each file is checked here
and a bad one is reported by name and skipped, never fatal.
"""

import os
import pathlib
import tomllib

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "nianbao-dark"
FALLBACK_THEME = "textual-dark"
COLOUR_KEYS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground", "background",
               "surface", "panel", "boost")
OTHER_KEYS = {"name", "dark", "luminosity_spread", "text_alpha", "variables", "ansi"}


class ThemeError(Exception):
    pass


def shipped_theme_dirs():
    """Where the shipped themes are: in an installed copy, tui/app/shipped_themes/
    (the build copies the repository's themes/ there, see setup.py); in a
    checkout or an editable install, the repository's top-level themes/."""
    here = pathlib.Path(__file__).resolve()
    dirs = [here.parent / "shipped_themes", here.parents[2] / "themes"]
    return [d for d in dirs if d.is_dir()]


def theme_dirs():
    """Shipped themes, then the user's own."""
    from tui.config import config_dir

    user = config_dir() / "themes"
    return shipped_theme_dirs() + ([user] if user.is_dir() else [])


def parse_theme(path):
    """One theme file → Theme; raise ThemeError naming the file and the key."""
    from tui.core.inert import inert
    from tui.core.tomlerrors import describe
    from tui.core.readfile import Unreadable, read_regular

    try:
        raw, _ = read_regular(path, 1024 * 1024)  # never a FIFO or a device
        data = tomllib.loads(raw.decode("utf-8"))
    except Unreadable as exc:
        raise ThemeError(f"主题文件 {inert(path)} 无法读取：{exc.reason}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"主题文件 {inert(path)} 无法读取：{describe(exc)}") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ThemeError(f"主题文件 {inert(path)} 无法读取：{inert(exc)}") from exc
    unknown = set(data) - set(COLOUR_KEYS) - OTHER_KEYS
    if unknown:
        raise ThemeError(f"主题文件 {path}：未知的键 {', '.join(sorted(unknown))}")
    if not isinstance(data.get("name"), str) or not data["name"]:
        data["name"] = pathlib.Path(path).stem
    if not isinstance(data.get("primary"), str):
        raise ThemeError(f"主题文件 {path}：缺少 primary 颜色")
    for key in COLOUR_KEYS:
        if key in data:
            _check_colour(path, key, data[key])
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeError(f"主题文件 {path}：variables 应为表")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeError(f"主题文件 {path}：variables.{key} 应为字符串")
        if key.endswith(("-color", "-background", "-foreground")) or value.startswith("#"):
            _check_colour(path, f"variables.{key}", value)
    try:
        return Theme(**data)
    except (TypeError, ValueError) as exc:
        raise ThemeError(f"主题文件 {path}：{exc}") from exc


def _check_colour(path, key, value):
    if not isinstance(value, str):
        raise ThemeError(f"主题文件 {path}：{key} 应为颜色字符串")
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeError(f"主题文件 {path}：{key} = {value!r} 不是有效的颜色") from exc


def load_themes(dirs=None):
    """(themes by name, error messages) from every *.toml in the theme folders."""
    themes, errors = {}, []
    for folder in dirs if dirs is not None else theme_dirs():
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".toml"):
                continue
            try:
                theme = parse_theme(os.path.join(folder, name))
            except ThemeError as exc:
                errors.append(str(exc))
                continue
            themes[theme.name] = theme
    return themes, errors
