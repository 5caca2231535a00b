"""Check a set of files: load, run the rules, pair years, apply review records.

This is what `nianbao check` and the workbench's report list both call.
Loading and single-report rules run in worker processes when there are many
files (they are independent); pairing needs every report and runs after.
"""

import os

from tui.core.findings import sort_key
from tui.core.load import load_path
from tui.core.report import Invalid
from tui.core.review import mark_accepted, signoff_state
from tui.core.rules import check_report
from tui.core.yoy import check_pair, pair_reports

PARALLEL_FROM = 48  # below this, starting workers costs more than it saves


class Checked:
    """A report with its findings (accepted ones marked) and sign-off state."""

    __slots__ = ("report", "findings", "signoff", "previous")

    def __init__(self, report, findings, signoff, previous=None):
        self.report = report
        self.findings = findings
        self.signoff = signoff
        self.previous = previous  # the paired report of year - 1, if any

    @property
    def errors(self):
        return sum(1 for f in self.findings if f.blocking)

    @property
    def warnings(self):
        return sum(1 for f in self.findings if f.severity == "warning" and not f.accepted)

    def to_json(self):
        r = self.report
        return {"file": r.file, "agency": r.agency, "year": r.year, "form": r.form.id,
                "digest": r.digest, "signoff": self.signoff,
                "findings": [f.to_json() for f in self.findings]}


class CheckResult:
    def __init__(self, checked, invalid):
        self.checked = checked
        self.invalid = invalid

    @property
    def exit_status(self):
        if self.invalid:
            return 2
        return 1 if any(f.blocking for c in self.checked for f in c.findings) else 0

    def to_json(self):
        return {"reports": [c.to_json() for c in self.checked],
                "invalid": [i.to_json() for i in self.invalid]}


def expand_paths(paths):
    """Files and folders (recursively, `*.toml`) → [(path, display name)], input order, no repeats."""
    out, seen = [], set()

    def add(path, display):
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append((path, display))

    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in files if f.endswith(".toml") and not f.startswith("."))
            for f in sorted(found):
                add(f, f)
        else:
            add(p, p)
    return out


def _load_one(item):
    path, display = item
    loaded = load_path(path, display)
    if isinstance(loaded, Invalid):
        return loaded, None
    findings = check_report(loaded)
    loaded.digest  # computed here, in the worker
    return loaded, findings


def _load_all(items, jobs):
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs > 1 and len(items) >= PARALLEL_FROM:
        import multiprocessing

        ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        chunk = max(8, len(items) // (jobs * 8))
        with ctx.Pool(jobs) as pool:
            return pool.map(_load_one, items, chunksize=chunk)
    return [_load_one(i) for i in items]


def check_loaded(loaded):
    """[(Report, single-report findings)] → [Checked]: pairing, yoy, acceptance, sign-off."""
    reports = [r for r, _ in loaded]
    previous, duplicates = pair_reports(reports)
    checked = []
    for report, findings in loaded:
        findings = list(findings) + duplicates.get(id(report), [])
        prev = previous.get(id(report))
        if prev is not None:
            findings.extend(check_pair(report, prev))
        mark_accepted(findings, report.data)
        findings.sort(key=sort_key)
        checked.append(Checked(report, findings, signoff_state(report.data, report.digest), prev))
    return checked


def check_reports(reports):
    """Check Report objects already in memory (the workbench's path)."""
    return check_loaded([(r, check_report(r)) for r in reports])


def check_paths(paths, jobs=None):
    results = _load_all(expand_paths(paths), jobs)
    invalid = [r for r, f in results if f is None]
    return CheckResult(check_loaded([(r, f) for r, f in results if f is not None]), invalid)
