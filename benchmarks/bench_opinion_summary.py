"""`nianbao opinion --summary` against `nianbao check --format json` (issue 14).

2,000 generated reports (bench_check.generate: the four samples under many
agencies and years, some cells changed so findings appear and years pair)
are summarised (Markdown and CSV) and checked, each in a fresh process,
alternating, median of --runs. Target: summary time <= 1.2 x check time.
The summary's counts per report are compared with check's JSON (errors,
warnings and accepted per file), so the figures being timed are right.

Run: python3 benchmarks/bench_opinion_summary.py [--reports 2000] [--runs 3]
Timing is noisy on shared machines: medians are reported; nothing here is a test.
"""

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_check import generate, nianbao_command  # noqa: E402


def timed(cmd):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - t0, out


def counts_agree(check_json, summary_csv):
    reports = json.loads(check_json)["reports"]
    rows = list(csv.reader(io.StringIO(summary_csv.decode("utf-8"))))[1:-1]
    by_file = {r[9]: r for r in rows}
    if len(by_file) != len(reports):
        return False, f"{len(by_file)} rows vs {len(reports)} reports"
    for rep in reports:
        f = rep["findings"]
        want = (sum(1 for x in f if x["severity"] == "error" and not x["accepted"]),
                sum(1 for x in f if x["severity"] == "warning" and not x["accepted"]),
                sum(1 for x in f if x["accepted"]))
        row = by_file.get(rep["file"])
        if row is None or tuple(int(x) for x in row[3:6]) != want:
            return False, f"{rep['file']}: {row and row[3:6]} vs {want}"
    errors = sum(int(r[3]) for r in rows)
    warnings = sum(int(r[4]) for r in rows)
    return True, f"{len(rows)} reports, {errors} errors, {warnings} warnings"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    nb = nianbao_command()
    folder = tempfile.mkdtemp(prefix="nianbao-bench-summary-")
    try:
        generate(folder, args.reports)
        times = {"check --format json": [], "opinion --summary (md)": [], "opinion --summary --format csv": []}
        cmds = {"check --format json": nb + ["check", "--format", "json", folder],
                "opinion --summary (md)": nb + ["opinion", "--summary", folder],
                "opinion --summary --format csv": nb + ["opinion", "--summary", "--format", "csv", folder]}
        outputs = {}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                t, out = timed(cmd)
                times[name].append(t)
                outputs[name] = out.stdout
        ok, detail = counts_agree(outputs["check --format json"], outputs["opinion --summary --format csv"])
        print(f"{args.reports} reports, median of {args.runs} runs (fresh processes):")
        base = statistics.median(times["check --format json"])
        for name, ts in times.items():
            m = statistics.median(ts)
            print(f"  {name:32s} {m:6.2f} s   {m / base:4.2f} x check")
        print(f"counts equal to check's JSON: {'yes' if ok else 'NO'} ({detail})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
