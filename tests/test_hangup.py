"""A dropped SSH session: the app in a real pty, an edit, then SIGHUP.

The process must exit within 2 s leaving a recovery file, the next start
must offer it back, and with SIGHUP ignored (nohup) a vanished terminal must
not leave the app spinning.
"""

import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import fcntl
import time

import pytest

from tests.conftest import REPO, REPORTS


def spawn(path, state_dir, ignore_hup=False):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", XDG_STATE_HOME=str(state_dir),
               PYTHONPATH=str(REPO), LANG="C.UTF-8")
    env.pop("NO_COLOR", None)

    def child_setup():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        if ignore_hup:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)

    proc = subprocess.Popen([sys.executable, "-m", "tui", str(path)], stdin=slave, stdout=slave, stderr=slave,
                            env=env, preexec_fn=child_setup, close_fds=True)
    os.close(slave)
    return proc, master


def read_until(master, needle, timeout=15.0):
    """Read the pty until `needle` (bytes) appears; returns everything read."""
    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if needle in seen:
                return seen
    raise AssertionError(f"{needle!r} did not appear; got {seen[-400:]!r}")


def drain(master, seconds):
    end = time.monotonic() + seconds
    seen = b""
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return seen


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    return path


def recovery_files(state_dir):
    folder = state_dir / "nianbao" / "recovery"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_sighup_saves_edits_to_recovery_and_next_start_offers_them(report, tmp_path):
    state = tmp_path / "state"
    proc, master = spawn(report, state)
    try:
        read_until(master, "行政复议".encode())
        drain(master, 0.5)
        seen = b""
        for key in (b"e", b"\x15", b"7", b"\r"):  # edit, ctrl+u, 7, enter
            os.write(master, key)
            seen += drain(master, 0.4)
        if "已修改".encode() not in seen:
            read_until(master, "已修改".encode(), timeout=5)
        start = time.monotonic()
        proc.send_signal(signal.SIGHUP)
        proc.wait(timeout=5)
        assert time.monotonic() - start < 2.0
        assert proc.returncode == 128 + signal.SIGHUP
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    files = recovery_files(state)
    assert len(files) == 1
    saved = json.loads(files[0].read_text(encoding="utf-8"))
    assert saved["edits"] == [["appeals.reconsideration[4]", 7]]
    assert report.read_bytes() == (REPORTS / "hongze-2023.toml").read_bytes()  # file untouched

    proc, master = spawn(report, state)
    try:
        read_until(master, "发现未保存的修改".encode())
        os.write(master, b"r")
        read_until(master, "已恢复".encode(), timeout=5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=5)
        assert proc.returncode == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert len(recovery_files(state)) == 1  # restored, unsaved, hung up again: kept


def test_terminal_gone_with_sighup_ignored_does_not_spin(report, tmp_path):
    proc, master = spawn(report, tmp_path / "state", ignore_hup=True)
    try:
        read_until(master, "行政复议".encode())
        drain(master, 0.3)
        os.close(master)  # the SSH connection drops: the terminal goes away
        master = None
        deadline = time.monotonic() + 5
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if proc.poll() is None:  # still alive: it must at least be idle
            before = cpu_seconds(proc.pid)
            time.sleep(1.0)
            assert cpu_seconds(proc.pid) - before < 0.3, "the orphaned app is spinning"
            pytest.fail("the app did not exit after its terminal went away")
    finally:
        if master is not None:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_hang_up_exits_even_when_saving_recovery_fails(report, monkeypatch):
    """A failure while writing recovery files (e.g. the code's folder vanished)
    must not leave the app running without its terminal."""
    from tui.app import app as app_module
    from tui.app.app import NianbaoApp
    from tui.app.screens.edit_actions import EditingMixin

    def broken(self):
        raise ImportError("the installation went away")

    timers = []

    class FakeTimer:
        def __init__(self, delay, fn, args=()):
            timers.append((delay, fn, args))
            self.daemon = False

        def start(self):
            pass

    monkeypatch.setattr(EditingMixin, "write_recovery", broken)
    monkeypatch.setattr(app_module.threading, "Timer", FakeTimer)
    app = NianbaoApp([str(report)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.hang_up(signal.SIGHUP)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGHUP
    # and a hard exit is armed in case the graceful one stalls on a dead terminal
    assert timers and timers[0][1] is os._exit and timers[0][2] == (128 + signal.SIGHUP,)


def test_value_typed_in_an_open_edit_dialog_goes_into_the_recovery_file(report, tmp_path):
    """Issue 10.7: SIGTERM while the edit dialog is open with a new value typed, not yet confirmed."""
    state = tmp_path / "state"
    proc, master = spawn(report, state)
    try:
        read_until(master, "行政复议".encode())
        drain(master, 0.5)
        for key in (b"e", b"\x15", b"9"):  # edit, ctrl+u, 9 -- and no Enter
            os.write(master, key)
            drain(master, 0.4)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=5)
        assert proc.returncode == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    files = recovery_files(state)
    assert len(files) == 1
    assert json.loads(files[0].read_text(encoding="utf-8"))["edits"] == [["appeals.reconsideration[4]", 9]]
    assert report.read_bytes() == (REPORTS / "hongze-2023.toml").read_bytes()


async def test_open_dialog_value_recovered_and_invalid_value_ignored(report, monkeypatch):
    from tui.app import app as app_module
    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import EditCellDialog
    from tui.store import recovery

    monkeypatch.setattr(app_module.threading, "Timer", lambda *a, **k: type("T", (), {"start": lambda s: None})())
    for typed, expected in (("12", [("appeals.reconsideration[4]", 12)]), ("x1", None)):
        recovery.discard(str(report))
        app = NianbaoApp([str(report)])
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("e", "ctrl+u", *typed)
            await pilot.pause()
            assert isinstance(app.screen, EditCellDialog)
            app.hang_up(signal.SIGTERM)
            await pilot.pause()
        found = recovery.find(str(report))
        assert (found.edits if found else None) == expected
