"""Writing exported documents (review opinions, summaries): atomic, and never
over an existing file unless the caller says the user agreed."""

import os

from tui.store.atomic import WriteError, create_file, replace_file
from tui.store.fsinfo import os_error_text


class ExportError(Exception):
    """The document was not written; the message is Chinese and names the file."""


class Exists(ExportError):
    """The target exists and overwriting was not allowed."""


def write_document(path, data, overwrite=False):
    """Write `data` (bytes) to `path`. Raises Exists, or ExportError naming the file."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ExportError(f"{path}：文件夹 {folder} 不存在")
    if os.path.isdir(path):
        raise ExportError(f"{path} 是文件夹，不能写入")
    try:
        if overwrite and os.path.lexists(path):
            if not os.path.isfile(path):
                raise ExportError(f"{path} 不是普通文件，不会覆盖")
            replace_file(path, data)
        else:
            create_file(path, data)
    except FileExistsError:
        raise Exists(f"{path} 已存在，不会覆盖") from None
    except WriteError as exc:
        raise ExportError(f"{path}：{exc}") from exc
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{os_error_text(exc)}") from exc
    return path
