"""The public conformance cases (FORMAT.md §2, §4), run two ways:

* the runner script against the real command line, in a subprocess, exactly
  as outside scripts run it;
* in process, one test per case, so a failure names the case and shows the
  difference: through the in-memory reference (tests/reference.py) and
  through the streaming batch that `check` runs (tui.core.batch), its worker
  processes forced on even for these small cases.

Only the copies under tests/conformance are used, never ../shared.
"""

import collections
import json
import pathlib
import shlex
import subprocess
import sys

import pytest

from tests.conftest import CONFORMANCE, REPO
from tests.reference import check_paths

CASES = sorted(p for p in CONFORMANCE.iterdir() if (p / "expected.json").exists())


def test_cases_present():
    # The runner prints "0 passed, 0 failed" for an empty folder; guard against
    # the copies going missing.
    assert len(CASES) == 14  # the 13 public cases and 14-claims-by-hand


def test_runner_against_command_line():
    cmd = f"{shlex.quote(sys.executable)} -m tui"
    proc = subprocess.run(
        [sys.executable, str(CONFORMANCE / "run_conformance.py"), "--cmd", cmd, str(CONFORMANCE)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert "14 passed, 0 failed" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 0


def _norm(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _key(file, rule, severity, first, f, values):
    # As the runner: expected, actual and accepted are compared in cases whose
    # expected.json has them (FORMAT.md §2, §5).
    k = (file, rule, severity, first)
    if values:
        k += (json.dumps(_norm(f.get("expected")), ensure_ascii=False),
              json.dumps(_norm(f.get("actual")), ensure_ascii=False), bool(f.get("accepted")))
    return k


def _expected(case):
    exp = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    values = any("expected" in f for f in exp["findings"])
    findings = collections.Counter(_key(f["file"], f["rule"], f["severity"], f["first"], f, values)
                                   for f in exp["findings"])
    return findings, sorted(exp["invalid"]), values


def _batch_result(case, jobs):
    """A CheckResult of what tui.core.batch gives for the case, as `check` runs it."""
    from tui.core.batch import run
    from tests.reference import CheckResult
    from tui.core.checker import expand_paths
    from tui.core.report import Invalid

    got = [r for _, r in run(expand_paths([case]), _checked, jobs=jobs)]
    return CheckResult([r for r in got if not isinstance(r, Invalid)], [r for r in got if isinstance(r, Invalid)])


def _checked(c):
    """batch.run's render: the Checked itself (pickled back whole; a test's few reports)."""
    return c


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("jobs", [1, 2])
def test_case_in_process(case, jobs, monkeypatch):
    want, want_invalid, values = _expected(case)
    if jobs == 1:
        result = check_paths([case])
    else:
        monkeypatch.setattr("tui.core.batch.PARALLEL_FROM", 1)  # the worker processes, even for a few files
        result = _batch_result(case, jobs)
    got = collections.Counter()
    for c in result.checked:
        for f in c.findings:
            got[_key(pathlib.Path(c.report.file).name, f.rule, f.severity, f.cells[0], f.to_json(), values)] += 1
    invalid = sorted(pathlib.Path(i.file).name for i in result.invalid)
    assert got == want, f"missing {sorted(want - got)}, unexpected {sorted(got - want)}"
    assert invalid == want_invalid
    want_status = 2 if want_invalid else (1 if any(k[2] == "error" and not (values and k[6]) for k in want) else 0)
    assert result.exit_status == want_status
