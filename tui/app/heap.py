"""The cyclic garbage collector's full passes, kept off the keys.

A full collection walks every object the collector tracks. With a list of
50,000 reports (a few hundred thousand small objects) one took 80–150 ms,
and it starts whenever enough allocations add up, so a key pressed while
the list filled, or a sort or a filter keystroke later, now and then paid
for it (bench_list.py counts them). Two remedies, both only ever changing
when the collector runs, never what it frees (objects without reference
cycles are freed as soon as they are dropped, frozen or not):

* `put_off_full()` / `resume_full()`: while a list fills, or while a screen
  that makes and drops much (a pair of 2 MB narratives side by side) is
  open, full collections wait (young ones stay automatic). Holds nest: the
  collector's thresholds come back when the last holder lets go.
* `settle()`: what is alive once a list is complete lives long. One
  collection now (the list just completed: the user is not typing), then
  `gc.freeze()` moves the survivors where no later pass walks them. Only
  while the list is the screen shown: a screen on top of it would be frozen
  too, and its cyclic garbage kept after it closes.
"""

from __future__ import annotations

import gc

_PUT_OFF = 1_000_000  # gen-1 collections before a full one: never, in practice
_holders = 0
_saved = None  # the thresholds to restore


def put_off_full():
    global _holders, _saved
    if _holders == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], _saved[1], _PUT_OFF)
    _holders += 1


def resume_full(collect=True):
    """One holder lets go; the last restores the thresholds (and, with
    `collect`, runs the full collection that waited)."""
    global _holders
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0:
        gc.set_threshold(*_saved)
        if collect:
            gc.collect()


def settle():
    gc.collect()
    gc.freeze()
