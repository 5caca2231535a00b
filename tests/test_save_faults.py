"""Fault injection into the one write path (issue 10, Must show).

Every system call of a save (open, write, fsync, rename, the reads that
verify) fails in turn, and the saving process is killed at every step; after
each run the original is byte-identical or the new content is complete, and
after the next open no file of ours (temporary, lock) is left beside it.
"""

import errno
import os
import signal
import subprocess
import sys

import pytest

from conftest import REPO, REPORTS
from tui.store import atomic
from tui.store.document import EditableReport

SAMPLE = "huaian-2024.toml"
CELL = "applications.new_received[0]"


def _setup(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    path = folder / SAMPLE
    path.write_bytes((REPORTS / SAMPLE).read_bytes())
    return folder, path


def _edited(path):
    doc = EditableReport.open(path)
    doc.set(CELL, 4242)
    return doc, doc.render()


def _ours(folder):
    return sorted(n for n in os.listdir(folder) if ".nianbao-" in n)


def _whole(path, before, after):
    """The file is the old bytes or the complete new ones, nothing else."""
    now = path.read_bytes()
    assert now in (before, after), "a save left a partial or mixed file"
    return "new" if now == after else "old"


def _fd_path(fd):
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


class Injector:
    """Counts the calls of one system call that touch `folder`, and fails
    the n-th of them (n = None: only count)."""

    def __init__(self, monkeypatch, folder, name, fail_at, error):
        self.folder = str(folder)
        self.calls = 0
        self.fail_at = fail_at
        self.error = error
        real = getattr(os, name)

        def wrapper(*args, **kwargs):
            if self._ours(name, args):
                self.calls += 1
                if self.calls == self.fail_at:
                    raise OSError(self.error, os.strerror(self.error))
            return real(*args, **kwargs)

        monkeypatch.setattr(os, name, wrapper)

    def _ours(self, name, args):
        if name in ("open", "replace", "link", "unlink"):
            return str(args[0]).startswith(self.folder)
        return _fd_path(args[0]).startswith(self.folder)


CALLS = [("open", errno.EACCES), ("write", errno.ENOSPC), ("fsync", errno.EIO), ("read", errno.EIO),
         ("replace", errno.EIO), ("fstat", errno.EIO)]


@pytest.mark.parametrize("name,error", CALLS, ids=[c[0] for c in CALLS])
def test_each_system_call_of_save_fails_in_turn(tmp_path, monkeypatch, name, error):
    folder, path = _setup(tmp_path)
    before = path.read_bytes()
    # a clean save, counting the calls
    doc, after = _edited(path)
    with monkeypatch.context() as m:
        counter = Injector(m, folder, name, None, error)
        assert doc.try_save().ok
    total = counter.calls
    assert total >= 1, f"the save made no {name} call in the folder"
    results = []
    for n in range(1, total + 1):
        path.write_bytes(before)
        doc, after = _edited(path)
        with monkeypatch.context() as m:
            Injector(m, folder, name, n, error)
            outcome = doc.try_save()
        state = _whole(path, before, after)
        assert (state == "new") == outcome.ok, (n, outcome)
        if not outcome.ok:
            assert "已保存" not in outcome.message
            assert "未改动" in outcome.message or "修改" in outcome.message, outcome.message
            assert doc.dirty
        EditableReport.open(path)  # the next open
        assert _ours(folder) == [], (name, n)
        results.append(state)
    assert "old" in results, f"failing {name} never stopped the save"


SCRIPT = r"""
import os, signal, sys
from tui.store import atomic
from tui.store.document import EditableReport

path, step = sys.argv[1], sys.argv[2]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

real_checkpoint = atomic._checkpoint
def checkpoint(name):
    real_checkpoint(name)
    if name == step:
        die()
atomic._checkpoint = checkpoint

if step == "mid-write":  # half the bytes reach the temporary file, then the process dies
    real_write = os.write
    def half(fd, data):
        if ".nianbao-" in os.readlink(f"/proc/self/fd/{fd}"):
            real_write(fd, bytes(data[: len(data) // 2]))
            die()
        return real_write(fd, data)
    os.write = half

doc = EditableReport.open(path)
doc.set(sys.argv[3], 4242)
sys.stdout.write("saved" if doc.try_save().ok else "refused")
"""

STEPS = ["open", "write", "mid-write", "fsync", "read", "verify", "recheck", "rename", "done"]


@pytest.mark.parametrize("step", STEPS)
def test_save_killed_at_each_step(tmp_path, step):
    folder, path = _setup(tmp_path)
    before = path.read_bytes()
    _, after = _edited(path)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(path), step, CELL], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == -signal.SIGKILL, (r.returncode, r.stdout, r.stderr)
    state = _whole(path, before, after)
    assert state == ("new" if step == "done" else "old")
    EditableReport.open(path)  # the next open cleans what the killed save left
    assert _ours(folder) == []


def test_stale_cleaning_spares_a_save_in_progress(tmp_path):
    """The next open by another process while a save runs must not remove
    that save's temporary file (its process is alive)."""
    folder, path = _setup(tmp_path)
    seen = []
    real = atomic._checkpoint

    def meanwhile(name):
        real(name)
        if name == "verify":
            seen.extend(_ours(folder))
            EditableReport.open(path)  # another window opens the same report now
            seen.append(sorted(_ours(folder)) == sorted(n for n in seen if isinstance(n, str)))

    doc, after = _edited(path)
    atomic_checkpoint = atomic._checkpoint
    atomic._checkpoint = meanwhile
    try:
        assert doc.try_save().ok
    finally:
        atomic._checkpoint = atomic_checkpoint
    assert seen[-1] is True and any(n.endswith(".tmp") for n in seen[:-1])
    assert path.read_bytes() == after and _ours(folder) == []
