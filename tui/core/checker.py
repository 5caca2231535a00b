"""Check a set of files: load, run the rules, pair years, apply review records.

This is what `nianbao check` and the workbench's report list both call.
Loading and single-report rules run in worker processes when there are many
files (they are independent); pairing needs every report and runs after.
"""

import os

from tui.core.findings import sort_key
from tui.core.load import load_path
from tui.core.report import Invalid
from tui.core.review import NONE, latest_signoff, mark_accepted, signoff_state
from tui.core.rules import check_report
# tui.core.yoy is imported where reports are paired: `check` of one file never
# needs it (nor tui.core.similarity, which it imports).

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
        if self.invalid or not self.checked:  # FORMAT.md §4: 2 if no report was found
            return 2
        return 1 if any(f.blocking for c in self.checked for f in c.findings) else 0

    def to_json(self):
        return {"reports": [c.to_json() for c in self.checked],
                "invalid": [i.to_json() for i in self.invalid]}


def is_report_name(name):
    """Whether a file met in a folder is a report to check: `*.toml`, not hidden."""
    return name.endswith(".toml") and not name.startswith(".")


def is_walked_folder(name):
    """Whether a folder met in a folder is searched for reports: not hidden."""
    return not name.startswith(".")


def _report_files(top):
    """(path, is a symbolic link) of every report file under the folder `top`,
    as os.walk would meet them (links to folders not followed, unlistable
    folders skipped), in no particular order. From os.scandir's entries,
    whose type the directory listing already gave: no lstat per file (a
    system call for each of 100,000 files while the workers wait)."""
    folders = [top]
    while folders:
        try:
            listing = os.scandir(folders.pop())
        except OSError:
            continue
        with listing:
            while True:
                try:
                    entry = next(listing)
                except StopIteration:
                    break
                except OSError:  # the folder went away while listed: what was met stands
                    break
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if is_walked_folder(entry.name) and not _is_link(entry):
                        folders.append(entry.path)
                elif is_report_name(entry.name):
                    yield entry.path, _is_link(entry)


def _is_link(entry):
    try:
        return entry.is_symlink()  # from the listing; an lstat only where it gave no type
    except OSError:  # as os.path.islink
        return False


class SamePaths:
    """[(path, path) for path in paths], read-only, without a tuple held per
    file: the file list of a national batch stays in `check`'s parent for the
    whole run (100,000 tuples were 6 MB of it)."""

    __slots__ = ("paths",)

    def __init__(self, paths):
        self.paths = paths

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [(p, p) for p in self.paths[i]]
        p = self.paths[i]
        return p, p

    def __iter__(self):
        return ((p, p) for p in self.paths)


def expand_paths(paths, compact=False):
    """Files and folders (recursively, `*.toml`) → [(path, display name)], input order, no repeats
    (a file reached twice, by a link or another path, counts once). `compact`:
    one folder without links comes as a SamePaths (a sequence, not a list)."""
    paths = [str(p) for p in paths]
    out, seen = [], set()

    def add(path, key):
        if key not in seen:
            seen.add(key)
            out.append((path, path))

    for p in paths:
        if not os.path.isdir(p):
            add(p, os.path.realpath(p))
            continue
        found, links, real_of = [], {}, {}
        for path, is_link in _report_files(p):
            found.append(path)
            if is_link:
                links[path] = os.path.realpath(path)
        found.sort()
        if len(paths) == 1 and not links:
            if compact:
                return SamePaths(found)
            # One folder and no links: every file is met once. No set of
            # real paths (100,000 of them were most of the parent's memory).
            out.extend((f, f) for f in found)
            continue
        for f in found:
            key = links.get(f)
            if key is None:
                # realpath() of every file costs a system call per folder on
                # its path: a file that is no link is its real folder's entry.
                root, name = os.path.split(f)
                real = real_of.get(root)
                if real is None:
                    real = real_of[root] = os.path.realpath(root)
                key = os.path.join(real, name)
            add(f, key)
    return out


def _load_one(item):
    path, display = item
    loaded = load_path(path, display)
    if isinstance(loaded, Invalid):
        return loaded, None
    return loaded, check_report(loaded)


def _load_one_in_worker(item):
    loaded, findings = _load_one(item)
    if findings is not None:
        loaded.digest  # computed in the worker, not in the parent after the pool
    return loaded, findings


def _jobs(jobs):
    return (os.cpu_count() or 1) if jobs is None else jobs


def _pool(jobs, start_method="fork"):
    from tui.core.batch import pool  # workers that die with this process

    return pool(jobs, start_method)


def iter_loaded(items, jobs=None, start_method="fork"):
    """Yield (Report or Invalid, findings or None) for each item, in order, as they
    are ready: in worker processes when there are many, so a caller can show
    progress. A caller with threads (the workbench) passes start_method="spawn",
    since forking a threaded process can deadlock the child."""
    jobs = _jobs(jobs)
    if jobs > 1 and len(items) >= PARALLEL_FROM:
        chunk = max(8, len(items) // (jobs * 8))
        with _pool(jobs, start_method) as pool:
            yield from pool.imap(_load_one_in_worker, items, chunksize=chunk)
    else:
        for item in items:
            yield _load_one(item)


def _load_all(items, jobs):
    return list(iter_loaded(items, jobs))


# The year-over-year rules compare texts (yoy.text-copied), which costs about
# as much as the single-report rules. With many pairs they run in forked
# workers too: the pairs are left in this global before the fork, so the
# workers inherit the reports instead of receiving them pickled, and only the
# findings travel back.
_PAIRS = None


def _pair_range(bounds):
    from tui.core.yoy import check_pair

    lo, hi = bounds
    return [check_pair(report, prev) for report, prev in _PAIRS[lo:hi]]


def _check_pairs(pairs, jobs):
    """[(report, previous report)] → [findings of check_pair], in order."""
    global _PAIRS
    from tui.core.yoy import check_pair

    jobs = _jobs(jobs)
    if jobs > 1 and len(pairs) >= PARALLEL_FROM and hasattr(os, "fork"):
        step = max(8, len(pairs) // (jobs * 4))
        bounds = [(lo, min(lo + step, len(pairs))) for lo in range(0, len(pairs), step)]
        _PAIRS = pairs
        try:
            with _pool(jobs) as pool:
                parts = pool.map(_pair_range, bounds, chunksize=1)
        finally:
            _PAIRS = None
        return [found for part in parts for found in part]
    return [check_pair(report, prev) for report, prev in pairs]


def check_loaded(loaded, jobs=1):
    """[(Report, single-report findings)] → [Checked]: pairing, yoy, acceptance, sign-off."""
    from tui.core.yoy import pair_reports

    reports = [r for r, _ in loaded]
    previous, duplicates = pair_reports(reports)
    pairs = [(r, previous[id(r)]) for r in reports if id(r) in previous]
    pair_findings = dict(zip((id(r) for r, _ in pairs), _check_pairs(pairs, jobs)))
    checked = []
    for report, findings in loaded:
        findings = list(findings) + duplicates.get(id(report), []) + pair_findings.get(id(report), [])
        mark_accepted(findings, report.data)
        findings.sort(key=sort_key)
        # The digest is needed for the sign-off state only when there is a
        # sign-off; text output of unsigned reports then never loads hashlib.
        state = signoff_state(report.data, report.digest) if latest_signoff(report.data) is not None else NONE
        checked.append(Checked(report, findings, state, previous.get(id(report))))
    return checked


def check_reports(reports):
    """Check Report objects already in memory (the workbench's path)."""
    return check_loaded([(r, check_report(r)) for r in reports])


def check_paths(paths, jobs=None):
    results = _load_all(expand_paths(paths), jobs)
    invalid = [r for r, f in results if f is None]
    return CheckResult(check_loaded([(r, f) for r, f in results if f is not None], jobs), invalid)
