"""Checking many files in bounded memory, on every core.

`nianbao check` and the workbench's report list run through `run()`:

1. identify: workers load each file and send back only its identity
   (agency, year) or why it is unreadable — the small per-report index;
2. the parent pairs years and finds duplicates on that index alone;
3. finish: workers load each report again (and its previous year's, from a
   small cache: files of one agency are usually neighbours), run the
   single-report and year-over-year rules, mark accepted findings, compute
   the sign-off state, and send back only what the caller's `render`
   makes of the result (a block of text, a JSON fragment, a list row).

The parent never holds a report's data: its memory is the index, whatever
the number of files; each worker holds a few reports at a time. Results come
back in input order, so output streams as it is made.

Workers die with their parent (`die_with_parent`): on Linux the kernel kills
them when it exits (PR_SET_PDEATHSIG), elsewhere a watchdog thread notices
the parent is gone. So a killed or hung-up parent never leaves orphans that
go on reading files.
"""

import os
import sys
from collections import OrderedDict

from tui.core.checker import Checked
from tui.core.findings import sort_key
from tui.core.load import load_path
from tui.core.report import Invalid
from tui.core.review import NONE, latest_signoff, mark_accepted, signoff_state
from tui.core.rules import check_report
from tui.core.yoy import check_pair, pair_reports

PARALLEL_FROM = 48  # below this, starting workers costs more than it saves
CACHE = 8  # reports kept by a worker (a report and its previous year's)


# ------------------------------------------------------------------ workers

def _watch_parent(ppid, interval=0.5):
    import time

    while True:
        if os.getppid() != ppid:
            os._exit(1)
        time.sleep(interval)


def die_with_parent(ppid):
    """Pool initializer: end this worker when the process `ppid` ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != ppid:  # the parent died before the line above ran
        os._exit(1)
    import threading

    threading.Thread(target=_watch_parent, args=(ppid,), name="watch-parent", daemon=True).start()


def pool(jobs, start_method="fork"):
    """A multiprocessing pool whose workers die with this process."""
    import multiprocessing

    return multiprocessing.get_context(start_method).Pool(jobs, initializer=die_with_parent,
                                                          initargs=(os.getpid(),))


def jobs_for(jobs):
    return (os.cpu_count() or 1) if jobs is None else max(1, jobs)


# ------------------------------------------------------------ the two steps

class Ident:
    """The index entry of a readable report: what pairing needs."""

    __slots__ = ("file", "agency", "year")

    def __init__(self, file, agency, year):
        self.file = file
        self.agency = agency
        self.year = year


_cache = OrderedDict()


def _load(path, display):
    key = (path, display)
    found = _cache.get(key)
    if found is None:
        found = load_path(path, display)
        _cache[key] = found
        if len(_cache) > CACHE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return found


def _identify(item):
    loaded = _load(*item)
    if isinstance(loaded, Invalid):
        return loaded
    return loaded.agency, loaded.year


def finish(report, previous=None, duplicates=()):
    """Every rule on one report (and its previous year's): a Checked."""
    findings = check_report(report) + list(duplicates)
    if previous is not None:
        findings += check_pair(report, previous)
    mark_accepted(findings, report.data)
    findings.sort(key=sort_key)
    state = signoff_state(report.data, report.digest) if latest_signoff(report.data) is not None else NONE
    return Checked(report, findings, state, previous)


def _finish(task):
    item, prev_item, duplicates, render = task
    report = _load(*item)
    if isinstance(report, Invalid):  # changed since it was identified
        return report
    previous = None
    if prev_item is not None:
        previous = _load(*prev_item)
        if isinstance(previous, Invalid):
            previous = None
    return render(finish(report, previous, duplicates))


def _map(pool_, fn, tasks, jobs):
    if pool_ is None:
        return map(fn, tasks)
    # Chunks of neighbouring files: an agency's years usually fall into one
    # chunk, so the previous year's report comes from the worker's cache.
    chunk = max(8, min(128, len(tasks) // (jobs * 16) or 1))
    return pool_.imap(fn, tasks, chunksize=chunk)


def run(items, render, jobs=None, start_method="fork", on_ident=None):
    """Check [(path, display)] and yield, in input order, for every file:
    (index, render(Checked)) or (index, Invalid).

    `render` must be a module-level function (workers receive it by name) and
    return something small. `on_ident(index, Ident or Invalid)` is called in
    the parent as files are identified (before any result: pairing needs all).
    """
    jobs = jobs_for(jobs)
    use_pool = jobs > 1 and len(items) >= PARALLEL_FROM
    pool_ = pool(jobs, start_method) if use_pool else None
    try:
        idents = []
        invalid = {}
        for i, got in enumerate(_map(pool_, _identify, items, jobs)):
            if isinstance(got, Invalid):
                invalid[i] = got
                ident = got
            else:
                ident = Ident(items[i][1], *got)
                idents.append((i, ident))
            if on_ident is not None:
                on_ident(i, ident)
        previous, duplicates = pair_reports([ident for _, ident in idents])
        index_of = {id(ident): i for i, ident in idents}
        tasks, order = [], []
        for i, ident in idents:
            prev = previous.get(id(ident))
            tasks.append((items[i], items[index_of[id(prev)]] if prev is not None else None,
                          duplicates.get(id(ident), []), render))
            order.append(i)
        del previous, duplicates, index_of
        _cache.clear()
        results = iter(_map(pool_, _finish, tasks, jobs))
        pending = sorted(invalid.items())
        p = 0
        for i in order:
            while p < len(pending) and pending[p][0] < i:
                yield pending[p]
                p += 1
            yield i, next(results)
        yield from pending[p:]
    finally:
        _cache.clear()
        if pool_ is not None:
            pool_.terminate()
            pool_.join()
