"""Read a file that must be a regular file of bounded size (issue 10.5).

Every path that reads a report (the loader, `diff`, `verify`, `signoff`, the
workbench) or another file a user names (`--allowed-signers`, config,
themes) reads through `read_regular`. It never blocks and never reads
without bound:

- the path is stat()ed first and anything but a regular file (a FIFO, a
  device such as /dev/zero behind a `*.toml` symlink, a socket, a folder) is
  refused without opening it;
- the open is non-blocking (O_NONBLOCK: a FIFO swapped in after the stat
  cannot block the open) and never makes a terminal ours (O_NOCTTY);
- the opened descriptor is fstat()ed again and must still be a regular file;
- at most `limit` bytes are read (MAX_REPORT_BYTES, 16 MiB, by default: the
  largest real report is a few hundred KB); a longer file is refused.

Failures raise `Unreadable` with a Chinese reason (without the file name;
callers prefix it as `file: reason`).
"""

import errno
import os
import stat

MAX_REPORT_BYTES = 16 * 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class Unreadable(Exception):
    """A file that could not be read; `reason` is a Chinese sentence."""

    def __init__(self, reason, code=None):
        super().__init__(reason)
        self.reason = reason
        self.errno = code

    @property
    def missing(self):
        """The file does not exist."""
        return self.errno == errno.ENOENT


def _kind(mode):
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是报告文件"
    if stat.S_ISFIFO(mode):
        return "这是命名管道（FIFO），不是普通文件，不予读取"
    if stat.S_ISCHR(mode):
        return "这是字符设备，不是普通文件，不予读取"
    if stat.S_ISBLK(mode):
        return "这是块设备，不是普通文件，不予读取"
    if stat.S_ISSOCK(mode):
        return "这是套接字，不是普通文件，不予读取"
    return "不是普通文件，不予读取"


def _too_big(size, limit):
    return f"文件过大（{size:,} 字节，超过上限 {limit:,} 字节），不像年度报告，不予读取"


def os_reason(exc):
    """A Chinese reason for an OSError."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是报告文件"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if exc.errno == errno.ELOOP:
        return "符号链接循环，无法读取"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名过长"
    if exc.errno == errno.ENOTDIR:
        return "路径中有一部分不是文件夹"
    return f"无法读取文件：{exc.strerror or exc}"


def check_regular(path, limit=MAX_REPORT_BYTES):
    """stat() `path` (following links) and raise Unreadable unless it is a
    regular file of at most `limit` bytes; return the stat result."""
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError):  # an embedded NUL in the path
            raise Unreadable("文件名中含有空字符") from None
        raise Unreadable(os_reason(exc), exc.errno) from None
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable(_kind(st.st_mode))
    if limit is not None and st.st_size > limit:
        raise Unreadable(_too_big(st.st_size, limit))
    return st


def read_regular(path, limit=MAX_REPORT_BYTES):
    """(bytes, os.stat_result of the opened file) of a regular file, or raise Unreadable."""
    check_regular(path, limit)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise Unreadable(os_reason(exc), exc.errno) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(_kind(st.st_mode))
        if limit is not None and st.st_size > limit:
            raise Unreadable(_too_big(st.st_size, limit))
        chunks, total = [], 0
        cap = limit + 1 if limit is not None else None
        while True:
            # One byte more than fstat's size: a read that comes back short
            # at that size is the end, with no further read to find it (and
            # a buffer of that size, not 1 MiB, stays off mmap: with the
            # read fewer, a 1 MiB one became a mmap, mremap and munmap per
            # file). Past it, if the file grew, 64 KiB at a time.
            want = st.st_size + 1 - total
            want = min(want if want > 0 else 1 << 16, 1 << 20)
            if cap is not None:
                want = min(want, cap - total)
            if want <= 0:
                break
            try:
                chunk = os.read(fd, want)
            except BlockingIOError:  # cannot happen on a regular file; never spin
                raise Unreadable("文件暂时无法读取") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total == st.st_size and len(chunk) < want:
                break  # short, at the size fstat gave: the end (a read fewer per file)
        if limit is not None and total > limit:
            raise Unreadable(_too_big(total, limit))
        return b"".join(chunks), st
    except OSError as exc:
        raise Unreadable(os_reason(exc), exc.errno) from None
    finally:
        os.close(fd)
