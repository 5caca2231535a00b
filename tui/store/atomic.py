"""Atomic file writes: temporary file in the same folder, fsync, verify, rename.

Every write of a report goes through `replace_file` or `create_file`; the
original is replaced only after the new bytes are on disk and a caller's
`verify(path_of_temp)` accepted them.

`replace_file` writes through symlinks (the link stays, its target is
replaced), keeps the permission bits and, where the process may (root), the
owner and group of the file it replaces. A new file gets the usual
0o666 & ~umask. Error messages are Chinese.
"""

import os
import stat
import tempfile

from tui.store.fsinfo import os_error_text


class WriteError(Exception):
    """A write did not happen; the original file (if any) is untouched."""


def _fsync_dir(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(folder, name, data, mode, owner=None):
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if owner is not None:
            try:
                os.chown(tmp, *owner)  # before chmod: chown may clear set-id bits
            except OSError:
                pass  # not allowed (not root): the file becomes ours, as any editor does
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def replace_file(path, data, verify=None):
    """Replace `path` with `data` atomically, keeping its permission bits.

    `verify(tmp_path)` may raise WriteError to refuse the new content; then
    the temporary file is removed and the original stays as it was.
    """
    path = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(path)
    owner = None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    else:
        mode = stat.S_IMODE(st.st_mode)
        if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            owner = (st.st_uid, st.st_gid)
    try:
        tmp = _write_temp(folder, os.path.basename(path), data, mode, owner)
    except OSError as exc:
        raise WriteError(f"无法写入临时文件（{os_error_text(exc)}），原文件未改动") from exc
    try:
        if verify is not None:
            verify(tmp)
        os.replace(tmp, path)
    except WriteError:
        _unlink(tmp)
        raise
    except OSError as exc:
        _unlink(tmp)
        raise WriteError(f"无法替换原文件（{os_error_text(exc)}），原文件未改动") from exc
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_dir(folder)


def create_file(path, data):
    """Create a new file; refuse (FileExistsError) if it exists."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.lexists(path):
        raise FileExistsError(path)
    tmp = _write_temp(folder, os.path.basename(path), data, 0o644 & ~_umask())
    try:
        os.link(tmp, path)  # fails if `path` appeared meanwhile: never overwrite
    except FileExistsError:
        _unlink(tmp)
        raise
    except OSError:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            _unlink(tmp)
            raise
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    _unlink(tmp)
    _fsync_dir(folder)


def _umask():
    """The process umask; read from /proc where possible, because setting and
    restoring it (the portable way) races with other threads creating files."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask
