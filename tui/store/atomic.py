"""The one write path for report files: lock, temporary file, verify, re-check, rename.

Every write of a report — a workbench save, save as, `nianbao signoff`, an
acceptance or comment, `nianbao new` — goes through `replace_file` or
`create_file`. The steps, in order:

1. take the report's advisory lock (flock on its lock file, tui.store.lock)
   for the whole save, so two nianbao processes never save at once;
2. read the original (identity, size, mtime, sha256 of its bytes): with
   `expect`, its content must be what the caller read (else ConflictError);
3. create the temporary file beside it with O_CREAT|O_EXCL|O_NOFOLLOW under
   a name that is recognisably ours (`temp_name`), write, fsync;
4. read it back (by name, not following links, the same inode) and hand the
   bytes to the caller's `verify` (which raises WriteError to refuse);
5. re-check the original immediately before the rename: same identity,
   size, mtime and content as read in step 2, else ConflictError;
6. rename over the original (or link as a new file), fsync the folder.

Whatever fails, the original is left as it was and our temporary file is
removed. A process killed mid-save leaves its temporary file behind; the next
open of the folder removes it (`clean_stale_temps`: only our names, only
regular files we own, only those whose process is gone or that are a day
old).

`replace_file` writes through symlinks (the link stays, its target is
replaced), keeps the permission bits and, where the process may (root), the
owner and group of the file it replaces. A new file gets the usual
0o666 & ~umask. Error messages are Chinese.

`_checkpoint(step)` is called between the steps; it does nothing, and tests
replace it to change the world (or kill the process) at a chosen step.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import socket
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass

from tui.core.readfile import Unreadable, read_regular
from tui.store import lock as _locks
from tui.store.fsinfo import os_error_text

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
STALE_AFTER = 24 * 3600  # seconds: a temporary file of ours this old is left over whatever its owner


class WriteError(Exception):
    """A write did not happen; the original file (if any) is untouched."""


class ConflictError(WriteError):
    """The file changed on disk since it was read; nothing was written."""


# -- outcomes (what the UI is told; no exception reaches it) ---------------

@dataclass(frozen=True)
class Saved:
    """The new content is on disk. `message` is Chinese (已保存 …)."""

    path: str
    message: str
    ok = True


@dataclass(frozen=True)
class Unchanged:
    """Nothing to save (no edits since the last save)."""

    path: str
    message: str = "没有需要保存的修改"
    ok = True


@dataclass(frozen=True)
class Conflict:
    """The file changed on disk (or vanished); nothing was written. Save
    again with force, reload, or save as."""

    path: str
    message: str
    ok = False


@dataclass(frozen=True)
class ReadOnly:
    """The file cannot be saved in place; nothing was written (save as still works)."""

    path: str
    message: str
    ok = False


@dataclass(frozen=True)
class Failed:
    """The disk or a verification said no; nothing was written."""

    path: str
    message: str
    ok = False


Outcome = Saved | Unchanged | Conflict | ReadOnly | Failed


# -- what a file on disk was -----------------------------------------------

@dataclass(frozen=True, eq=False)
class DiskState:
    """A file as read: identity, size, mtime and the sha256 of its bytes.

    `==` compares content (size and sha256): a touch or a rewrite with the
    same bytes is no change for "did somebody change the file since I opened
    it". `same_file` compares everything, for "did it change while I was
    saving"."""

    mtime_ns: int | None
    size: int
    sha256: str
    dev: int | None = None
    ino: int | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DiskState) and (self.size, self.sha256) == (other.size, other.sha256)

    def __hash__(self) -> int:
        return hash((self.size, self.sha256))

    def same_file(self, other: DiskState | None) -> bool:
        return other is not None and (self.dev, self.ino, self.size, self.mtime_ns, self.sha256) == (
            other.dev, other.ino, other.size, other.mtime_ns, other.sha256)

    def __repr__(self) -> str:
        return f"DiskState(size={self.size}, sha256={self.sha256[:12]}…)"


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def state_of(raw: bytes, st: os.stat_result | None = None) -> DiskState:
    if st is None:
        return DiskState(None, len(raw), sha256(raw))
    return DiskState(st.st_mtime_ns, len(raw), sha256(raw), st.st_dev, st.st_ino)


def read_state(path: str | os.PathLike[str]) -> tuple[bytes | None, DiskState | None]:
    """(bytes, DiskState) of a regular file now, or (None, None) when it is
    missing, unreadable or not a regular file (never blocks on a FIFO)."""
    try:
        raw, st = read_regular(path, limit=None)
    except Unreadable:
        return None, None
    return raw, state_of(raw, st)


def _read_fd(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


# -- temporary files ---------------------------------------------------------

_HOST_TAG: list[str] = []


def _host_tag() -> str:
    """8 hex digits naming this host (computed once: temp_name runs in signal handlers)."""
    if not _HOST_TAG:
        try:
            host = socket.gethostname()
        except OSError:
            host = ""
        _HOST_TAG.append(hashlib.sha256(host.encode("utf-8", "surrogateescape")).hexdigest()[:8])
    return _HOST_TAG[0]


_TEMP = re.compile(r"^\..*\.nianbao-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]{8}\.tmp$", re.S)


def temp_name(name: str) -> str:
    """A fresh temporary file name for `name`: `.NAME.nianbao-HOST-PID-RANDOM.tmp`."""
    return f".{name[:120]}.nianbao-{_host_tag()}-{os.getpid()}-{os.urandom(4).hex()}.tmp"


def is_our_temp(name: str) -> bool:
    return _TEMP.match(name) is not None


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def clean_stale_temps(folder: str | os.PathLike[str], now: float | None = None) -> list[str]:
    """Remove temporary files of ours left in `folder` by a killed save: only
    names `temp_name` makes, only regular files (never a link) owned by this
    user, and only when the process that wrote them is gone (same host) or
    they are older than STALE_AFTER. Returns the names removed; never raises."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time() if now is None else now
    mine, me = _host_tag(), os.getpid()
    for name in names:
        m = _TEMP.match(name)
        if m is None:
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            continue
        pid = int(m.group("pid"))
        dead = m.group("host") == mine and pid != me and _pid_gone(pid)
        if dead or now - st.st_mtime > STALE_AFTER:
            try:
                os.unlink(path)
            except OSError:
                continue
            removed.append(name)
    return removed


def ensure_private_dir(path: str | os.PathLike[str]) -> str:
    """Create (0o700) or check a folder of our own state: it must be a real
    folder (not a link to one), owned by this user, writable by nobody else
    (group/other write bits of our own folder are taken away). Its parents
    are created as needed. Returns the path; raises WriteError (Chinese)."""
    path = os.path.abspath(os.fspath(path))
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(path)
    except OSError as exc:
        raise WriteError(f"无法创建状态文件夹 {path}（{os_error_text(exc)}）") from exc
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise WriteError(f"状态文件夹 {path} 不是普通文件夹（可能是符号链接），已拒绝使用")
    if st.st_uid != os.geteuid():
        raise WriteError(f"状态文件夹 {path} 不属于当前用户，已拒绝使用")
    if st.st_mode & 0o022:
        try:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o022, follow_symlinks=False)
        except (OSError, NotImplementedError) as exc:
            raise WriteError(f"状态文件夹 {path} 他人可写，已拒绝使用") from exc
    return path


def write_private(path: str, data: bytes) -> None:
    """Write a small file of our own state atomically (0o600): a fresh
    temporary file (O_EXCL, no links followed), fsync, rename over `path`
    (which replaces a link planted there, never its target). Usable in a
    signal handler. Raises OSError."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, temp_name(name))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, 0o600)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def read_private(path: str, limit: int = 16 << 20, own: bool = False) -> bytes:
    """The bytes of a regular file (no link followed, no FIFO waited on, at
    most `limit` bytes; with `own`, only a file of this user's). Raises OSError."""
    fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "不是普通文件")
        if own and st.st_uid != os.geteuid():
            raise OSError(errno.EPERM, "不是当前用户的文件")
        if st.st_size > limit:
            raise OSError(errno.EFBIG, "文件过大")
        return _read_fd(fd)[: limit + 1]
    finally:
        os.close(fd)


def _checkpoint(step: str) -> None:
    """Between two steps of a save (tests replace this)."""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_temp(folder: str, name: str, data: bytes, mode: int | None,
                owner: tuple[int, int] | None = None) -> tuple[str, os.stat_result]:
    """Create our temporary file (never following or reusing an existing
    name), write and fsync `data`. Returns (path, its stat)."""
    for _ in range(20):
        tmp = os.path.join(folder, temp_name(name))
        _checkpoint("open")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        break
    else:
        raise OSError(errno.EEXIST, "临时文件名反复冲突")
    try:
        try:
            _checkpoint("write")
            _write_all(fd, data)
            if owner is not None:
                try:
                    os.fchown(fd, *owner)  # before chmod: chown may clear set-id bits
                except OSError:
                    pass  # not allowed (not root): the file becomes ours, as any editor does
            if mode is not None:
                os.fchmod(fd, mode)
            _checkpoint("fsync")
            os.fsync(fd)
            st = os.fstat(fd)
        finally:
            os.close(fd)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp, st


def _read_back(tmp: str, written: os.stat_result) -> bytes:
    """The temporary file's bytes, read again by name: it must still be our
    regular file (same inode, not replaced by a link)."""
    _checkpoint("read")
    fd = os.open(tmp, os.O_RDONLY | _O_NOFOLLOW | _O_CLOEXEC | _O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (written.st_dev, written.st_ino):
            raise OSError(errno.EIO, "临时文件被替换")
        return _read_fd(fd)
    finally:
        os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- the write path ---------------------------------------------------------

def replace_file(path: str | os.PathLike[str], data: bytes, verify: Callable[[bytes], None] | None = None,
                 expect: DiskState | None = None) -> DiskState:
    """Replace `path` with `data` atomically, keeping its permission bits.

    With `expect`, the file must still hold the content described (else
    ConflictError; a missing file too). Without it the current file is
    replaced whatever it holds. Either way the file must not change while
    the save runs: it is re-checked immediately before the rename.
    `verify(bytes_read_back)` may raise WriteError to refuse the new
    content. Returns the DiskState of the new file. Raises WriteError (or
    ConflictError); the original stays as it was and no temporary file is
    left."""
    path = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(path)
    with _locks.saving(path):
        _, before = read_state(path)
        if expect is not None:
            if before is None and os.path.lexists(path):
                raise WriteError("无法读取原文件以核对是否被他人修改，原文件未改动")
            if before is None:
                raise ConflictError("文件在打开后已被删除或移走")
            if before != expect:
                raise ConflictError("文件在打开后已被其他程序修改")
        owner = None
        try:
            st = os.stat(path)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        except OSError as exc:
            raise WriteError(f"无法读取原文件（{os_error_text(exc)}），原文件未改动") from exc
        else:
            mode = stat.S_IMODE(st.st_mode)
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                owner = (st.st_uid, st.st_gid)
        try:
            tmp, written = _write_temp(folder, name, data, mode, owner)
        except OSError as exc:
            raise WriteError(f"无法写入临时文件（{os_error_text(exc)}），原文件未改动") from exc
        try:
            try:
                got = _read_back(tmp, written)
            except OSError as exc:
                raise WriteError(f"无法读回刚写入的内容（{os_error_text(exc)}），原文件未改动") from exc
            if got != data:
                raise WriteError("读回的内容与写入的不一致，原文件未改动")
            if verify is not None:
                _checkpoint("verify")
                verify(got)
            _checkpoint("recheck")
            _, now = read_state(path)
            if before is None and now is not None:
                raise ConflictError("保存期间有其他程序创建了此文件")
            if before is not None and not before.same_file(now):
                raise ConflictError("保存期间文件被其他程序修改")
            _checkpoint("rename")
            os.replace(tmp, path)
        except OSError as exc:
            _unlink(tmp)
            raise WriteError(f"无法替换原文件（{os_error_text(exc)}），原文件未改动") from exc
        except BaseException:
            _unlink(tmp)
            raise
        _checkpoint("done")
        _fsync_dir(folder)
    return state_of(data, written)


def create_file(path: str | os.PathLike[str], data: bytes, verify: Callable[[bytes], None] | None = None,
                mode: int | None = None) -> DiskState:
    """Create a new file with `data`, verified like replace_file; refuse
    (FileExistsError) if anything exists at `path`, even a dangling link."""
    path = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(path)
    if os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "文件已存在", path)
    tmp, written = _write_temp(folder, name, data, (0o666 if mode is None else mode) & ~_umask())
    try:
        got = _read_back(tmp, written)
        if got != data:
            raise WriteError("读回的内容与写入的不一致，未写入")
        if verify is not None:
            verify(got)
        _checkpoint("rename")
        try:
            os.link(tmp, path)  # fails if `path` appeared meanwhile: never overwrite
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            _create_direct(path, data)  # a file system without hard links
    finally:
        _unlink(tmp)
    _fsync_dir(folder)
    return state_of(data, written)


def _create_direct(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, 0o666 & ~_umask())
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink(path)
        raise
    os.close(fd)


def _umask() -> int:
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
