"""Checking and re-stat-ing a folder for the report list, without Textual.

The list screen (tui.app.screens.report_list) runs these in worker threads:
`check_into` streams a batch check (tui.core.batch, worker processes) into
small list updates, `stat_folder` finds the files changed on disk since the
last look, `apply_changes` folds a batch's results into the list's entries.
"""

import os
import time

from tui.app.listmodel import CHECKED, INVALID, row_of
from tui.core.checker import is_report_name, is_walked_folder

UPDATE_EVERY = 0.25  # seconds between list updates while checking
STAT_EVERY = 3.0  # seconds between stats of the folder (longer when a stat takes long: see refresh_if_changed)
RECHECK_ALL_FROM = 0.2  # this share of the files changed: check them all again (one pool) instead of some


def _chain(first, rest):
    if first is not None:
        yield first
        yield from rest


class _real_stderr:
    """multiprocessing hands sys.stderr's descriptor to its helper process;
    Textual's captured stderr has none (-1), so use the real one meanwhile."""

    def __enter__(self):
        import sys

        self.saved = sys.stderr
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__

    def __exit__(self, *exc):
        import sys

        sys.stderr = self.saved
        return False


def stat_items(items):
    """{display: (mtime_ns, size) or None} of [(path, display)]: a cheap
    fingerprint telling which files must be checked again (issue 13.1)."""
    out = {}
    stat = os.stat
    for path, display in items:
        try:
            st = stat(path)
        except OSError:
            out[display] = None
            continue
        out[display] = (st.st_mtime_ns, st.st_size)
    return out


def stat_folder(paths):
    """{display: (mtime_ns, size) or None} of the files expand_paths lists
    under paths, cheaper: one scandir walk and one stat per file, no
    realpath (expand_paths's duplicate test). Where the two could differ
    (links), the caller compares the names with the last check's and asks
    expand_paths when they differ."""
    out = {}

    def walk(top):
        try:
            with os.scandir(top) as it:
                found = list(it)
        except OSError:
            return
        dirs = []
        for e in found:
            name = e.name
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if is_walked_folder(name) and not e.is_symlink():
                    dirs.append(e.path)
            elif is_report_name(name):
                try:
                    st = e.stat()
                    out[e.path] = (st.st_mtime_ns, st.st_size)
                except OSError:
                    out[e.path] = None
        for d in sorted(dirs):
            walk(d)

    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            walk(p)
        else:
            out.update(stat_items([(p, p)]))
    return out


# Files are identified fast (tens of thousands a second): an update of the
# list can bring ~10,000 results, ~0.1 s to apply at once. The list applies
# them a slice per turn of the interface thread, so a key waits for one.
APPLY_SLICE = 2000


def in_slices(changes):
    """`changes` cut into lists of at most APPLY_SLICE (at least one list)."""
    return [changes[i:i + APPLY_SLICE] for i in range(0, len(changes), APPLY_SLICE)] or [[]]


class Stop(Exception):
    """Raised by a check's update callback to end that check (a newer one replaced it)."""


def check_into(items, update, jobs=None, every=None):
    """Check [(path, display)]; call update(changes, done, total) every
    UPDATE_EVERY seconds, or every() seconds (and at the end) with [(index,
    Ident or row or Invalid)] since the last call. done/total count both
    steps (identify, check)."""
    from tui.core.batch import run

    total = 2 * len(items)
    changes, done, last = [], 0, time.monotonic()

    def add(i, got):
        nonlocal done, last
        changes.append((i, got))
        done += 1
        now = time.monotonic()
        if now - last >= (every() if every else UPDATE_EVERY):
            update(changes[:], done, total)
            changes.clear()
            last = now

    # Worker processes (spawned: this process has threads) parse and check,
    # so the UI thread keeps the interpreter to itself and stays responsive.
    results = run(items, row_of, jobs=jobs, start_method="spawn", on_ident=add)
    with _real_stderr():  # the pool starts on the first result
        first = next(results, None)
    for i, got in _chain(first, results):
        add(i, got)  # an unreadable file comes twice (identify, then here): counted as both steps
    update(changes, total, total)


def apply_changes(entries, changes):
    from tui.core.batch import Ident
    from tui.core.report import Invalid

    for i, got in changes:
        e = entries[i]
        if isinstance(got, Invalid):
            if e.state != INVALID or e.invalid.error != got.error:
                e.failed(got)
        elif isinstance(got, Ident):
            if e.state not in (INVALID, CHECKED):  # a row checked before keeps its counts until the new ones
                e.identified(got.agency, got.year)
        else:
            e.checked_as(got)


def _keep(checked):
    return checked


BIG_FILE = 256 * 1024  # bytes: a report this big opens for comparison in a worker


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
