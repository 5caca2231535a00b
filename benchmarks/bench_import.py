"""Import time per file and format (issue 11 targets: HTML and DOCX < 0.2 s,
PDF < 1.5 s on these machines), and `nianbao check`'s cold start with the
import command present (it must not load the readers).

Run: python3 benchmarks/bench_import.py [--runs 5]
Times are in-process medians after one warm-up import (the readers' own
import cost is reported separately, once per process, as "first import").
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(REPO, "tests", "import_docs")
sys.path.insert(0, REPO)

FILES = [
    ("huaian-2024.pdf", {}), ("hongze-2023.pdf", {}),
    ("longgang-2024-partial.html", {"agency": "甲", "year": 2024}),
    ("xuwen-partial.html", {"agency": "甲", "year": 2024}),
    ("template-2021.docx", {"agency": "甲", "year": 2024}),
    ("filled-2021.docx", {}),
]
TARGETS = {"html": 0.2, "docx": 0.2, "pdf": 1.5}


def filled_docx():
    import tomllib

    from tests.import_fill import fill_template
    from tui.core.forms import form_by_edition

    with open(os.path.join(DOCS, "huaian-2024.toml"), "rb") as fh:
        report = tomllib.load(fh)
    return fill_template(form_by_edition("2021"), report, merge=("outcome.not_processed.publication", 2, 3))


def cold(cmd, runs):
    times = []
    env = dict(os.environ, PYTHONPATH=REPO)
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tui", *cmd], cwd=REPO, env=env, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    at = datetime.datetime.now().astimezone()
    t = time.perf_counter()
    from tui.importer import import_bytes
    import tui.importer.readers.docx  # noqa: F401
    import tui.importer.readers.html  # noqa: F401
    import tui.importer.readers.pdf  # noqa: F401
    import docx  # noqa: F401
    import lxml.html  # noqa: F401
    import pdfplumber  # noqa: F401
    print(f"first import of the readers (lxml, python-docx, pdfplumber): {time.perf_counter() - t:.3f} s")
    # Wall time suffers when other processes share the CPU; CPU time is what the import itself costs.
    print(f"{'file':32} {'format':6} {'wall s':>9} {'cpu s':>8} {'target':>7}")
    worst = {}
    for name, kw in FILES:
        raw = filled_docx() if name == "filled-2021.docx" else open(os.path.join(DOCS, name), "rb").read()
        kind = name.rsplit(".", 1)[1]
        import_bytes(raw, name, user="bench", at=at, **kw)  # warm-up
        times, cpu = [], []
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            import_bytes(raw, name, user="bench", at=at, **kw)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        med, med_cpu = statistics.median(times), statistics.median(cpu)
        worst[kind] = max(worst.get(kind, 0), med)
        ok = "ok" if med < TARGETS[kind] else ("ok (CPU)" if med_cpu < TARGETS[kind] else "SLOW")
        print(f"{name:32} {kind:6} {med:9.3f} {med_cpu:8.3f} {TARGETS[kind]:7.1f}  {ok}")
    print(f"cold `nianbao check reports/` (median of {args.runs}): {cold(['check', 'reports'], args.runs):.3f} s")
    print(f"cold `nianbao import --help`: {cold(['import', '--help'], args.runs):.3f} s")


if __name__ == "__main__":
    main()
