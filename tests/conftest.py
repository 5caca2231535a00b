"""Shared fixtures. Tests use the copies under reports/ and tests/conformance/,
never ../shared, so a fresh clone is self-contained."""

import datetime
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
REPORTS = REPO / "reports"
CONFORMANCE = REPO / "tests" / "conformance"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Keep config, state and recovery files of every test out of the real home."""
    base = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(base / var.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _nothing_stays_frozen():
    """A completed report list freezes the heap (tui.app.heap.settle): for the
    one app of a process that is right; for a test process that runs
    hundreds of apps it would keep each one's cyclic garbage."""
    yield
    import gc

    gc.unfreeze()


@pytest.fixture
def parsed_siblings(monkeypatch):
    """The names of the files tui.core.siblings parses, as it parses them."""
    from tui.core import siblings

    names, real = [], siblings.load_bytes

    def spy(raw, file):
        names.append(os.path.basename(file))
        return real(raw, file)

    monkeypatch.setattr(siblings, "load_bytes", spy)
    return names


@pytest.fixture
def finished_reports(monkeypatch):
    """The files tui.core.batch checks in this process (finish_all's reports), as it checks them."""
    from tui.core import batch

    files, real = [], batch.finish_all

    def spy(jobs):
        files.extend(report.file for report, _, _ in jobs)
        return real(jobs)

    monkeypatch.setattr(batch, "finish_all", spy)
    return files


def break_carry_over(path):
    """Make the report at `path` carry 3 applications forward (自然人 and 总计),
    which the next year's 上年结转 (0) then contradicts: yoy.carried-over."""
    path.write_text(path.read_text(encoding="utf-8").replace(
        "carried_forward = [0, 0, 0, 0, 0, 0, 0]", "carried_forward = [3, 0, 0, 0, 0, 0, 3]"), encoding="utf-8")


@pytest.fixture
def reports_copy(tmp_path):
    """A writable copy of reports/ (the four samples)."""
    dest = tmp_path / "reports"
    shutil.copytree(REPORTS, dest, ignore=shutil.ignore_patterns(".*"))  # no lock files
    return dest


@pytest.fixture
def in_reports_copy(tmp_path, monkeypatch):
    """Run in a temporary folder holding `reports/` (a copy), so relative paths
    look as in the repository and no test leaves lock files in the real one."""
    shutil.copytree(REPORTS, tmp_path / "reports", ignore=shutil.ignore_patterns(".*"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "reports"


async def settled(pilot):
    """The app's screen once it has opened what it was given (its workers done)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


def run_cli(*args, cwd=None, env=None, input=None, timeout=60):
    """Run `python -m tui ARGS` in a subprocess; returns CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "tui", *map(str, args)], cwd=cwd or REPO, env=full_env,
                          input=input, capture_output=True, text=True, timeout=timeout)


def spec_digest(data):
    """FORMAT.md §3 written out again from the text, independently of tui.core.digest."""
    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, (datetime.date, datetime.time)):
            return v.isoformat()
        return v

    body = plain({k: v for k, v in data.items() if k != "review"})
    c = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return "sha256:" + hashlib.sha256(c).hexdigest()
