"""Issue 10 regressions in tui.store: the save race, links and FIFOs planted
where nianbao writes its lock, recovery and temporary files, stale
temporaries, a full disk while locking, and the state folder."""

import errno
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import REPORTS, run_cli
from tui.store import atomic, lock as locks, recovery
from tui.store.document import ConflictError, EditableReport

PRECIOUS = b"precious = true\n# do not overwrite\n"


@pytest.fixture
def folder(tmp_path):
    """A shared report folder with one report, and a precious file elsewhere."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "r.toml").write_bytes((REPORTS / "hongze-2023.toml").read_bytes())
    (tmp_path / "precious.toml").write_bytes(PRECIOUS)
    return shared


def _ours(folder):
    """Files of ours left in `folder`: temporaries, lock and recovery files."""
    return sorted(n for n in os.listdir(folder) if ".nianbao-" in n)


def _edited(path):
    doc = EditableReport.open(path)
    doc.set("applications.new_received[0]", 4242)
    return doc


# -- the save race (issue 10.3) ------------------------------------------------

def _change_original_at(monkeypatch, step, path, data):
    real = atomic._checkpoint

    def hook(name):
        real(name)
        if name == step:
            path.write_bytes(data)

    monkeypatch.setattr(atomic, "_checkpoint", hook)


@pytest.mark.parametrize("step", ["verify", "recheck"])
def test_save_refuses_when_the_original_changes_between_temp_and_rename(folder, monkeypatch, step):
    path = folder / "r.toml"
    doc = _edited(path)
    outside = path.read_bytes().replace(b"licensing = { decisions = 550 }", b"licensing = { decisions = 551 }")
    _change_original_at(monkeypatch, step, path, outside)
    outcome = doc.try_save()
    assert not outcome.ok and type(outcome).__name__ == "Conflict"
    assert "已保存" not in outcome.message and "修改" in outcome.message
    assert path.read_bytes() == outside  # the outside change is kept
    assert doc.dirty and _ours(folder) == []
    with pytest.raises(ConflictError):
        doc.save()


def test_save_race_through_the_verifier(folder, monkeypatch):
    """The same race without the step hook (so it runs on older code too):
    the original changes while the written temporary file is verified."""
    import tui.store.document as document

    path = folder / "r.toml"
    doc = _edited(path)
    outside = path.read_bytes().replace(b"licensing = { decisions = 550 }", b"licensing = { decisions = 551 }")
    real = document.replace_file

    def racing(target, data, verify=None, **kw):
        def slow_verify(arg):
            path.write_bytes(outside)  # another program saves meanwhile
            verify(arg)
        return real(target, data, verify=slow_verify, **kw)

    monkeypatch.setattr(document, "replace_file", racing)
    with pytest.raises(ConflictError):
        doc.save()
    assert path.read_bytes() == outside and doc.dirty


def test_save_refuses_when_the_original_is_replaced_with_the_same_size(folder, monkeypatch):
    """Identity counts too: a file swapped in by rename during the save."""
    path = folder / "r.toml"
    doc = _edited(path)
    real = atomic._checkpoint

    def swap(name):
        real(name)
        if name == "recheck":
            other = folder / "other"
            other.write_bytes(path.read_bytes().replace(b"550", b"551"))
            os.replace(other, path)

    monkeypatch.setattr(atomic, "_checkpoint", swap)
    with pytest.raises(ConflictError):
        doc.save(force=True)  # even a forced save does not overwrite a change made while it runs
    assert b"decisions = 551" in path.read_bytes()


def test_signoff_refuses_when_the_file_changes_during_its_write(folder, monkeypatch):
    from tui.store import signoff as so

    path = folder / "r.toml"
    outside = path.read_bytes() + b"\n# an outside edit\n"
    _change_original_at(monkeypatch, "recheck", path, outside)
    with pytest.raises(so.Refused, match="已被修改"):
        so.append_signoff(path, "rejected", "甲")
    assert path.read_bytes() == outside and _ours(folder) == []


def test_save_holds_the_lock_file_while_it_writes(folder, monkeypatch):
    import fcntl

    path = folder / "r.toml"
    doc = _edited(path)
    seen = []
    real = atomic._checkpoint

    def probe(name):
        real(name)
        if name == "rename":
            fd = os.open(locks.lock_path(path), os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                seen.append("free")
            except BlockingIOError:
                seen.append("held")
            finally:
                os.close(fd)

    monkeypatch.setattr(atomic, "_checkpoint", probe)
    assert doc.try_save().ok
    assert seen == ["held"] and _ours(folder) == []  # and the lock file made for the save is gone


# -- links and FIFOs where we write (issue 10.1) -------------------------------

def test_symlinked_lock_file_is_not_followed(folder):
    precious = folder.parent / "precious.toml"
    lpath = folder / ".r.toml.nianbao-lock"
    lpath.symlink_to(precious)
    held = locks.acquire(folder / "r.toml")  # the workbench opens the report…
    assert held is None
    assert locks.holders(folder / "r.toml") == []
    assert "符号链接" in locks.problem(folder / "r.toml")
    doc = _edited(folder / "r.toml")
    assert doc.try_save().ok  # …saves (the lock is advisory: the save re-checks the file itself)…
    locks.clean_empty(folder / "r.toml")  # …and quits
    assert precious.read_bytes() == PRECIOUS
    assert lpath.is_symlink() and os.readlink(lpath) == str(precious)


def test_symlinked_lock_file_in_signoff_cli(folder):
    precious = folder.parent / "precious.toml"
    (folder / ".r.toml.nianbao-lock").symlink_to(precious)
    r = run_cli("signoff", folder / "r.toml", "--decision", "rejected", "--reviewer", "甲")
    assert r.returncode == 0, r.stderr
    assert precious.read_bytes() == PRECIOUS


def test_hard_linked_or_foreign_lock_file_is_not_rewritten(folder):
    precious = folder.parent / "precious.toml"
    lpath = folder / ".r.toml.nianbao-lock"
    os.link(precious, lpath)
    assert locks.acquire(folder / "r.toml") is None
    assert "硬链接" in locks.problem(folder / "r.toml")
    assert precious.read_bytes() == PRECIOUS
    lpath.unlink()
    if os.geteuid() == 0:  # a file of somebody else's that is not a lock file: never truncated
        lpath.write_bytes(PRECIOUS)
        os.chown(lpath, 4321, 4321)
        assert locks.acquire(folder / "r.toml") is None
        assert lpath.read_bytes() == PRECIOUS


def test_fifo_as_lock_file_does_not_hang(folder):
    os.mkfifo(folder / ".r.toml.nianbao-lock")
    code = ("import sys; from tui.store import lock; from tui.store.document import EditableReport\n"
            "p = sys.argv[1]; print(lock.acquire(p), lock.holders(p), lock.problem(p))\n"
            "d = EditableReport.open(p); d.set('applications.new_received[0]', 7); print(d.try_save().ok)\n")
    env = dict(os.environ, PYTHONPATH=str(REPORTS.parent))
    r = subprocess.run([sys.executable, "-c", code, str(folder / "r.toml")], capture_output=True, text=True,
                       timeout=30, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["None [] 锁文件 " + str(folder / ".r.toml.nianbao-lock") + " 不是普通文件，已拒绝使用",
                                     "True"]


def test_full_disk_leaves_no_empty_lock_file(folder, monkeypatch):
    real_write = os.write

    def full(fd, data):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".nianbao-lock"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(locks.os, "write", full)
    assert locks.acquire(folder / "r.toml") is None
    assert _ours(folder) == []


def test_recovery_paths_planted_as_links_are_not_followed(folder, monkeypatch):
    precious = folder.parent / "precious.toml"
    path = folder / "r.toml"
    doc = _edited(path)
    target = recovery.recovery_path(path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.symlink(precious, target)
    os.symlink(precious, f"{target}.{os.getpid()}.tmp")  # the old fixed temporary name
    written = recovery.write(doc)
    assert written == target and not os.path.islink(target)
    assert precious.read_bytes() == PRECIOUS
    assert recovery.find(path).edits == [("applications.new_received[0]", 4242)]
    # a link planted as the recovery file is never read as one
    os.unlink(target)
    os.symlink(precious, target)
    assert recovery.find(path) is None
    recovery.discard(path)
    assert not os.path.lexists(target) and precious.read_bytes() == PRECIOUS


def test_state_folder_that_is_a_link_is_refused(folder, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "state-link"
    link.symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setattr(recovery, "recovery_dir", lambda: str(link))
    doc = _edited(folder / "r.toml")
    written = recovery.write(doc)  # falls back to beside the report, and says where
    assert written == recovery.beside_path(folder / "r.toml")
    assert os.listdir(elsewhere) == []
    assert recovery.find(folder / "r.toml").file == written
    recovery.discard(folder / "r.toml")
    assert not os.path.exists(written)


def test_temporary_file_name_taken_by_a_link(folder, monkeypatch):
    precious = folder.parent / "precious.toml"
    names = iter([".r.toml.nianbao-00000000-1-00000000.tmp"])
    real = atomic.temp_name
    (folder / ".r.toml.nianbao-00000000-1-00000000.tmp").symlink_to(precious)
    monkeypatch.setattr(atomic, "temp_name", lambda name: next(names, None) or real(name))
    doc = _edited(folder / "r.toml")
    assert doc.try_save().ok
    assert precious.read_bytes() == PRECIOUS


# -- stale temporaries (issue 10.7) ----------------------------------------------

def test_next_open_removes_only_our_stale_temporaries(folder):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = atomic._host_tag()
    stale = folder / f".r.toml.nianbao-{host}-{dead.pid}-0123abcd.tmp"
    stale.write_bytes(b"partial")
    live = folder / f".r.toml.nianbao-{host}-{os.getppid()}-0123abcd.tmp"  # a save in progress elsewhere
    live.write_bytes(b"partial")
    other_host = folder / f".r.toml.nianbao-ffffffff-{dead.pid}-0123abcd.tmp"
    other_host.write_bytes(b"partial")
    old = folder / f".x.toml.nianbao-ffffffff-{dead.pid}-00000000.tmp"
    old.write_bytes(b"partial")
    os.utime(old, (time.time() - 2 * atomic.STALE_AFTER,) * 2)
    link = folder / f".y.toml.nianbao-{host}-{dead.pid}-0123abcd.tmp"
    link.symlink_to(folder.parent / "precious.toml")
    foreign = folder / "r.toml.tmp"
    foreign.write_bytes(b"not ours")
    EditableReport.open(folder / "r.toml")
    assert not stale.exists() and not old.exists()
    assert live.exists() and other_host.exists() and link.is_symlink() and foreign.exists()


def test_lock_path_checks_do_not_truncate_a_damaged_lock_of_ours(folder):
    lpath = folder / ".r.toml.nianbao-lock"
    lpath.write_text("{not json")
    held = locks.acquire(folder / "r.toml")
    assert held is not None  # our own damaged lock file is rewritten
    assert json.loads(lpath.read_text())["holders"][0]["pid"] == os.getpid()
    held.release()
    assert not lpath.exists()


# -- exact comparison of edits (issue 10.7) ----------------------------------------

def test_same_data_compares_exact_representation():
    import datetime as dt

    from tui.store.document import same_data

    east = dt.datetime(2024, 1, 1, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    utc = dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.timezone.utc)
    assert east == utc and not same_data(east, utc)
    assert not same_data(0.0, -0.0) and not same_data({"a": [0.0]}, {"a": [-0.0]})
    assert same_data(float("nan"), float("nan")) and same_data(east, east) and same_data(-0.0, -0.0)


def test_set_keeps_a_change_of_sign_or_offset_the_user_asked_for(tmp_path):
    import datetime as dt

    path = tmp_path / "r.toml"
    raw = (REPORTS / "hongze-2023.toml").read_bytes().replace(
        b"[report]\n", b"[report]\npublished = 2024-01-01T18:00:00+08:00\n", 1)
    path.write_bytes(raw.replace(b"[active]\n", b"[active]\nratio = 0.0\n", 1))
    doc = EditableReport.open(path)
    utc = dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.timezone.utc)
    assert doc.set("report.published", utc) is True
    assert doc.set("active.ratio", -0.0) is True
    assert doc.set("active.ratio", -0.0) is False  # the same value again is no change
    doc.save()
    text = path.read_text("utf-8")
    assert "published = 2024-01-01T10:00:00+00:00" in text and "ratio = -0.0" in text
    assert doc.changes() == []


# -- the latest sign-off (issue 10.8) ----------------------------------------------

SIGNED = """
[[review.signoff]]
reviewer = "甲"
user = "r1"
decision = "{d1}"
at = {at1}
digest = "{digest}"

[[review.signoff]]
reviewer = "乙"
user = "r2"
decision = "{d2}"
at = {at2}
digest = "{digest}"
"""


def _with_signoffs(tmp_path, first, second):
    from tui.core.load import load_bytes

    raw = (REPORTS / "hongze-2023.toml").read_bytes()
    digest = load_bytes(raw, "x").digest
    (d1, at1), (d2, at2) = first, second
    path = tmp_path / "r.toml"
    path.write_bytes(raw + SIGNED.format(d1=d1, at1=at1, d2=d2, at2=at2, digest=digest).encode())
    return path


def test_moving_an_older_approval_after_a_newer_rejection_does_not_bring_it_back(tmp_path):
    from tui.core.review import latest_signoff

    old, new = ("approved", "2024-01-01T10:00:00+08:00"), ("rejected", "2024-01-02T10:00:00+08:00")
    path = _with_signoffs(tmp_path, new, old)  # the approval moved below the rejection
    r = run_cli("check", path, "--format", "json")
    assert json.loads(r.stdout)["reports"][0]["signoff"] == "rejected", r.stdout
    r = run_cli("verify", path)
    assert r.returncode == 1 and "已退回" in r.stdout + r.stderr
    # compared as instants: 10:00+08:00 is before 03:00Z of the same day
    from tui.core.load import load_path

    path = _with_signoffs(tmp_path, ("rejected", "2024-01-01T03:00:00Z"), ("approved", "2024-01-01T10:00:00+08:00"))
    assert latest_signoff(load_path(path, "x").data)["decision"] == "rejected"
    # equal instants: the last in the file
    path = _with_signoffs(tmp_path, ("rejected", "2024-01-01T02:00:00Z"), ("approved", "2024-01-01T10:00:00+08:00"))
    assert latest_signoff(load_path(path, "x").data)["decision"] == "approved"


# -- ssh-keygen, stale locks of other hosts (issue 10.7) --------------------------

def test_ssh_keygen_timeout_kills_its_whole_process_group(tmp_path, monkeypatch):
    from tui.store import sshsig

    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "ssh-keygen"
    fake.write_text(f"#!/bin/sh\nsleep 600 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sshsig, "find_ssh_keygen", lambda: str(fake))
    monkeypatch.setattr(sshsig, "TIMEOUT", 1)
    key = tmp_path / "key"
    key.write_text("not a key")
    with pytest.raises(sshsig.SignatureError, match="没有完成"):
        sshsig.sign("message", key)
    child = int(pidfile.read_text())
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as fh:
            if fh.read().split(") ")[1].startswith("Z"):
                break  # killed, waiting to be reaped by init
        time.sleep(0.05)
    else:
        os.kill(child, 9)
        pytest.fail("ssh-keygen's child outlived the timeout")


def _stale_lock_elsewhere(folder):
    (folder / ".r.toml.nianbao-lock").write_text(json.dumps({"version": 1, "holders": [
        {"user": "reviewer2", "host": "elsewhere", "pid": 1234, "started": "2020-01-02T10:31:00+08:00"}]}))


def test_signoff_with_a_stale_lock_from_another_host_can_be_forced_with_a_reason(folder):
    _stale_lock_elsewhere(folder)
    path = folder / "r.toml"
    r = run_cli("signoff", path, "--decision", "rejected", "--reviewer", "甲")
    assert r.returncode == 1
    assert "reviewer2@elsewhere" in r.stderr and "2020年1月2日" in r.stderr and "天" in r.stderr
    assert "--force" in r.stderr
    r = run_cli("signoff", path, "--decision", "rejected", "--reviewer", "甲", "--force", " ")
    assert r.returncode == 2
    r = run_cli("signoff", path, "--decision", "rejected", "--reviewer", "甲", "--note", "数字有误",
                "--force", "锁是旧服务器遗留的")
    assert r.returncode == 0, r.stderr
    import tomllib

    (record,) = tomllib.loads(path.read_text("utf-8"))["review"]["signoff"]
    assert record["note"].startswith("数字有误；强制签核：锁是旧服务器遗留的（当时编辑锁由 reviewer2@elsewhere")


# -- SIGHUP with an unwritable state folder (issue 10.7) ---------------------------

def test_recovery_falls_back_beside_the_report_when_the_state_folder_is_unwritable(folder, monkeypatch, tmp_path):
    state = tmp_path / "state"
    state.write_text("a file where the state folder should be")
    monkeypatch.setattr(recovery, "recovery_dir", lambda: str(state / "recovery"))
    doc = _edited(folder / "r.toml")
    written = recovery.write(doc)
    assert written == str(folder / ".r.toml.nianbao-recovery.json")
    found = recovery.find(folder / "r.toml")
    assert found.file == written and found.edits == [("applications.new_received[0]", 4242)]


def test_sighup_with_an_unwritable_state_folder_keeps_the_edits_beside_the_report(tmp_path):
    """The whole path: the workbench in a pty, an edit, SIGHUP, while the
    state folder cannot be created (a file is in its way)."""
    import signal as _signal

    from tests.test_hangup import drain, read_until, spawn

    report = tmp_path / "hongze-2023.toml"
    report.write_bytes((REPORTS / "hongze-2023.toml").read_bytes())
    state = tmp_path / "state"
    state.write_text("not a folder")
    proc, master = spawn(report, state)
    try:
        read_until(master, "行政复议".encode())
        drain(master, 0.5)
        seen = b""
        for key in (b"e", b"\x15", b"7", b"\r"):
            os.write(master, key)
            seen += drain(master, 0.4)
        if "已修改".encode() not in seen:
            read_until(master, "已修改".encode(), timeout=5)
        proc.send_signal(_signal.SIGHUP)  # (the pty stays open here, so what the app says can be read)
        said = read_until(master, ".nianbao-recovery.json".encode(), timeout=10)
        proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert "未保存的修改已写入恢复文件".encode() in said
    beside = tmp_path / ".hongze-2023.toml.nianbao-recovery.json"
    assert json.loads(beside.read_text("utf-8"))["edits"] == [["appeals.reconsideration[4]", 7]]
    assert report.read_bytes() == (REPORTS / "hongze-2023.toml").read_bytes()
    found = recovery.find(report)
    assert found is not None and found.file == str(beside)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to make a file of another user")
def test_a_recovery_file_planted_beside_the_report_by_someone_else_is_ignored(folder):
    doc = _edited(folder / "r.toml")
    planted = recovery.beside_path(folder / "r.toml")
    with open(planted, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "path": str(folder / "r.toml"), "base_sha256": doc.disk_state.sha256,
                   "edits": [["applications.new_received[0]", 999]]}, fh)
    os.chown(planted, 4321, 4321)
    assert recovery.find(folder / "r.toml") is None
    os.chown(planted, os.geteuid(), os.getegid())
    assert recovery.find(folder / "r.toml").edits == [("applications.new_received[0]", 999)]
