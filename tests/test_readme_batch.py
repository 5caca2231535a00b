"""The README's shell loops for splitting a national batch run as written.

They are copied from the README (the indented blocks after "Pairing needs"),
with `nianbao` and `ssh` replaced on PATH by shims: `nianbao` runs this
checkout's `python -m tui`, `ssh HOST CMD` runs CMD here. A folder of
reports with errors and one without must give exit status 1, and every
host's output must be a JSON document of its folders' reports (a host given
no folder must not check ./reports instead).
"""

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from tests.conftest import REPO, REPORTS

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _blocks():
    """The two indented shell blocks of the README's batch-splitting note."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("Pairing needs an agency's consecutive years"):]
    blocks, current = [], []
    for line in section.splitlines():
        if line.startswith("    "):
            current.append(line[4:])
        elif current and line.strip():
            blocks.append("\n".join(current))
            current = []
            if len(blocks) == 2:
                break
    return blocks


def _shim(folder, name, body):
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def batch(tmp_path):
    for name, report in (("a", "hongze-2023.toml"), ("b", "huaian-2024.toml")):
        (tmp_path / "batch" / name).mkdir(parents=True)
        shutil.copy(REPORTS / report, tmp_path / "batch" / name)
    (tmp_path / "out").mkdir()
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    _shim(bin_, "nianbao", f'exec "{sys.executable}" -m tui "$@"')
    _shim(bin_, "ssh", 'shift; exec bash -c "$*"')
    env = dict(os.environ, PATH=f"{bin_}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(REPO), NO_COLOR="1")
    return tmp_path, env


def _run(block, cwd, env):
    return subprocess.run(["bash", "-c", block], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _files(path):
    return sorted(os.path.basename(r["file"]) for r in json.loads(path.read_text(encoding="utf-8"))["reports"])


def test_the_readme_has_both_loops():
    loop, hosts = _blocks()
    assert "for dir in batch/*/" in loop and "hosts=(" in hosts


def test_one_run_per_folder_keeps_the_highest_exit_status(batch):
    folder, env = batch
    done = _run(_blocks()[0], folder, env)
    assert done.returncode == 1, done.stderr  # hongze-2023 has errors, huaian-2024 none
    assert _files(folder / "out" / "a.json") == ["hongze-2023.toml"]
    assert _files(folder / "out" / "b.json") == ["huaian-2024.toml"]


def test_one_list_of_folders_per_host(batch):
    folder, env = batch
    done = _run(_blocks()[1], folder, env)
    assert done.returncode == 1, done.stderr
    outputs = sorted((folder / "out").iterdir())
    assert [p.name for p in outputs] == ["h2.json", "h3.json"]  # four hosts, two folders
    assert sorted(f for p in outputs for f in _files(p)) == ["hongze-2023.toml", "huaian-2024.toml"]
