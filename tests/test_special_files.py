"""Issue 10.5: FIFOs, devices and oversized files never hang or read without bound.

Every read path goes through tui.core.readfile.read_regular: a `*.toml` FIFO
(alone or in a folder), a `*.toml` symlink to /dev/zero and a FIFO as
`--allowed-signers` are refused with a Chinese message naming the file and
the exit status of FORMAT.md §4, in every command and in the workbench.
"""

import os
import shutil
import signal
import time

import pytest

from tests.conftest import REPORTS, run_cli
from tests.test_hangup import read_until, spawn
from tui.core.load import load_path
from tui.core.readfile import MAX_REPORT_BYTES, Unreadable, read_regular

GOOD = REPORTS / "lingwu-minzheng-2020.toml"
TIMEOUT = 30  # a hang fails the test instead of blocking the suite


@pytest.fixture
def folder(tmp_path):
    """A folder with one good report, a FIFO and a /dev/zero symlink named *.toml."""
    d = tmp_path / "shared"
    d.mkdir()
    shutil.copy(GOOD, d / "good.toml")
    os.mkfifo(d / "pipe.toml")
    os.symlink("/dev/zero", d / "zero.toml")
    return d


def test_read_regular_refuses_special_files(folder, tmp_path):
    for name, word in (("pipe.toml", "命名管道"), ("zero.toml", "字符设备")):
        with pytest.raises(Unreadable) as exc:
            read_regular(folder / name)
        assert word in exc.value.reason
    with pytest.raises(Unreadable, match="文件夹"):
        read_regular(folder)
    with pytest.raises(Unreadable, match="不存在") as exc:
        read_regular(folder / "missing.toml")
    assert exc.value.missing
    raw, st = read_regular(folder / "good.toml")
    assert raw == GOOD.read_bytes() and st.st_size == len(raw)


@pytest.mark.parametrize("size", [0, 1, 4095, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7])
def test_every_byte_is_read_at_any_size(tmp_path, size):
    """A read that comes back short at the size fstat gave ends the reading."""
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path = tmp_path / "r.toml"
    path.write_bytes(data)
    assert read_regular(path)[0] == data


def test_size_cap(tmp_path):
    big = tmp_path / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(MAX_REPORT_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(Unreadable, match="文件过大"):
        read_regular(big)
    loaded = load_path(big, "big.toml")
    assert "big.toml" in loaded.error and "文件过大" in loaded.error
    small = tmp_path / "small.toml"
    small.write_bytes(b"x" * 100)
    with pytest.raises(Unreadable, match="文件过大"):
        read_regular(small, limit=10)


def test_check_fifo_alone(folder):
    r = run_cli("check", folder / "pipe.toml", timeout=TIMEOUT)
    assert r.returncode == 2
    assert "pipe.toml" in r.stdout and "命名管道" in r.stdout
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_folder_with_fifo_and_dev_zero(folder, fmt):
    r = run_cli("check", "--format", fmt, folder, timeout=TIMEOUT)
    assert r.returncode == 2
    assert "pipe.toml" in r.stdout and "zero.toml" in r.stdout
    assert "灵武市民政局" in r.stdout  # the good report beside them is still checked
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("name", ["pipe.toml", "zero.toml"])
def test_verify_diff_signoff_refuse(folder, name):
    special = folder / name
    r = run_cli("verify", special, timeout=TIMEOUT)
    assert r.returncode == 2 and name in r.stderr and "不是普通文件" in r.stderr
    r = run_cli("diff", folder / "good.toml", special, timeout=TIMEOUT)
    assert r.returncode == 2 and name in r.stderr and "不是普通文件" in r.stderr
    r = run_cli("signoff", special, "--decision", "rejected", "--reviewer", "甲", timeout=TIMEOUT)
    assert r.returncode == 2 and name in r.stderr and "不是普通文件" in r.stderr
    assert "Traceback" not in r.stderr


def test_good_file_beside_special_files(folder):
    """verify/signoff read the other reports of the folder: the FIFO is skipped, not waited on."""
    r = run_cli("verify", folder / "good.toml", timeout=TIMEOUT)
    assert r.returncode == 1 and "未签核" in r.stdout
    r = run_cli("signoff", folder / "good.toml", "--decision", "rejected", "--reviewer", "甲", timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr


def test_allowed_signers_fifo(folder):
    os.mkfifo(folder / "signers")
    r = run_cli("verify", "--allowed-signers", folder / "signers", folder / "good.toml", timeout=TIMEOUT)
    assert r.returncode == 2 and "签名人名单" in r.stderr and "命名管道" in r.stderr


def test_allowed_signers_swapped_for_fifo_after_the_check(folder, monkeypatch):
    """sshsig.verify reads the signers once and gives ssh-keygen a private copy."""
    from tui.store import sshsig

    os.mkfifo(folder / "signers")
    ok, why = sshsig.verify("x", sshsig.ARMOR_BEGIN + "\nAAAA\n" + sshsig.ARMOR_END, folder / "signers", "u")
    assert not ok and ("命名管道" in why or "ssh-keygen" in why)


def test_config_fifo_does_not_hang(tmp_path, monkeypatch):
    from tui.config import load_config

    os.mkfifo(tmp_path / "config.toml")
    c = load_config(tmp_path / "config.toml")
    assert c.error and "命名管道" in c.error
    assert load_config(tmp_path / "absent.toml").error is None


async def test_workbench_folder_with_fifo(folder):
    import asyncio

    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(folder)])
    async with app.run_test(size=(100, 30)) as pilot:
        async def loaded():
            while "无法读取 2" not in str(app.screen.query_one("#list-title").render()):
                await pilot.pause(0.1)
        await asyncio.wait_for(loaded(), TIMEOUT)


async def test_workbench_opens_fifo_directly(folder):
    import asyncio

    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(folder / "pipe.toml")])
    async with app.run_test(size=(100, 30)) as pilot:
        async def refused():
            while not any("命名管道" in str(n.message) for n in app._notifications):
                await pilot.pause(0.1)
        await asyncio.wait_for(refused(), TIMEOUT)


@pytest.mark.parametrize("name", ["pipe.toml", "zero.toml", None])
def test_workbench_in_a_terminal_answers_sigterm(folder, tmp_path, name):
    """The real app in a pty, opening a FIFO, /dev/zero or the folder: it shows
    the refusal and SIGTERM ends it (before, it blocked in open() and ignored it)."""
    path = folder / name if name else folder
    proc, master = spawn(path, tmp_path / "state")
    try:
        read_until(master, "无法".encode(), timeout=TIMEOUT)
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is not None, "the workbench ignored SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
