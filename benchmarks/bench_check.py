"""Throughput and cold start of `nianbao check` (issue #2 "Foundation").

(a) Throughput. 2,000 reports (the four samples under reports/, copied under
    different agencies and years, with a few cells changed so that findings
    appear and years pair) are checked with `nianbao check --format json DIR`
    and, for comparison, parsed by a bare Python loop that only calls
    tomllib.load on the same files; both are fresh processes, so both pay for
    interpreter start. Target: check rate >= 0.5 x bare parse rate. The check
    is also run with --jobs 1, and its user+sys CPU time (getrusage of the
    children) is compared with its wall time, to show that the default run
    uses every core.
(b) Cold start. `nianbao check reports/lingwu-minzheng-2020.toml` against
    `python3 -c "import tomllib, json, argparse"`, median of 15 runs each.
    Target: <= 2 x.

Run: python3 benchmarks/bench_check.py [--reports 2000] [--runs 3] [--cold-runs 15]
Timing is noisy on shared machines: medians are reported; nothing here is a test.
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = os.path.join(REPO, "reports")
SAMPLE = os.path.join(REPORTS, "lingwu-minzheng-2020.toml")

BARE_PARSE = r"""
import os, sys, tomllib
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".toml"):
            with open(os.path.join(root, f), "rb") as fh:
                tomllib.load(fh)
            n += 1
print(n)
"""


def nianbao_command():
    """The installed console script run by this interpreter (not a pyenv shim,
    whose bash wrapper would be timed too); else `python -m tui`."""
    script = os.path.join(sysconfig.get_path("scripts"), "nianbao")
    if os.path.isfile(script):
        with open(script, "rb") as fh:
            first = fh.readline()
        if first.startswith(b"#!") and b"python" in first:
            return [script]
    return [sys.executable, "-m", "tui"]


_TEXT_SECTION = re.compile(r"^\[text\]\n.*?(?=^# 二|^\[active\])", re.M | re.S)


def _sentences(text):
    return [p + "。" for p in text.split("。") if p.strip()]


def _rewrite(sentences, pool, rng):
    """A year's narrative: mostly last year's sentences (some dropped, some
    moved), with a few new ones, so that yoy.text-copied has real work and
    flags some reports but not all."""
    out = [x for x in sentences if rng.random() > 0.15]
    for _ in range(rng.randint(0, 3)):
        out.insert(rng.randint(0, len(out)), rng.choice(pool))
    if len(out) > 3 and rng.random() < 0.5:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return "".join(out)


def generate(folder, count, seed=2):
    """`count` report files: each sample under many agencies, consecutive years
    within an agency's edition; narratives rewritten from year to year; one
    cell in ten reports changed."""
    import tomllib

    sys.path.insert(0, REPO)
    from tui.core.tomltext import toml_string

    rng = random.Random(seed)
    samples = []
    for name in sorted(os.listdir(REPORTS)):
        if name.endswith(".toml"):
            with open(os.path.join(REPORTS, name), encoding="utf-8") as fh:
                text = fh.read()
            samples.append((text, tomllib.loads(text)))
    pool = [x for _, data in samples for v in data["text"].values() for x in _sentences(v)]
    made = 0
    agency = 0
    while made < count:
        text, data = samples[agency % len(samples)]
        narrative = {k: _sentences(v) for k, v in data["text"].items()}
        form2019 = data["report"]["form"].endswith("2019")
        years = (2019, 2020) if form2019 else (2021, 2022, 2023, 2024, 2025)
        old_agency = data["report"]["agency"]
        for year in years:
            if made >= count:
                break
            narrative = {k: _sentences(_rewrite(v, pool, rng)) or v for k, v in narrative.items()}
            section = "[text]\n" + "".join(f"{k} = {toml_string(''.join(v))}\n" for k, v in narrative.items()) + "\n"
            body = _TEXT_SECTION.sub(lambda m: section, text, count=1)
            body = re.sub(r"^year = \d+$", f"year = {year}", body, count=1, flags=re.M)
            body = body.replace(f'agency = "{old_agency}"', f'agency = "{old_agency}（样本{agency:04d}）"', 1)
            if rng.random() < 0.1:
                body = re.sub(r"^(new_received = \[)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 1),
                              body, count=1, flags=re.M)
            sub = os.path.join(folder, f"{agency % 20:02d}")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"r{agency:04d}-{year}.toml"), "w", encoding="utf-8") as fh:
                fh.write(body)
            made += 1
        agency += 1
    return made


def timed(cmd, **kw):
    """(wall seconds, user+sys CPU seconds of the child, CompletedProcess)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, **kw)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def throughput(folder, count, runs, nianbao):
    """{label: (best wall, its CPU, median wall)}; variants interleaved run by run,
    so that other load on the machine hits them alike."""
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    variants = {
        "bare tomllib loop": [sys.executable, "-c", BARE_PARSE, folder],
        "nianbao check --format json": nianbao + ["check", "--format", "json", folder],
        "nianbao check --format json --jobs 1": nianbao + ["check", "--format", "json", "--jobs", "1", folder],
    }
    samples = {label: [] for label in variants}
    checked = None
    for _ in range(runs):
        for label, cmd in variants.items():
            wall, cpu, proc = timed(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if label.startswith("bare"):
                assert proc.returncode == 0 and int(proc.stdout) == count, proc.stderr[-500:]
            else:
                assert proc.returncode in (0, 1), proc.stderr[-500:]
                doc = json.loads(proc.stdout)
                assert len(doc["reports"]) == count and not doc["invalid"]
                summary = (sum(len(r["findings"]) for r in doc["reports"]),
                           sum(1 for r in doc["reports"] for f in r["findings"] if "previous" in f),
                           sum(1 for r in doc["reports"] for f in r["findings"] if f["rule"] == "yoy.text-copied"))
                assert checked in (None, summary), "--jobs must not change the result"
                checked = summary
            samples[label].append((wall, cpu))
    rows = {}
    for label, got in samples.items():
        best = min(got)
        rows[label] = (best[0], best[1], statistics.median(w for w, _ in got))
    return rows, checked


def cold_start(runs, nianbao, pycache=None):
    """Median wall times. With `pycache`, bytecode is cached there (PYTHONPYCACHEPREFIX),
    as for an installed package; without, the environment decides (an editable
    install under PYTHONDONTWRITEBYTECODE compiles tui/ on every start)."""
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    cmds = {
        "nianbao check <one report>": nianbao + ["check", SAMPLE],
        "python -m tui check <one report>": [sys.executable, "-m", "tui", "check", SAMPLE],
        "python3 -c 'import tomllib, json, argparse'": [sys.executable, "-c", "import tomllib, json, argparse"],
    }
    times = {k: [] for k in cmds}
    for i in range(runs + 1):  # interleaved, so that drifts in machine load hit both sides alike
        for label, cmd in cmds.items():
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if i:  # the first round warms the caches
                times[label].append(time.perf_counter() - t0)
            assert proc.returncode == 0, proc.stderr
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5, help="runs per throughput variant (best is reported)")
    ap.add_argument("--cold-runs", type=int, default=15)
    ap.add_argument("--keep", action="store_true", help="keep the generated reports")
    a = ap.parse_args()

    nianbao = nianbao_command()
    folder = tempfile.mkdtemp(prefix="nianbao-bench-")
    try:
        n = generate(folder, a.reports)
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs)
        print(f"{n} reports, {size / 1e6:.1f} MB, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
              f"command: {' '.join(os.path.basename(c) for c in nianbao)}")
        rows, (findings, yoy, copied) = throughput(folder, n, a.runs, nianbao)
        print(f"({findings} findings, {yoy} of them year over year, {copied} yoy.text-copied)\n")
        bare_wall = rows["bare tomllib loop"][0]
        print(f"{'(a) throughput, best of %d' % a.runs:40} {'wall s':>7} {'cpu s':>7} {'cpu/wall':>8} "
              f"{'files/s':>8} {'vs bare':>8} {'median s':>9}")
        for label, (wall, cpu, median) in rows.items():
            print(f"{label:40} {wall:7.2f} {cpu:7.2f} {cpu / wall:8.2f} {n / wall:8.0f} {bare_wall / wall:7.2f}x "
                  f"{median:9.2f}")
        ratio = bare_wall / rows["nianbao check --format json"][0]
        speedup = rows["nianbao check --format json --jobs 1"][0] / rows["nianbao check --format json"][0]
        print(f"check / bare parse rate: {ratio:.2f}x (target >= 0.5x) {'ok' if ratio >= 0.5 else 'MISSED'}; "
              f"default vs --jobs 1: {speedup:.2f}x faster")

        pycache = os.path.join(folder, "pycache")
        for title, cache in (("as installed here", None), ("bytecode cached", pycache)):
            cold = cold_start(a.cold_runs, nianbao, cache)
            base = cold["python3 -c 'import tomllib, json, argparse'"]
            print(f"\n{'(b) cold start, %s' % title:40} {'median ms':>10} {'vs base':>8}")
            for label, t in cold.items():
                print(f"{label:40} {t * 1000:10.1f} {t / base:7.2f}x")
            r = cold["nianbao check <one report>"] / base
            print(f"cold start ratio: {r:.2f}x (target <= 2x) {'ok' if r <= 2 else 'MISSED'}")
    finally:
        if a.keep:
            print(f"reports kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
