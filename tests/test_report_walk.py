"""The folder walk of `check` (os.scandir, no lstat per file) meets exactly
the files os.walk met: hidden folders skipped, links to folders not
followed, links to files kept (and counted once with their target)."""

import os

from tui.core.checker import _report_files, expand_paths, is_report_name, is_walked_folder


def _by_os_walk(top):
    out = set()
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if is_walked_folder(d)]
        for f in files:
            if is_report_name(f):
                path = os.path.join(root, f)
                out.add((path, os.path.islink(path)))
    return out


def test_walk_meets_what_os_walk_met(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "r1.toml").write_text("x = 1\n")
    (tmp_path / "a" / "b" / "r2.toml").write_text("x = 2\n")
    (tmp_path / ".hidden" / "r3.toml").write_text("x = 3\n")
    (tmp_path / "a" / ".r4.toml").write_text("x = 4\n")
    (tmp_path / "a" / "notes.txt").write_text("-\n")
    (tmp_path / "link.toml").symlink_to(tmp_path / "a" / "r1.toml")
    (tmp_path / "broken.toml").symlink_to(tmp_path / "missing.toml")
    (tmp_path / "folder-link").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "dir.toml").mkdir()  # a folder named like a report is walked, not read
    (tmp_path / "dir.toml" / "r5.toml").write_text("x = 5\n")
    os.mkfifo(tmp_path / "pipe.toml")
    got = set(_report_files(str(tmp_path)))
    assert got == _by_os_walk(str(tmp_path))
    assert (str(tmp_path / "link.toml"), True) in got and (str(tmp_path / "pipe.toml"), False) in got
    names = [p for p, _ in expand_paths([tmp_path])]
    assert str(tmp_path / "a" / "r1.toml") in names and str(tmp_path / "link.toml") not in names  # once


def test_an_unlistable_folder_is_skipped(tmp_path):
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "r.toml").write_text("x = 1\n")
    (tmp_path / "open.toml").write_text("x = 1\n")
    os.chmod(tmp_path / "closed", 0)
    try:
        got = {p for p, _ in _report_files(str(tmp_path))}
        assert got == {p for p, _ in _by_os_walk(str(tmp_path))}
    finally:
        os.chmod(tmp_path / "closed", 0o755)
