"""The cyclic garbage collector's full passes, kept off the keys.

A full collection walks every object the collector tracks. With a list of
50,000 reports (a few hundred thousand small objects) one took ~120 ms, and
it starts whenever enough allocations add up, so a sort or a filter
keystroke now and then paid for it (bench_list.py counted them). Two
remedies, both only ever changing when the collector runs, never what it
frees (objects without reference cycles are freed as soon as they are
dropped, frozen or not):

* `settle()`: what is alive once a list is complete lives long. One
  collection now (the list just completed: the user is not typing), then
  `gc.freeze()` moves the survivors where no later pass walks them. Only
  while the list is the screen shown: a screen on top of it would be frozen
  too, and its cyclic garbage kept after it closes.
* `put_off_full()` / `resume_full()`: while a screen that makes and drops
  much (a pair of 2 MB narratives side by side) is open, full collections
  wait; when it goes, one runs in a turn of its own, over what is not
  frozen (that screen's garbage; not a settled list's rows).
"""

from __future__ import annotations

import gc

_PUT_OFF = 1_000_000  # gen-1 collections before a full one: never, in practice


def settle():
    gc.collect()
    gc.freeze()


def put_off_full():
    """Full collections wait; returns what resume_full() restores."""
    threshold = gc.get_threshold()
    gc.set_threshold(threshold[0], threshold[1], _PUT_OFF)
    return threshold


def resume_full(threshold):
    gc.set_threshold(*threshold)
    gc.collect()
