"""The workbench's report list at 5,000 and 50,000 reports (issue 15.4).

Generates copies of reports/huaian-2024.toml under different agencies (one in
seven with an error) in a temporary folder, opens the folder headless
(App.run_test) and reports: time to the first rows on screen, time to a
complete (checked) list, the latency of a key pressed during the check, of
a sort (`s`) and of a filter (typing into the filter box) on the complete
list, and the peak RSS of the process tree (the app and its worker
processes). Latency is given three ways: wall time through the pilot (which
waits for the whole process to go idle, background threads included), the
process's CPU time, and "held": the longest gap between ticks of a 5 ms
timer on the interface thread, which is what a user feels. Full garbage
collections met while sorting and filtering are counted. Kept out of CI;
nothing here is a test.

Run: python3 benchmarks/bench_list.py [--reports 5000,50000]
"""

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "benchmarks"))

from bench_check import _tree_rss  # noqa: E402
from tui.core.batch import usable_cores  # noqa: E402


def make(folder, count):
    with open(os.path.join(REPO, "reports", "huaian-2024.toml"), encoding="utf-8") as fh:
        text = fh.read()
    for i in range(count):
        sub = os.path.join(folder, f"{i % 50:02d}")
        os.makedirs(sub, exist_ok=True)
        t = text.replace('agency = "淮安市人民政府"', f'agency = "测试机关{i:06d}"')
        if i % 7 == 0:
            t = t.replace("new_received = [3001,", "new_received = [3002,")
        with open(os.path.join(sub, f"r{i:06d}.toml"), "w", encoding="utf-8") as fh:
            fh.write(t)


async def measure(folder, count):
    from tui.app.app import NianbaoApp

    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(os.getpid()))
            done.wait(0.05)

    threading.Thread(target=sample, daemon=True).start()
    t0 = time.perf_counter()
    app = NianbaoApp([folder])
    out = {}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not screen.shown:
            await pilot.pause(0.01)
        await pilot.pause()
        out["first rows s"] = time.perf_counter() - t0
        # What the user feels is how long the interface thread was held: the
        # longest gap between ticks of a 5 ms timer on it (pilot.pause waits
        # for the whole process to go idle, so with the check or the periodic
        # stat running in a thread it measures them too).
        ticks = []
        screen.set_interval(0.005, lambda: ticks.append(time.perf_counter()))
        await pilot.pause(0.05)

        def held_since(t):
            got = [x for x in ticks if x >= t]
            before = [x for x in ticks if x < t][-1:]
            seq = before + got
            return max((b - a for a, b in zip(seq, seq[1:])), default=0.0)

        async def press_each(keys):
            """Each key pressed and waited for: [wall], [process CPU], [interface held], in seconds."""
            walls, cpus, helds = [], [], []
            for key in keys:
                t1, c1 = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await pilot.pause()
                walls.append(time.perf_counter() - t1)
                cpus.append(time.process_time() - c1)
                helds.append(held_since(t1))
            return walls, cpus, helds

        t1 = time.perf_counter()
        await pilot.press("down")
        out["key while checking ms"] = (time.perf_counter() - t1) * 1000
        out["key while checking: interface held ms"] = held_since(t1) * 1000
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["complete list s"] = time.perf_counter() - t0
        assert len(screen.entries) == count and not screen.checking
        # Latencies in wall time and in this process's CPU time (the machine
        # may be shared: CPU time is what the list itself costs, with any
        # thread's). Both include the pilot's wait for the process to go idle.

        # The pilot's own cost of a key and a repaint: a key bound to nothing.
        idle, idle_cpu, _ = await press_each(["f12"] * 6)
        out["unbound key ms (pilot alone)"] = sorted(idle)[3] * 1000
        out["unbound key CPU ms (pilot alone)"] = sorted(idle_cpu)[3] * 1000
        # Full collections of the cyclic garbage collector while sorting and
        # filtering: the pauses no list code shows in a profile.
        import gc

        full = []

        def on_gc(phase, info):
            if info["generation"] == 2:
                if phase == "start":
                    full.append(time.perf_counter())
                else:
                    full[-1] = time.perf_counter() - full[-1]

        gc.callbacks.append(on_gc)
        sorts, sort_cpu, sort_held = await press_each(["s"] * 6)
        out["sort ms (median of 6)"] = sorted(sorts)[3] * 1000
        out["sort CPU ms (median of 6)"] = sorted(sort_cpu)[3] * 1000
        out["sort CPU ms (max of 6)"] = max(sort_cpu) * 1000
        out["sort: interface held ms (max of 6)"] = max(sort_held) * 1000
        await pilot.press("slash")
        filters, filter_cpu, filter_held = await press_each("测试机关00012")
        out["filter keystroke ms (median)"] = sorted(filters)[len(filters) // 2] * 1000
        out["filter keystroke CPU ms (median)"] = sorted(filter_cpu)[len(filter_cpu) // 2] * 1000
        out["filter keystroke CPU ms (max)"] = max(filter_cpu) * 1000
        out["filter keystroke ms (max)"] = max(filters) * 1000
        out["filter: interface held ms (max)"] = max(filter_held) * 1000
        gc.callbacks.remove(on_gc)
        out["full collections while sorting, filtering"] = len(full)
        out["longest full collection ms"] = max(full, default=0) * 1000
        # The periodic refresh: list and stat every file (in a thread), check none.
        from tui.app.screens.report_list import stat_folder

        t1, c1 = time.perf_counter(), time.process_time()
        stat_folder([folder])
        out["stat refresh ms"] = (time.perf_counter() - t1) * 1000
        out["stat refresh CPU ms"] = (time.process_time() - c1) * 1000
    done.set()
    out["peak tree RSS MB"] = peak[0] / 1e6
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", default="5000,50000")
    a = ap.parse_args()
    for count in [int(x) for x in a.reports.split(",") if x]:
        folder = tempfile.mkdtemp(prefix="nianbao-list-")
        try:
            make(folder, count)
            load = "%.1f %.1f %.1f" % os.getloadavg()
            got = asyncio.run(measure(folder, count))
            print(f"== {count} reports, {usable_cores()} CPUs, load average {load}")
            for k, v in got.items():
                print(f"  {k:32} {v:10.2f}")
            sys.stdout.flush()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
