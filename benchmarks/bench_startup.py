"""Time from process start to the first painted report screen (headless), against
a minimal Textual app that paints one static table. Issue 3 target: ≤ 1.5×.

Run: python3 benchmarks/bench_startup.py [--runs 9]
Both sides are fresh `python3 -c` processes that exit right after their first
paint; we report medians and the ratio (machines here are noisy).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NIANBAO = r"""
import sys
from tui.app.app import NianbaoApp
from tui.app.screens.report import ReportScreen
_mount = ReportScreen.on_mount
def on_mount(self):
    _mount(self)
    self.call_after_refresh(self.app.exit)
ReportScreen.on_mount = on_mount
NianbaoApp([sys.argv[1]]).run(headless=True, size=(120, 40))
"""

MINIMAL = r"""
from textual.app import App
from textual.widgets import DataTable
class Minimal(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("项目", *[f"列{i}" for i in range(7)])
        for r in range(30):
            t.add_row(f"第{r}行", *[str(r * i) for i in range(7)])
        self.call_after_refresh(self.exit)
Minimal().run(headless=True, size=(120, 40))
"""


def largest_sample():
    folder = os.path.join(REPO, "reports")
    files = [os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".toml")]
    return max(files, key=os.path.getsize)


def timed(code, *args):
    env = dict(os.environ, PYTHONPATH=REPO)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    a = ap.parse_args()
    # An installed package has its bytecode compiled; an editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 (set on these machines) would recompile tui/ at
    # every start, a cost Textual's own (compiled) modules do not pay.
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(REPO, "tui")], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                   stdout=subprocess.DEVNULL)
    sample = largest_sample()
    timed(MINIMAL)  # warm the file cache
    timed(NIANBAO, sample)
    ours, base = [], []
    for _ in range(a.runs):  # interleave, so load on the machine hits both alike
        base.append(timed(MINIMAL))
        ours.append(timed(NIANBAO, sample))
    mo, mb = statistics.median(ours), statistics.median(base)
    print(f"sample: {os.path.relpath(sample, REPO)} ({os.path.getsize(sample)} bytes), {a.runs} runs each")
    print(f"minimal Textual app, first paint:  median {mb * 1000:7.1f} ms")
    print(f"nianbao report screen, first paint: median {mo * 1000:7.1f} ms")
    print(f"ratio: {mo / mb:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
