"""User configuration: `config.toml` under platformdirs.user_config_path("nianbao").

    [ui]
    theme = "nianbao-dark"

    [keys]               # action id = key(s), comma-separated
    next_finding = "n"

    [reviewer]
    name = "审核人甲"      # display name written into sign-offs
    key = "~/.ssh/id_ed25519"   # default --sign key

Read with tomllib; a broken file is reported, never fatal.
"""

import os
import tomllib


def config_dir():
    from platformdirs import user_config_path

    return user_config_path("nianbao")


def state_dir():
    from platformdirs import user_state_path

    return user_state_path("nianbao")


def config_path():
    return config_dir() / "config.toml"


class Config:
    def __init__(self, data=None, error=None, path=None):
        self.data = data or {}
        self.error = error  # a message for the user when the file could not be read
        self.path = path

    def section(self, name):
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def theme(self):
        value = self.section("ui").get("theme")
        return value if isinstance(value, str) else None

    @property
    def keys(self):
        return {k: v for k, v in self.section("keys").items() if isinstance(v, str)}

    @property
    def reviewer_name(self):
        value = self.section("reviewer").get("name")
        return value if isinstance(value, str) and value.strip() else None

    @property
    def reviewer_key(self):
        value = self.section("reviewer").get("key")
        return os.path.expanduser(value) if isinstance(value, str) and value.strip() else None


CONFIG_LIMIT = 1024 * 1024


def load_config(path=None):
    path = path or config_path()
    from tui.core.inert import inert
    from tui.core.readfile import Unreadable, read_regular
    from tui.core.tomlerrors import describe

    try:
        raw, _ = read_regular(path, CONFIG_LIMIT)  # never a FIFO or a device
        return Config(tomllib.loads(raw.decode("utf-8")), path=path)
    except Unreadable as exc:
        if exc.missing:
            return Config(path=path)
        return Config(error=f"配置文件 {inert(path)} 无法读取：{exc.reason}", path=path)
    except tomllib.TOMLDecodeError as exc:
        return Config(error=f"配置文件 {inert(path)} 无法读取：{describe(exc)}", path=path)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return Config(error=f"配置文件 {inert(path)} 无法读取：{inert(exc)}", path=path)
