"""expand_paths: files and folders → each real file once, in input order
(the same answer as realpath() of every file, which it avoids for speed)."""

import os
import shutil

from tests.conftest import REPO
from tui.core.checker import expand_paths


def _reference(paths):
    out, seen = [], set()
    for p in map(str, paths):
        found = []
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += sorted(os.path.join(root, f) for f in files if f.endswith(".toml") and not f.startswith("."))
            found.sort()
        else:
            found = [p]
        for f in found:
            if os.path.realpath(f) not in seen:
                seen.add(os.path.realpath(f))
                out.append((f, f))
    return out


def test_links_and_repeats_count_once(tmp_path):
    a = tmp_path / "a"
    (a / "sub").mkdir(parents=True)
    for name in ("x.toml", "sub/y.toml"):
        shutil.copy(REPO / "reports" / "hongze-2023.toml", a / name)
    os.symlink("x.toml", a / "link-to-x.toml")  # the same file by another name
    os.symlink(a / "sub", tmp_path / "b")  # the same folder by another path
    os.symlink("missing.toml", a / "dangling.toml")
    (a / ".hidden.toml").write_text("", encoding="utf-8")
    paths = [a, tmp_path / "b", tmp_path / "b" / "y.toml", a / "x.toml", a / ".." / "a" / "sub"]
    got = expand_paths(paths)
    assert got == _reference(paths)
    assert [os.path.basename(p) for p, _ in got] == ["dangling.toml", "link-to-x.toml", "y.toml"]
