"""Checking many files in bounded memory, on every core.

`nianbao check` and the workbench's report list run through `run()`:

1. identify: workers read each file's identity (agency, year) from its
   `[report]` lines without parsing it (tui.core.load.identity_hint: what
   the identity is if the file is valid), or load it when the lines are not
   plain, and send back only that — the small per-report index;
2. the parent pairs years and finds duplicates on that index alone. The
   files of an (agency, year) claimed by more than one are loaded first
   (one of them may not be a report at all); a file claimed alone and paired
   as a previous year is loaded by the worker that checks the later year,
   which drops the pairing if it is not a report: so pairing is exactly as
   if every file had been parsed first;
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
from functools import partial

from tui.core.checker import completed
from tui.core.load import identity_hint, load_path
from tui.core.readfile import Unreadable, read_regular
from tui.core.report import Invalid
from tui.core.rules import check_each

# tui.core.yoy (with tui.core.similarity) and array are imported when two
# reports or more are checked: a one-file check has nothing to pair (their
# imports were ~3 % of its cold start, issue 15).

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


# A worker makes and drops thousands of objects per report (the parsed data,
# findings), none in reference cycles: the cyclic garbage collector's passes
# over them were 6 % of a check. Workers run it every COLLECT_EVERY tasks
# instead, so that a cycle made somewhere still cannot pile up.
COLLECT_EVERY = 2048
_tasks_done = 0


def _init_batch_worker(ppid):
    die_with_parent(ppid)
    import gc

    gc.freeze()  # what the worker inherited is never garbage
    gc.disable()


def _collect_now_and_then(tasks=1):
    global _tasks_done
    before = _tasks_done
    _tasks_done += tasks
    if _tasks_done // COLLECT_EVERY != before // COLLECT_EVERY:
        import gc

        if not gc.isenabled():
            gc.collect()


def pool(jobs, start_method="fork", batch=False):
    """A multiprocessing pool whose workers die with this process (and, for
    `run`'s tasks, which collect garbage themselves, run without the
    automatic collector)."""
    import multiprocessing

    made = multiprocessing.get_context(start_method).Pool(
        jobs, initializer=_init_batch_worker if batch else die_with_parent, initargs=(os.getpid(),))
    if batch:
        _widen_result_pipe(made)
    return made


# Results come back through one pipe, a chunk of files at a time (128 reports'
# JSON is about 320 KB). Through Linux's default 64 KB pipe a worker's write
# blocks four or five times until the parent has read, each a switch between
# processes on cores that are all busy. A 1 MB pipe (the unprivileged
# maximum) takes a chunk in one write: the parent's CPU per report went from
# about 20 to 14 µs, and a 20,000-report check's wall time down about 2 %
# (ten alternated runs each). Best effort: elsewhere, or refused (a user's
# pipe memory is limited), the pipe stays as it is.
RESULT_PIPE_BYTES = 1 << 20


def _widen_result_pipe(made):
    try:
        import fcntl

        fcntl.fcntl(made._outqueue._reader.fileno(), fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)
    except (ImportError, AttributeError, OSError, ValueError):
        pass


def usable_cores():
    """The cores this process may run on: under `taskset` or a container's
    cpuset, fewer than the machine has (os.cpu_count() counts them all, and
    more workers than cores only take turns)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on this platform
        return os.cpu_count() or 1


def jobs_for(jobs):
    return usable_cores() if jobs is None else max(1, jobs)


# ------------------------------------------------------------ the two steps

class Ident:
    """The index entry of a readable report: what pairing needs."""

    __slots__ = ("file", "agency", "year", "index")

    def __init__(self, file, agency, year, index=None):
        self.file = file
        self.agency = agency
        self.year = year
        self.index = index  # in the batch's items


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


def _identify_exact(item):
    """(agency, year, True) of a loaded report, or its Invalid."""
    loaded = _load(*item)
    if isinstance(loaded, Invalid):
        return loaded
    return loaded.agency, loaded.year, True


def _identify(item):
    """(agency, year, loaded?) or Invalid: from the `[report]` lines when they
    are plain (not loaded: valid or not is decided later), else by loading."""
    _collect_now_and_then()
    try:
        raw, _ = read_regular(item[0])
    except Unreadable:
        return _identify_exact(item)
    hint = identity_hint(raw)
    if hint is None:
        return _identify_exact(item)
    return hint[0], hint[1], False


def finish_all(jobs):
    """Every rule on each (report, previous year's or None, duplicate
    findings): a Checked per report, in order. A stage at a time over all of
    them: the single-report rules a rule at a time (rules.check_each),
    then the year-over-year rules and the review records
    (checker.completed). Running one kind of code over many reports in a
    row, rather than every kind over one report, made a worker's check about
    10 % cheaper (the interpreter's caches stay warm)."""
    return completed(check_each([report for report, _, _ in jobs]), jobs)


def _finish(render, tasks):
    """render(Checked) or Invalid for each (item, previous item, duplicates)
    of a chunk of neighbouring files, in order: all loaded first, then all
    finished together (finish_all), then each rendered."""
    _collect_now_and_then(len(tasks))
    loaded, out, jobs, at = {}, [], [], []
    for item, prev_item, duplicates in tasks:
        report = loaded[item] = _load(*item)
        if isinstance(report, Invalid):  # changed since it was identified, or never a report
            out.append(report)
            continue
        previous = None
        if prev_item is not None:
            previous = loaded.get(prev_item) or _load(*prev_item)  # usually the file just before
            if isinstance(previous, Invalid):  # identified from its lines, but no report
                previous = None
        at.append(len(out))
        out.append(None)
        jobs.append((report, previous, duplicates))
    for i, checked in zip(at, finish_all(jobs)):
        out[i] = render(checked)
    return out


def _chunks(tasks, size):
    chunk = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _chunk_size(count, jobs, most=128):
    # Chunks of neighbouring files: an agency's years usually fall into one
    # chunk, so the previous year's report is at hand; a few chunks per
    # worker at least, so that the work spreads evenly.
    return max(8, min(most, count // (jobs * 16) or 1))


# Identifying a file costs about 25 µs, a thousandth of checking it: in
# chunks of 128 the pool's own handling of each chunk (a message each way,
# the parent's threads woken) kept the two workers half idle, 1.7 s for
# 100,000 files where their work is 1.2 s. Chunks of up to 1,024 took 1.4 s
# and half the parent's CPU.
IDENTIFY_CHUNK = 1024


def _map(pool_, fn, tasks, count, jobs):
    """fn over tasks (an iterable of `count`), results in order: the
    identity steps, in chunks of up to IDENTIFY_CHUNK tasks."""
    if pool_ is None:
        return map(fn, tasks)
    # Tasks are made as the pool takes them (it stops taking when the pipe
    # to the workers is full): the parent never holds all of them.
    return pool_.imap(fn, tasks, chunksize=_chunk_size(count, jobs, IDENTIFY_CHUNK))


def _map_chunked(pool_, fn, tasks, count, jobs):
    """fn over chunks of neighbouring tasks (fn takes a list and returns one
    result per task), results in order, one by one."""
    chunks = _chunks(tasks, _chunk_size(count, jobs))
    results = map(fn, chunks) if pool_ is None else pool_.imap(fn, chunks)
    for chunk in results:
        yield from chunk


def prestart(jobs=None, start_method="fork"):
    """A pool for `run`, started before the caller builds its list of files:
    forked workers inherit the parent's memory as it is at the fork, and
    with a list of 100,000 files each worker's resident memory held it too
    (25 MB more per worker). None when there is one job."""
    jobs = jobs_for(jobs)
    return pool(jobs, start_method, batch=True) if jobs > 1 else None


def run(items, render, jobs=None, start_method="fork", on_ident=None, workers=None, first=None):
    """Check [(path, display)] and yield, in input order, for every file:
    (index, render(Checked)) or (index, Invalid).

    `render` must be a module-level function (workers receive it by name, once
    per chunk of files) and return something small. `on_ident(index, Ident or Invalid)` is called in
    the parent as files are identified (before any result: pairing needs all).
    `workers`: a pool from `prestart` (of `jobs` processes), used and ended here.
    `first`: only the first `first` items are checked and yielded; the others
    are identified only, for pairing (the reports beside a few files).
    """
    if first is not None and first < 1:
        items = []  # nothing to check: the workers are ended below as for any small batch
    if len(items) == 1 and on_ident is None and workers is None:
        # Nothing to identify or pair: straight to the check (what identifying
        # would say of an unreadable or invalid file, loading says the same).
        try:
            yield 0, _finish(render, [(items[0], None, ())])[0]
        finally:
            _cache.clear()
        return
    from array import array

    from tui.core.yoy import claim, duplicate_finding, pair_claims

    jobs = jobs_for(jobs)
    use_pool = jobs > 1 and len(items) >= PARALLEL_FROM
    if workers is not None and not use_pool:
        workers.terminate()
        workers.join()
    pool_ = (workers or pool(jobs, start_method, batch=True)) if use_pool else None
    try:
        invalid = {}
        unsure = bytearray(len(items))  # 1: identified from its lines, maybe no report at all
        # The index: {(agency, year): file index, or [indices] when several
        # files claim it}, one string and one int per agency and year (not
        # per file): 100,000 files cost the parent about 15 MB.
        claims, names = {}, {}
        for i, got in enumerate(_map(pool_, _identify, items, len(items), jobs)):
            if isinstance(got, Invalid):
                invalid[i] = got
                if on_ident is not None:
                    on_ident(i, got)
                continue
            agency, year, loaded = got
            agency, year = names.setdefault(agency, agency), names.setdefault(year, year)
            unsure[i] = not loaded
            claim(claims, (agency, year), i)
            if on_ident is not None:
                on_ident(i, Ident(items[i][1], agency, year, i))
        del names
        # An (agency, year) claimed by several files: those identified from
        # their lines are loaded now, since one that is no report must neither
        # be reported as a duplicate nor keep the others from being paired.
        claimed = [i for group in claims.values() if type(group) is list for i in group if unsure[i]]
        del unsure
        if claimed:
            for i, got in zip(claimed, _map(pool_, _identify_exact, [items[i] for i in claimed], len(claimed), jobs)):
                if isinstance(got, Invalid):
                    invalid[i] = got
            for key, group in list(claims.items()):
                if type(group) is list and any(i in invalid for i in group):
                    kept = [i for i in group if i not in invalid]
                    if not kept:
                        del claims[key]
                    else:
                        claims[key] = kept if len(kept) > 1 else kept[0]
        del claimed
        # Pairing by the rule of tui.core.yoy.pair_reports, over file indexes.
        previous = array("l", [-1]) * len(items)
        duplicates = {}

        def paired(i, before):
            previous[i] = before

        def duplicated(i, agency, year, others):
            duplicates[i] = [duplicate_finding(agency, year, [items[o][1] for o in others])]

        pair_claims(claims, paired, duplicated)
        del claims
        _cache.clear()

        shown = len(items) if first is None else min(first, len(items))

        def tasks():
            for i in range(shown):
                if i not in invalid:
                    p = previous[i]
                    yield items[i], None if p < 0 else items[p], duplicates.get(i, ())

        count = shown - sum(1 for i in invalid if i < shown)
        results = _map_chunked(pool_, partial(_finish, render), tasks(), count, jobs)
        for i in range(shown):
            yield i, invalid[i] if i in invalid else next(results)
    finally:
        _cache.clear()
        if pool_ is not None:
            pool_.terminate()
            pool_.join()
