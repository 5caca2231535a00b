"""tui.store: advisory locks, editable documents, atomic saves, recovery files."""

import json
import os
import subprocess
import sys

import pytest

from tui.store import lock as locks

# --------------------------------------------------------------------------
# Locks


def _fake_pid(monkeypatch, pid):
    """Make this process look like `pid` to the lock module (a live process)."""
    monkeypatch.setattr(locks.os, "getpid", lambda: pid)


@pytest.fixture
def other_process():
    """A live process of ours standing in for another editor."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def test_lock_file_beside_report(reports_copy):
    report = reports_copy / "hongze-2023.toml"
    lock = locks.acquire(report)
    assert lock is not None
    lpath = reports_copy / ".hongze-2023.toml.nianbao-lock"
    assert lpath.exists()
    data = json.loads(lpath.read_text(encoding="utf-8"))
    (holder,) = data["holders"]
    assert holder["pid"] == os.getpid()
    assert {"user", "host", "pid", "started"} <= holder.keys()
    assert locks.holders(report) == []  # our own entry is not "another" holder
    lock.release()
    assert not lpath.exists()
    lock.release()  # idempotent


def test_lock_sees_other_holder(reports_copy, monkeypatch, other_process):
    report = reports_copy / "hongze-2023.toml"
    real_pid = os.getpid()
    mine = locks.acquire(report)
    with monkeypatch.context() as m:
        _fake_pid(m, other_process.pid)
        theirs = locks.acquire(report)
        assert [h["pid"] for h in locks.holders(report)] == [real_pid]
    others = locks.holders(report)
    assert [h["pid"] for h in others] == [other_process.pid]
    assert mine.others() == others
    assert [h["pid"] for h in theirs.others()] == [os.getpid()]
    text = locks.describe(others[0])
    assert f"进程 {other_process.pid}" in text and "起编辑" in text and "@" in text
    theirs.release()
    assert locks.holders(report) == []
    assert (reports_copy / ".hongze-2023.toml.nianbao-lock").exists()  # still ours
    mine.release()
    assert not (reports_copy / ".hongze-2023.toml.nianbao-lock").exists()


def test_stale_lock_is_ignored_and_cleaned(reports_copy, monkeypatch):
    report = reports_copy / "hongze-2023.toml"
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # a pid that is certainly dead now
    with monkeypatch.context() as m:
        _fake_pid(m, proc.pid)
        dead = locks.acquire(report)
    assert dead is not None
    assert locks.holders(report) == []
    lpath = reports_copy / ".hongze-2023.toml.nianbao-lock"
    assert not lpath.exists()  # holders() cleaned the stale entry away
    # a reused pid (same number, different start time) is stale too
    lpath.write_text(json.dumps({"holders": [{"user": "x", "host": locks._host(), "pid": os.getppid(),
                                              "started": "2024-01-01T10:00:00+08:00", "pid_start": -5}]}))
    assert locks.holders(report) == []
    mine = locks.acquire(report)
    assert [h["pid"] for h in json.loads(lpath.read_text())["holders"]] == [os.getpid()]
    mine.release()


def test_lock_other_host_and_damaged_file(reports_copy):
    report = reports_copy / "huaian-2024.toml"
    lpath = reports_copy / ".huaian-2024.toml.nianbao-lock"
    lpath.write_text("{not json")
    assert locks.holders(report) == []
    lock = locks.acquire(report)  # rewrites the damaged file
    assert lock is not None
    lpath.write_text(json.dumps({"user": "reviewer2", "host": "elsewhere", "pid": 1234,
                                 "started": "2020-01-02T10:31:00+08:00"}))
    (h,) = locks.holders(report)  # other hosts cannot be checked: always shown
    assert locks.describe(h).startswith("reviewer2@elsewhere（进程 1234，自 2020年1月2日 ")
    assert lock.refresh()  # puts our entry back beside theirs
    assert len(json.loads(lpath.read_text())["holders"]) == 2
    lock.release()
    assert len(json.loads(lpath.read_text())["holders"]) == 1


def test_lock_unwritable_folder(reports_copy):
    os.chmod(reports_copy, 0o555)
    try:
        assert locks.acquire(reports_copy / "hongze-2023.toml") is None
        assert locks.holders(reports_copy / "hongze-2023.toml") == []
    finally:
        os.chmod(reports_copy, 0o755)


def test_describe_today():
    import datetime as dt

    now = dt.datetime.now().astimezone().replace(hour=10, minute=31)
    text = locks.describe({"user": "reviewer2", "host": "host", "pid": 1234, "started": now.isoformat()})
    assert text == "reviewer2@host（进程 1234，自 10:31 起编辑）"
    assert locks.describe({}) == "未知用户@未知主机"


def test_lock_concurrent_acquire(reports_copy):
    """Holders acquiring at the same moment all end up in the file (flock)."""
    report = reports_copy / "hongze-2024.toml"
    code = ("import sys; from tui.store.lock import acquire; l = acquire(sys.argv[1]); "
            "print('ok' if l else 'none', flush=True); sys.stdin.read(); l.release()")
    env = dict(os.environ, PYTHONPATH=str(locks.__file__).rsplit("/tui/", 1)[0])
    procs = [subprocess.Popen([sys.executable, "-c", code, str(report)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(6)]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["ok"] * 6
        assert sorted(h["pid"] for h in locks.holders(report)) == sorted(p.pid for p in procs)
    finally:
        for p in procs:
            p.stdin.close()
            p.wait(timeout=10)
    assert not (reports_copy / ".hongze-2024.toml.nianbao-lock").exists()
