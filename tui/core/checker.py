"""Which files a check covers, and the check of reports held in memory.

`expand_paths` turns the paths given into the report files to check, for
`nianbao check` and `opinion`, and the workbench's list. Those many files are
checked by tui.core.batch, which streams them and never holds them all;
`check_reports` checks the few reports the workbench holds (a report and the
others of its folder, a compared pair), with the same rules and pairing.
"""

import os

from tui.core.findings import sort_key
from tui.core.review import NONE, latest_signoff, mark_accepted, signoff_state
from tui.core.rules import check_report
# tui.core.yoy is imported where reports are paired: `check` of one file never
# needs it (nor tui.core.similarity, which it imports).


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


def completed(found, jobs):
    """The Checked of each (report, previous year's report or None, duplicate
    findings) of `jobs`, given its single-report findings in `found` (lists,
    extended in place): the duplicate and year-over-year findings added,
    acceptance marked, sorted, the sign-off state. A stage at a time over all
    of them (a batch worker's chunk keeps the interpreter's caches warm)."""
    for findings, (_, _, duplicates) in zip(found, jobs):
        findings += duplicates
    if any(previous is not None for _, previous, _ in jobs):
        from tui.core.yoy import check_pair

        for findings, (report, previous, _) in zip(found, jobs):
            if previous is not None:
                findings += check_pair(report, previous)
    out = []
    for findings, (report, previous, _) in zip(found, jobs):
        mark_accepted(findings, report.data)
        findings.sort(key=sort_key)
        # The digest is needed for the sign-off state only when there is a
        # sign-off; text output of unsigned reports then never loads hashlib.
        state = signoff_state(report.data, report.digest) if latest_signoff(report.data) is not None else NONE
        out.append(Checked(report, findings, state, previous))
    return out


def check_loaded(loaded):
    """[(Report, single-report findings)] → [Checked]: pairing, yoy, acceptance,
    sign-off; in this process, for the few reports the workbench holds (a
    report and the others of its folder, or a compared pair). Batches of
    files go through tui.core.batch, which never holds them all."""
    from tui.core.yoy import pair_reports

    previous, duplicates = pair_reports([r for r, _ in loaded])
    return completed([list(findings) for _, findings in loaded],
                     [(r, previous.get(id(r)), duplicates.get(id(r), ())) for r, _ in loaded])


def check_reports(reports):
    """Check Report objects already in memory (the workbench's path)."""
    return check_loaded([(r, check_report(r)) for r in reports])
