"""Advisory locks: who else has a report open for editing.

A lock is a small JSON file beside the report, `.<name>.nianbao-lock`,
listing every process that holds the report open:

    {"version": 1, "holders": [
      {"user": "reviewer2", "host": "srv1", "pid": 1234,
       "started": "2024-03-01T10:31:07+08:00", "token": "…", "pid_start": 123456}]}

Advisory means nobody is ever blocked: `acquire` always adds its holder (it
returns None only when the lock file cannot be written, e.g. the folder is
not writable), and the workbench or the sign-off command asks `holders()`
whether somebody else is at work and says so (`describe`).

Several processes may update the file at once, so every read-modify-write
happens under `fcntl.flock` on the lock file itself. The file is deleted
when its last holder leaves; a process that opened the file just before that
notices (inode check) and starts again on a fresh file.

A holder on this host whose process is gone (or whose pid now belongs to a
different process: `pid_start` is the process start time from /proc) is
stale: ignored by `holders` and removed by the next `acquire`/`release`.
Holders on other hosts cannot be checked and are always shown.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import socket
import stat
import time
import uuid
from collections.abc import Iterator

from tui.store.fsinfo import folder_unwritable_reason

SUFFIX = ".nianbao-lock"
_VERSION = 1
MAX_LOCK_BYTES = 1 << 20  # a lock file lists a few holders; anything larger is not one


def lock_path(path: str | os.PathLike[str]) -> str:
    """The lock file of a report: beside the real file (symlinks resolved)."""
    real = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(real)
    return os.path.join(folder, f".{name}{SUFFIX}")


def _host():
    try:
        return socket.gethostname() or "localhost"
    except OSError:
        return "localhost"


def _user():
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        value = os.environ.get(var)
        if value:
            return value
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return str(os.getuid())


def _pid_start(pid):
    """Start time (clock ticks since boot) of a process, or None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    try:
        fields = raw[raw.rindex(b")") + 2:].split()
        return int(fields[19])  # field 22 of proc(5); fields[0] is field 3
    except (ValueError, IndexError):
        return None


def _alive(holder):
    """False only when we are sure the holder's process is gone."""
    if not isinstance(holder, dict):
        return False
    if holder.get("host") != _host():
        return True
    pid = holder.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by somebody else
    except OSError:
        return True
    recorded = holder.get("pid_start")
    if isinstance(recorded, int):
        current = _pid_start(pid)
        if current is not None and current != recorded:
            return False  # the pid was reused by another process
    return True


class UnsafeLock(OSError):
    """The lock path is not a lock file we may use (a link, a FIFO, a file
    with several names, something that is not a nianbao lock). Nothing was
    written to it."""


_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
FLOCK_TIMEOUT = 15.0  # seconds; another process's save of a huge file holds it this long at most


def _flock(fd, exclusive, timeout=None):
    """flock without hanging forever on a lock somebody never lets go."""
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + (FLOCK_TIMEOUT if timeout is None else timeout)
    delay = 0.005
    while True:
        try:
            fcntl.flock(fd, mode)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OSError(errno.EWOULDBLOCK, "锁文件长时间被其他进程占用") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def _open_fd(lpath, create, write):
    """(fd, created) of the lock file, opened without following a link and
    without blocking (a FIFO), or (None, False) when it is missing and not
    `create`. Raises UnsafeLock for anything but a regular file with one
    name; never truncates."""
    flags = (os.O_RDWR if write else os.O_RDONLY) | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC
    for _ in range(20):
        if create:
            try:
                return _checked(os.open(lpath, flags | os.O_CREAT | os.O_EXCL, 0o666), lpath), True
            except FileExistsError:
                pass
        try:
            return _checked(os.open(lpath, flags), lpath), False
        except FileNotFoundError:
            if not create:
                return None, False
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK) or os.path.islink(lpath):
                raise UnsafeLock(errno.ELOOP, f"锁文件 {lpath} 是符号链接，已拒绝使用") from None
            raise
    raise OSError(errno.EAGAIN, "锁文件反复被替换，放弃")


def _checked(fd, lpath):
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeLock(errno.EINVAL, f"锁文件 {lpath} 不是普通文件，已拒绝使用")
        if st.st_nlink != 1:
            raise UnsafeLock(errno.EINVAL, f"锁文件 {lpath} 另有硬链接，已拒绝使用")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_locked(lpath, create, exclusive=True):
    """Open the lock file and flock it: (fd, created), or (None, False) if
    it does not exist (and not `create`). Retries when the file was replaced
    or removed meanwhile."""
    for _ in range(50):
        fd, created = _open_fd(lpath, create, write=exclusive)
        if fd is None:
            return None, False
        try:
            _flock(fd, exclusive)
            try:
                now, st = os.stat(lpath, follow_symlinks=False), os.fstat(fd)
                same = (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino)
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            return fd, created
        os.close(fd)
        if not create:
            return None, False
    raise OSError(errno.EAGAIN, "锁文件反复被替换，放弃")


def _read_raw(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_LOCK_BYTES:
            raise UnsafeLock(errno.EFBIG, "锁文件过大，不是 nianbao 的锁文件")
    return b"".join(chunks)


def _parse(raw):
    """Holders in a lock file's bytes, or None when they are not a lock file."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict):
        holders = data.get("holders")
        if isinstance(holders, list):
            return [h for h in holders if isinstance(h, dict)]
        if "pid" in data:  # a single-holder file
            return [data]
    return None


def _read(fd):
    holders = _parse(_read_raw(fd))
    return [] if holders is None else holders  # empty or damaged: no holders


def _may_rewrite(fd, raw):
    """A lock file we may truncate: empty, a nianbao lock, or (damaged) our own."""
    if not raw.strip() or _parse(raw) is not None:
        return True
    return os.fstat(fd).st_uid == os.geteuid()


def _unlink_if_same(fd, lpath):
    try:
        now = os.stat(lpath, follow_symlinks=False)
        st = os.fstat(fd)
        if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
            os.unlink(lpath)
    except FileNotFoundError:
        pass


def _write(fd, lpath, holders, old=b""):
    """Rewrite the (flocked) lock file, or delete it when nobody holds it."""
    if not holders:
        _unlink_if_same(fd, lpath)
        return
    payload = json.dumps({"version": _VERSION, "holders": holders}, ensure_ascii=False, indent=2) + "\n"
    data = payload.encode("utf-8")
    try:
        _put(fd, data)
    except OSError:
        try:
            _put(fd, old)  # (disk full) the old, shorter text fits where it was
        except OSError:
            pass
        raise


def _put(fd, data):
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _update(lpath, change, create):
    """Under the lock: holders = change(live holders); write back. A lock
    file this call created is removed again if it cannot be written (a full
    disk leaves no empty lock file behind)."""
    fd, created = _open_locked(lpath, create=create)
    if fd is None:
        return
    try:
        raw = _read_raw(fd)
        if not _may_rewrite(fd, raw):
            raise UnsafeLock(errno.EINVAL, f"锁文件 {lpath} 不是 nianbao 的锁文件，已拒绝改写")
        holders = [h for h in (_parse(raw) or []) if _alive(h)]
        try:
            _write(fd, lpath, change(holders), raw)
        except OSError:
            if created:
                _unlink_if_same(fd, lpath)
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def saving(path: str | os.PathLike[str]) -> Iterator[bool]:
    """Hold the report's lock file (flock, exclusive) while a save runs, so
    that two nianbao processes never write the same report at once. The
    lock file is created for the purpose if needed and removed afterwards
    when nobody is registered in it. A lock path that cannot be used (a
    link, a FIFO, an unwritable folder) does not stop the save: the lock is
    advisory and the save re-checks the file itself."""
    lpath = lock_path(path)
    try:
        fd, _ = _open_locked(lpath, create=True)
    except OSError:
        fd = None
    try:
        yield fd is not None
    finally:
        if fd is not None:
            try:
                if not _read_raw(fd).strip():
                    _unlink_if_same(fd, lpath)
            except OSError:
                pass
            os.close(fd)


def clean_empty(path: str | os.PathLike[str]) -> None:
    """Remove an empty lock file of `path` that nobody holds (left by a save
    that was killed). Never raises."""
    lpath = lock_path(path)
    try:
        fd, _ = _open_fd(lpath, create=False, write=True)
    except OSError:
        return
    if fd is None:
        return
    try:
        _flock(fd, True, timeout=0)
        if not _read_raw(fd):
            _unlink_if_same(fd, lpath)
    except OSError:
        pass
    finally:
        os.close(fd)


def problem(path: str | os.PathLike[str]) -> str | None:
    """None when the lock file of `path` is absent or usable, else why not (Chinese)."""
    lpath = lock_path(path)
    try:
        fd, _ = _open_fd(lpath, create=False, write=False)
    except UnsafeLock as exc:
        return exc.strerror
    except OSError:
        return None
    if fd is not None:
        os.close(fd)
    return None


class Lock:
    """This process's entry in a report's lock file."""

    def __init__(self, path, lpath, info):
        self.path = os.fspath(path)
        self.lock_path = lpath
        self.info = info
        self.released = False

    @property
    def token(self):
        return self.info["token"]

    def release(self) -> None:
        """Remove our entry (and the file when it was the last). Idempotent;
        never raises for file-system trouble."""
        if self.released:
            return
        self.released = True
        token = self.token
        try:
            _update(self.lock_path, lambda hs: [h for h in hs if h.get("token") != token], create=False)
        except OSError:
            pass

    def refresh(self) -> bool:
        """Put our entry back if somebody removed the lock file. True if held."""
        if self.released:
            return False
        token = self.token

        def change(hs):
            if not any(h.get("token") == token for h in hs):
                hs.append(self.info)
            return hs

        try:
            _update(self.lock_path, change, create=True)
        except OSError:
            return False
        return True

    def others(self) -> list[dict]:
        """Other live holders of the same report."""
        return holders(self.path, exclude=self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
        return False

    def __repr__(self):
        state = "released" if self.released else "held"
        return f"Lock({self.path!r}, pid={self.info.get('pid')}, {state})"


def acquire(path: str | os.PathLike[str]) -> Lock | None:
    """Register this process as editing `path`. Returns a Lock, or None when
    the lock file cannot be written (folder not writable, another user's lock
    file we may not change, read-only file system)."""
    lpath = lock_path(path)
    if folder_unwritable_reason(os.path.dirname(lpath)):
        return None
    pid = os.getpid()
    info = {
        "user": _user(),
        "host": _host(),
        "pid": pid,
        "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "token": uuid.uuid4().hex,
    }
    start = _pid_start(pid)
    if start is not None:
        info["pid_start"] = start

    def change(hs):
        hs.append(info)
        return hs

    try:
        _update(lpath, change, create=True)
    except OSError:
        return None
    return Lock(path, lpath, info)


def holders(path: str | os.PathLike[str], exclude: Lock | None = None) -> list[dict]:
    """Live holders of `path` other than this process (or, when `exclude` is a
    Lock, other than that lock). A list of dicts: user, host, pid, started.
    Stale entries are ignored and, when possible, cleaned up."""
    lpath = lock_path(path)
    try:
        fd, _ = _open_locked(lpath, create=False, exclusive=False)
    except OSError:
        return []
    if fd is None:
        return []
    try:
        entries = _read(fd)
    except OSError:
        entries = []
    finally:
        os.close(fd)
    live = [h for h in entries if _alive(h)]
    if len(live) != len(entries):
        try:
            _update(lpath, lambda hs: hs, create=False)  # drops the stale ones
        except OSError:
            pass
    if isinstance(exclude, Lock):
        return [h for h in live if h.get("token") != exclude.token]
    me_host, me_pid = _host(), os.getpid()
    return [h for h in live if not (h.get("host") == me_host and h.get("pid") == me_pid)]


def describe(holder: dict) -> str:
    """'reviewer2@host（进程 1234，自 10:31 起编辑）'."""
    user = holder.get("user") or "未知用户"
    host = holder.get("host") or "未知主机"
    parts = []
    pid = holder.get("pid")
    if isinstance(pid, int):
        parts.append(f"进程 {pid}")
    since = _since(holder.get("started"))
    if since:
        parts.append(f"自 {since} 起编辑")
    tail = f"（{'，'.join(parts)}）" if parts else ""
    return f"{user}@{host}{tail}"


def age(holder: dict) -> str | None:
    """How long ago the holder started editing: '5 分钟', '3 小时', '2 天', or None."""
    started = holder.get("started") if isinstance(holder, dict) else None
    if not isinstance(started, str):
        return None
    try:
        when = _dt.datetime.fromisoformat(started)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.astimezone()
    seconds = (_dt.datetime.now().astimezone() - when).total_seconds()
    if seconds < 0:
        return None
    if seconds < 3600:
        return f"{max(int(seconds // 60), 1)} 分钟"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时"
    return f"{int(seconds // 86400)} 天"


def _since(started):
    if not isinstance(started, str):
        return None
    try:
        when = _dt.datetime.fromisoformat(started)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone()
    now = _dt.datetime.now()
    if when.date() == now.date():
        return f"{when:%H:%M}"
    if when.year == now.year:
        return f"{when.month}月{when.day}日 {when:%H:%M}"
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
