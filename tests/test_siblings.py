"""Siblings of issue 10's defects found while attacking: each was a crash, a
hang or live text before."""

import os
import shutil

import pytest

from tests.conftest import REPORTS, run_cli

LINGWU = REPORTS / "lingwu-minzheng-2020.toml"


def test_nul_in_signoff_user_with_allowed_signers(tmp_path):
    """user = "a\\u0000b": subprocess raised ValueError (embedded null byte) from verify."""
    from tui.store import sshsig

    if sshsig.find_ssh_keygen() is None:
        pytest.skip("no ssh-keygen")
    signers = tmp_path / "signers"
    signers.write_text("a ssh-ed25519 AAAA\n", encoding="utf-8")
    sig = sshsig.ARMOR_BEGIN + "\nAAAA\n" + sshsig.ARMOR_END
    ok, why = sshsig.verify("x", sig, signers, "a\x00b")
    assert not ok and "a␀b" in why


def test_category_key_with_controls_is_inert_in_check(tmp_path):
    text = LINGWU.read_text(encoding="utf-8")
    old = 'categories = { "社会救助事项" = 81,'
    assert old in text
    bad = tmp_path / "cat.toml"
    bad.write_text(text.replace(old, 'categories = { "\\u001b[2J\\n假" = "x", "[/x]" = 0, "社会救助事项" = 81,'),
                   encoding="utf-8")
    r = run_cli("check", bad)
    assert r.returncode == 1 and "\x1b" not in r.stdout
    assert 'active.summary.categories."␛[2J␊假"' in r.stdout


def test_symlink_loop_and_folder_named_toml(tmp_path):
    os.symlink("loop.toml", tmp_path / "loop.toml")
    r = run_cli("check", tmp_path / "loop.toml")
    assert r.returncode == 2 and "符号链接循环" in r.stdout
    (tmp_path / "dir.toml").mkdir()
    r = run_cli("diff", LINGWU, tmp_path / "dir.toml")
    assert r.returncode == 2 and "文件夹" in r.stderr


def test_sign_key_fifo(tmp_path):
    shutil.copy(LINGWU, tmp_path / "r.toml")
    os.mkfifo(tmp_path / "key")
    r = run_cli("signoff", tmp_path / "r.toml", "--decision", "rejected", "--reviewer", "甲",
                "--sign", tmp_path / "key", timeout=60)
    assert r.returncode == 2 and "命名管道" in r.stderr


def test_json_with_undecodable_file_name(tmp_path):
    """A UTF-8 stdout could not encode the name's lone surrogate: UnicodeEncodeError."""
    import json

    raw = os.fsencode(str(tmp_path)) + b"/bad\xff.toml"
    with open(raw, "wb") as fh:
        fh.write(LINGWU.read_bytes())
    env = {"PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"}
    r = run_cli("check", "--format", "json", tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert os.fsencode(doc["reports"][0]["file"]) == raw
    for args in (("check", tmp_path), ("verify", os.fsdecode(raw)), ("diff", LINGWU, os.fsdecode(raw))):
        r = run_cli(*args, env=env)
        assert "Traceback" not in r.stderr and "\\udcff" in r.stdout + r.stderr


async def test_thousands_of_text_keys_do_not_drown_the_workbench(tmp_path):
    """300,000 [text] keys (9 MB) built 300,000 widgets: over a minute and 1.4 GB."""
    from tui.app.app import NianbaoApp
    from tui.app.layout import MAX_EXTRA_TEXT_BLOCKS
    from tui.app.widgets.narrative import NarrativeBlock

    text = LINGWU.read_text(encoding="utf-8")
    keys = "".join(f'k{i} = "第 {i} 段"\n' for i in range(2000))
    bad = tmp_path / "many.toml"
    bad.write_text(text.replace("[text]\n", "[text]\n" + keys, 1), encoding="utf-8")
    app = NianbaoApp([str(bad)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(app.screen.query(NarrativeBlock)) == 3 + MAX_EXTRA_TEXT_BLOCKS
        assert any("另有 1950 个未显示" in n.message for n in app._notifications)
