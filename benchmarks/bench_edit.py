"""Edit latency for issue 4: a cell edit → updated marks painted; the recheck
alone (target < 5 ms); and a verified atomic save. Largest sample report.

Run: python3 benchmarks/bench_edit.py [--edits 60]
"""

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from tui.app.app import NianbaoApp  # noqa: E402


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def largest(folder):
    files = [os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".toml")]
    return max(files, key=os.path.getsize)


async def run(edits):
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, os.path.basename(largest(os.path.join(REPO, "reports"))))
    shutil.copy(largest(os.path.join(REPO, "reports")), path)
    app = NianbaoApp([path])
    paint, recheck, save = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        address = "applications.new_received[0]"
        screen.goto(address)
        await pilot.pause()
        idle = []
        for _ in range(20):  # what one refresh round costs with nothing to do
            start = time.perf_counter()
            await pilot.pause()
            idle.append(time.perf_counter() - start)
        for i in range(edits):
            start = time.perf_counter()
            screen.apply_edit(screen.model, address, i % 7 + 1)  # what the edit dialog calls on Enter
            await pilot.pause()                  # messages processed, screen repainted
            paint.append(time.perf_counter() - start)
        model = screen.model
        for _ in range(200):
            start = time.perf_counter()
            model.recheck()
            recheck.append(time.perf_counter() - start)
        for i in range(20):
            model.set(address, 100 + i)
            start = time.perf_counter()
            model.doc.save()
            save.append(time.perf_counter() - start)
    shutil.rmtree(tmp)
    return os.path.basename(path), paint, recheck, save, idle


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=60)
    a = ap.parse_args()
    name, paint, recheck, save, idle = asyncio.run(run(a.edits))
    ms = lambda v: f"{v * 1000:6.2f} ms"  # noqa: E731
    print(f"report: {name}")
    print(f"edit → marks painted : median {ms(statistics.median(paint))}  p95 {ms(pct(paint, 0.95))}  (n={len(paint)})")
    print(f"  (an idle refresh round, included above: median {ms(statistics.median(idle))})")
    print(f"recheck alone        : median {ms(statistics.median(recheck))}  p95 {ms(pct(recheck, 0.95))}  (target < 5 ms)")
    print(f"verified atomic save : median {ms(statistics.median(save))}  p95 {ms(pct(save, 0.95))}")


if __name__ == "__main__":
    main()
