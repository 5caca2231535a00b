"""The layering contracts in pyproject.toml catch the imports they forbid.

`lint-imports` runs on the real tree in the README's test command; here it runs
on a throw-away copy of the package with deliberately wrong imports, to prove
the contracts are not vacuous.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
LINT_IMPORTS = shutil.which("lint-imports", path=os.path.dirname(sys.executable)) or shutil.which("lint-imports")


def _lint_copy(tmp_path, edits):
    shutil.copytree(REPO / "tui", tmp_path / "tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for rel, line in edits.items():
        with open(tmp_path / rel, "a", encoding="utf-8") as fh:
            fh.write("\n" + line + "\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))  # the copy, not the installed package
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed")
def test_wrong_imports_break_the_contracts(tmp_path):
    clean = _lint_copy(tmp_path / "clean", {})
    assert clean.returncode == 0, clean.stdout + clean.stderr
    bad = _lint_copy(tmp_path / "bad", {
        "tui/core/address.py": "import textual  # a widget toolkit in the pure core",
        "tui/core/digest.py": "from tui.store import atomic  # core reaching up into store",
        "tui/store/lock.py": "from tui.app import actions  # store reaching up into the app",
    })
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0, out
    assert "tui.core.address -> textual" in out
    assert "tui.core.digest -> tui.store.atomic" in out
    assert "tui.store.lock -> tui.app.actions" in out
    # The two above break, and so does "the importer is headless" (issue 11),
    # through the chain these wrong imports open (importer → core → store);
    # the readers contract stays kept (nothing here loads lxml).
    assert "1 kept, 3 broken" in out


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [ln.strip() for ln in readme.splitlines() if "pip install -e '.[test]'" in ln]
    assert len(commands) == 1, commands
    assert "ruff check ." in commands[0] and "lint-imports" in commands[0]
    assert commands[0] in ci.splitlines()
