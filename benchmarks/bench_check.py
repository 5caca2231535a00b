"""Throughput, memory and cold start of `nianbao check` (issues #2 and #15).

(a) Throughput and memory, for each size in --reports (default 20,000 and
    100,000): generated reports (the four samples under reports/, copied
    under different agencies and years, narratives rewritten from year to
    year, a few cells changed, so that findings appear and years pair), in a
    temporary folder made on the fly. Each variant is a fresh process:
      bare tomllib loop            one process, tomllib.load on every file
      bare compiled loop           one process, toml_rs.loads on every file
      bare compiled loop, N cores  a pool of N processes, toml_rs.loads
      check json / text            `nianbao check --format json|text DIR`
      check json / text --jobs 1
    For each: wall and CPU (user+sys of the whole tree), files/s, and the
    peak resident memory of the process tree (the sum of RSS over the
    process and its descendants, sampled every 20 ms). Targets on 2 cores
    (issue 15): check json at >= 4x the bare tomllib loop's rate and
    >= 0.5x the N-core compiled loop's; peak tree RSS <= 400 MB at 100,000
    and <= 1.2x the 20,000 figure. The machine may be shared: variants run
    interleaved, and ratios within one run are what count. The load average
    is printed.
(b) Cold start. `nianbao check reports/lingwu-minzheng-2020.toml` against
    `python3 -c "import tomllib, json, argparse"`, median of 21 runs each,
    interleaved. Target: <= 1.3x.

Run: python3 benchmarks/bench_check.py [--reports 20000,100000] [--runs 1] [--cold-runs 21]
     [--only check] (variants whose label contains the text; `--only cold`: the cold start alone)
     [--installed] (cold start of the package installed for this python, e.g. a wheel in a venv)
Kept out of CI. Nothing here is a test.
"""

import argparse
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

BARE_COMPILED = r"""
import os, sys
from toml_rs import loads
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".toml"):
            with open(os.path.join(root, f), "rb") as fh:
                loads(fh.read().decode("utf-8"), toml_version="1.0.0")
            n += 1
print(n)
"""

BARE_COMPILED_POOL = r"""
import multiprocessing, os, sys
from toml_rs import loads

def parse(path):
    with open(path, "rb") as fh:
        loads(fh.read().decode("utf-8"), toml_version="1.0.0")
    return 1

if __name__ == "__main__":
    paths = [os.path.join(root, f) for root, dirs, files in os.walk(sys.argv[1]) for f in files if f.endswith(".toml")]
    jobs = int(sys.argv[2])
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        print(sum(pool.imap_unordered(parse, paths, chunksize=max(1, len(paths) // (jobs * 16)))))
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


# Characters a varied corpus writes over others' (common in the reports).
_HANZI = "政府信息公开工作年度报告机关申请办理情况主动依法规范制度平台建设监督保障全面推进落实加强完善"


def _vary(sentence, rng):
    """The sentence as another agency would word it: about one character in
    twelve replaced (never its digits or its 。), so that no two agencies
    share a sentence, while an agency keeps its own from year to year."""
    chars = list(sentence)
    for _ in range(max(1, len(chars) // 12)):
        i = rng.randrange(len(chars))
        if not chars[i].isdecimal() and chars[i] != "。":
            chars[i] = rng.choice(_HANZI)
    return "".join(chars)


def _rewrite(sentences, pool, rng, vary=None):
    """A year's narrative: mostly last year's sentences (some dropped, some
    moved), with a few new ones, so that yoy.text-copied has real work and
    flags some reports but not all."""
    out = [x for x in sentences if rng.random() > 0.15]
    for _ in range(rng.randint(0, 3)):
        new = rng.choice(pool)
        out.insert(rng.randint(0, len(out)), vary(new, rng) if vary else new)
    if len(out) > 3 and rng.random() < 0.5:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return "".join(out)


def generate(folder, count, seed=2, varied=False):
    """`count` report files: each sample under many agencies, consecutive years
    within an agency's edition; narratives rewritten from year to year; one
    cell in ten reports changed.

    The narratives draw on the samples' 100 sentences, so agencies share
    them as no real ones do, and the similarity's and normalising's
    sentence caches hit far more than on real reports. `varied` rewords
    every sentence per agency (`_vary`): only an agency's own years repeat
    a sentence (7 of 16 in hongze 2023 → 2024)."""
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
        if varied:
            narrative = {k: [_vary(x, rng) for x in v] for k, v in narrative.items()}
        form2019 = data["report"]["form"].endswith("2019")
        years = (2019, 2020) if form2019 else (2021, 2022, 2023, 2024, 2025)
        old_agency = data["report"]["agency"]
        for year in years:
            if made >= count:
                break
            narrative = {k: _sentences(_rewrite(v, pool, rng, _vary if varied else None)) or v
                         for k, v in narrative.items()}
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


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _tree(pid):
    """pid and all its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
    return out


def _tree_rss(pid):
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def timed(cmd, **kw):
    """(wall s, user+sys CPU s of the whole tree, peak tree RSS bytes, returncode)."""
    import threading

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, **kw)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.isdir("/proc"):
        sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - t0
    done.set()
    if sampler.is_alive():
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak[0], rc


def _count_in_file(path, needle):
    n, tail = 0, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            n += buf.count(needle)
            tail = buf[-(len(needle) - 1):]
    return n


def throughput(folder, count, runs, nianbao, jobs, only=""):
    """{label: (best wall, its CPU, peak tree RSS, median wall)}; variants
    interleaved run by run, so that other load on the machine hits them alike."""
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out_dir = tempfile.mkdtemp(prefix="nianbao-bench-out-")
    variants = {
        "bare tomllib loop": [sys.executable, "-c", BARE_PARSE, folder],
        "bare compiled loop": [sys.executable, "-c", BARE_COMPILED, folder],
        f"bare compiled loop, {jobs} cores": [sys.executable, "-c", BARE_COMPILED_POOL, folder, str(jobs)],
        "check --format json": nianbao + ["check", "--format", "json", folder],
        "check --format json --jobs 1": nianbao + ["check", "--format", "json", "--jobs", "1", folder],
        "check (text)": nianbao + ["check", folder],
        "check (text) --jobs 1": nianbao + ["check", "--jobs", "1", folder],
    }
    variants = {k: v for k, v in variants.items() if only in k or k in _needed(jobs)}
    samples = {label: [] for label in variants}
    try:
        for _ in range(runs):
            for label, cmd in variants.items():
                out = os.path.join(out_dir, "out")
                with open(out, "wb") as fh:
                    wall, cpu, rss, rc = timed(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.DEVNULL)
                if label.startswith("bare"):
                    with open(out) as fh:
                        assert rc == 0 and int(fh.read()) == count, label
                elif "json" in label:
                    assert rc in (0, 1), (label, rc)
                    assert _count_in_file(out, b'"digest": ') == count, label
                else:
                    assert rc in (0, 1), (label, rc)
                    with open(out, "rb") as fh:
                        fh.seek(max(0, os.path.getsize(out) - 4096))
                        assert f"共 {count} 份报告".encode() in fh.read(), label
                samples[label].append((wall, cpu, rss))
                os.unlink(out)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    rows = {}
    for label, got in samples.items():
        best = min(got)
        rows[label] = (best[0], best[1], max(r for _, _, r in got), statistics.median(w for w, _, _ in got))
    return rows


def _generated(folder):
    """How many reports an earlier run generated in `folder` (0 if none)."""
    return sum(f.endswith(".toml") for _, _, fs in os.walk(folder) for f in fs)


def _needed(jobs):
    """The variants every ratio needs."""
    return ("bare tomllib loop", f"bare compiled loop, {jobs} cores", "check --format json")


def install_kind():
    """How this interpreter has nianbao: an editable install, a package, or none."""
    import json
    from importlib import metadata

    # The checkout is on sys.path here: a `nianbao.egg-info` left in it by a
    # build is found first, and is no install (it has no direct_url.json,
    # so an editable install read as a package).
    repo = os.path.realpath(REPO)
    dists = [d for d in metadata.distributions(name="nianbao")
             if os.path.realpath(str(d.locate_file(""))) != repo]
    if not dists:
        return "not installed (the checkout, through PYTHONPATH)"
    dist = dists[0]
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    if direct.get("dir_info", {}).get("editable"):
        return f"editable install of {direct.get('url', '?')}"
    return f"installed package (not editable), {dist.locate_file('')}"


def cold_start(runs, nianbao, pycache=None, installed=False):
    """Median wall times. With `pycache`, bytecode is cached there (PYTHONPYCACHEPREFIX),
    as for an installed package; without, the environment decides (an editable
    install under PYTHONDONTWRITEBYTECODE compiles tui/ on every start). With
    `installed`, the checkout is not put on PYTHONPATH: the package installed
    for this interpreter is timed (say, a wheel installed into a throwaway venv)."""
    env = dict(os.environ)
    if not installed:
        env["PYTHONPATH"] = REPO + os.pathsep + os.environ.get("PYTHONPATH", "")
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
            proc = subprocess.run(cmd, cwd=tempfile.gettempdir() if installed else REPO, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if i:  # the first round warms the caches
                times[label].append(time.perf_counter() - t0)
            assert proc.returncode == 0, proc.stderr
    return {k: statistics.median(v) for k, v in times.items()}


def _load():
    try:
        return "load average %.1f %.1f %.1f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", default="20000,100000", help="comma-separated sizes")
    ap.add_argument("--runs", type=int, default=1, help="runs per throughput variant (best is reported)")
    ap.add_argument("--cold-runs", type=int, default=21)
    ap.add_argument("--only", default="", help="run only the variants whose label contains this text "
                    "(cold: only the cold start)")
    ap.add_argument("--installed", action="store_true",
                    help="cold start of the package installed for this interpreter (the checkout not on PYTHONPATH)")
    # As many processes as `check` starts by default: the cores this process
    # may use (under taskset or a cpuset, fewer than os.cpu_count()).
    sys.path.insert(0, REPO)
    from tui.core.batch import usable_cores

    cores = usable_cores()
    ap.add_argument("--jobs", type=int, default=cores, help="cores for the pooled compiled loop")
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the generated reports")
    ap.add_argument("--varied", action="store_true",
                    help="no sentence shared between agencies (see generate); kept in DIR/v<size>")
    ap.add_argument("--corpus", metavar="DIR",
                    help="generate the reports of each size in DIR/r<size> and keep them; reuse them when there")
    a = ap.parse_args()

    nianbao = nianbao_command()
    peaks = {}
    for size in [int(x) for x in a.reports.split(",") if x and a.only != "cold"]:
        kind = "v" if a.varied else "r"
        folder = os.path.join(a.corpus, f"{kind}{size}") if a.corpus else tempfile.mkdtemp(prefix="nianbao-bench-")
        try:
            t0 = time.perf_counter()
            n = _generated(folder) if a.corpus else 0
            if n != size:
                shutil.rmtree(folder, ignore_errors=True)
                os.makedirs(folder)
                n = generate(folder, size, varied=a.varied)
            made = time.perf_counter() - t0
            bytes_ = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs)
            print(f"\n== {n} {'varied ' if a.varied else ''}reports, {bytes_ / 1e6:.0f} MB (generated in {made:.0f} s), {cores} CPUs, "
                  f"Python {sys.version.split()[0]}, {_load()}", flush=True)
            rows = throughput(folder, n, a.runs, nianbao, a.jobs, a.only)
            bare = rows["bare tomllib loop"][0]
            pooled = rows[f"bare compiled loop, {a.jobs} cores"][0]
            print(f"{'(a) best of %d' % a.runs:34} {'wall s':>7} {'cpu s':>7} {'cpu/wall':>8} {'files/s':>8} "
                  f"{'cpu ms/file':>11} {'vs tomllib':>10} {'vs pooled':>9} {'peak MB':>8}")
            for label, (wall, cpu, rss, median) in rows.items():
                print(f"{label:34} {wall:7.1f} {cpu:7.1f} {cpu / wall:8.2f} {n / wall:8.0f} {cpu / n * 1000:11.3f} "
                      f"{bare / wall:9.2f}x {pooled / wall:8.2f}x {rss / 1e6:8.0f}")
            json_wall, _, json_rss, _ = rows["check --format json"]
            r1, r2 = bare / json_wall, pooled / json_wall
            print(f"check json vs bare tomllib loop: {r1:.2f}x (target >= 4x) {'ok' if r1 >= 4 else 'MISSED'}; "
                  f"vs {a.jobs}-core compiled loop: {r2:.2f}x (target >= 0.5x) {'ok' if r2 >= 0.5 else 'MISSED'}")
            peak = max(rss for _, _, rss, _ in (v for k, v in rows.items() if k.startswith("check")))
            peaks[n] = peak
            print(f"peak tree RSS of check: {peak / 1e6:.0f} MB; {_load()}", flush=True)
        finally:
            if a.corpus:
                pass
            elif a.keep:
                print(f"reports kept in {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    if len(peaks) > 1:
        small, big = min(peaks), max(peaks)
        r = peaks[big] / peaks[small]
        print(f"\npeak tree RSS {big}: {peaks[big] / 1e6:.0f} MB (target <= 400 MB) "
              f"{'ok' if peaks[big] <= 400e6 else 'MISSED'}; {r:.2f}x the {small} figure (target <= 1.2x) "
              f"{'ok' if r <= 1.2 else 'MISSED'}")

    if a.no_cold:
        return
    pycache = tempfile.mkdtemp(prefix="nianbao-pycache-")
    print(f"\nnianbao for {sys.executable}: {install_kind()}")
    try:
        # Under PYTHONDONTWRITEBYTECODE an editable install compiles tui/ on
        # every start: no user's case (pip compiles an installed package), so
        # that row gets no verdict.
        uncached = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        here = "as installed here" + (", PYTHONDONTWRITEBYTECODE set" if uncached else "")
        for title, cache in ((here, None), ("bytecode cached", pycache)):
            cold = cold_start(a.cold_runs, nianbao, cache, a.installed)
            base = cold["python3 -c 'import tomllib, json, argparse'"]
            print(f"\n(b) cold start, {title}\n{'':40} {'median ms':>10} {'vs base':>8}")
            for label, t in cold.items():
                print(f"{label:40} {t * 1000:10.1f} {t / base:7.2f}x")
            r = cold["nianbao check <one report>"] / base
            verdict = "no verdict: bytecode not written" if cache is None and uncached else (
                "ok" if r <= 1.3 else "MISSED")
            print(f"cold start ratio: {r:.2f}x (target <= 1.3x) {verdict}; {_load()}")
    finally:
        shutil.rmtree(pycache, ignore_errors=True)


if __name__ == "__main__":
    main()
