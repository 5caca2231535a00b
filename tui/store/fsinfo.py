"""What the file system lets us do with a report file, in words a user reads.

One definition of "read-only" and "folder not writable" shared by the
document (may we save in place?) and the lock (may we leave a lock file?).

Root ignores permission bits, so `os.access` alone would call every file
writable when the tool runs as root (containers, CI, a reviewer using sudo).
We therefore also honour the mode bits: a file or folder with no write bit
for anyone (`chmod a-w`) is treated as read-only, because that is how people
mark a file "do not change" and root should respect the intent. A file with
some write bit that this process cannot use (another owner, os.access says
no) is read-only too. A read-only mounted file system is detected with
statvfs.
"""

from __future__ import annotations

import errno
import os
import stat

_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH

_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "操作不被允许",
    errno.EROFS: "文件系统只读",
    errno.EIO: "磁盘读写错误",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件过多",
    errno.EFBIG: "文件过大",
    errno.EXDEV: "不能跨文件系统移动",
}


def os_error_text(exc: BaseException) -> str:
    """A short Chinese description of an OSError (falls back to strerror)."""
    text = _ERRNO_TEXT.get(getattr(exc, "errno", None))
    if text:
        return text
    return getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__


def _readonly_fs(folder):
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def folder_unwritable_reason(folder: str | os.PathLike[str]) -> str | None:
    """None if new files can be created in `folder`, else a Chinese reason."""
    try:
        st = os.stat(folder)
    except OSError as exc:
        return f"无法访问所在文件夹（{os_error_text(exc)}）"
    if not stat.S_ISDIR(st.st_mode):
        return "所在路径不是文件夹"
    if _readonly_fs(folder):
        return "所在文件系统只读"
    if not (st.st_mode & _ANY_WRITE) or not os.access(folder, os.W_OK | os.X_OK):
        return "所在文件夹不可写"
    return None


def file_readonly_reason(path: str | os.PathLike[str]) -> str | None:
    """None if `path` (following symlinks) may be replaced in place, else a
    Chinese reason: not a regular file, read-only file, unwritable folder."""
    try:
        st = os.stat(path)
    except FileNotFoundError:  # gone: saving would create it again
        return folder_unwritable_reason(os.path.dirname(os.path.abspath(path)) or ".")
    except OSError as exc:
        return f"无法访问文件（{os_error_text(exc)}）"
    if not stat.S_ISREG(st.st_mode):
        return "不是普通文件，不能原地保存"
    folder = os.path.dirname(os.path.realpath(path)) or "."
    if _readonly_fs(folder):
        return "文件所在的文件系统只读"
    if not (st.st_mode & _ANY_WRITE) or not os.access(path, os.W_OK):
        return "文件只读"
    return folder_unwritable_reason(folder)
