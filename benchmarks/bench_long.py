"""Big single files (issue 15.4): `nianbao check` on a report whose overview
is a 2 MB narrative, alone and as a pair (this year + last year, both 2 MB,
so text.copied's similarity runs on the two narratives).

    python3 benchmarks/bench_long.py [--runs 3] [--kind corpus|random|both] [--profile]

The narratives (UTF-8 size 2,000,000 bytes, about 680,000 characters):

* corpus: sentences of the sample reports' narratives, picked at random, each
  with its numbers redrawn (so claims and figures are found all along), and
  one sentence in four with a stretch of corpus characters in random order
  spliced in (so the text is not just a few hundred sentences repeated);
* random: characters drawn from the samples' characters at their frequency,
  with a 。 now and then: nearly every 5-character substring is distinct (the
  similarity's worst case for memory and time).

Last year's narrative is this year's with one sentence in ten dropped and
one in ten rewritten the same way. Each figure is the median of --runs fresh
`nianbao check` processes: CPU (user + system) and peak RSS (ru_maxrss of the
process; a check of one or two files starts no workers). Target: <= 1 s CPU
and <= 200 MB for one report.

--profile prints cProfile's top functions for a pair, in this process.

--workbench opens the pair in the workbench (headless, 80x24), --runs times:
the list, `c` on the 2024 row (the pair opens in a worker), `t` (the 正文
view: the narratives are diffed and wrapped in a worker), scrolling it,
`t` back to the tables and again, `q` back to the list. A 5 ms timer on the
interface thread records its ticks; the largest gap between two ticks is
the longest a key typed meanwhile would have waited (target: 100 ms).
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = os.path.join(REPO, "reports")
SIZE = 2_000_000  # bytes of UTF-8

_RUN = r"""
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime, r.ru_maxrss * 1024)
"""


def _nianbao():
    script = os.path.join(sysconfig.get_path("scripts"), "nianbao")
    return [script] if os.path.isfile(script) else [sys.executable, "-m", "tui"]


def _narratives():
    out = []
    for name in sorted(os.listdir(REPORTS)):
        if name.endswith(".toml"):
            with open(os.path.join(REPORTS, name), "rb") as fh:
                out.extend(v for v in tomllib.load(fh).get("text", {}).values() if isinstance(v, str))
    return out


def _redraw(sentence, rng):
    return re.sub(r"\d+", lambda m: str(rng.randint(0, 10 ** len(m.group()))), sentence)


def _corpus_sentence(pool, chars, rng):
    s = _redraw(rng.choice(pool), rng)
    if rng.random() < 0.25:
        cut = rng.randrange(len(s))
        s = s[:cut] + "".join(rng.choice(chars) for _ in range(rng.randint(10, 60))) + s[cut:]
    return s


def _random_sentence(pool, chars, rng):
    return "".join(rng.choice(chars) for _ in range(rng.randint(20, 120))) + "。"


def make_pair(kind, seed=15):
    """(this year's narrative, last year's): each about SIZE bytes of UTF-8."""
    rng = random.Random(seed)
    texts = _narratives()
    pool = [p + "。" for t in texts for p in t.split("。") if p.strip()]
    chars = [c for t in texts for c in t if not c.isspace() and not c.isdigit() and c != "。"]
    sentence = _corpus_sentence if kind == "corpus" else _random_sentence
    this, size = [], 0
    while size < SIZE:
        s = sentence(pool, chars, rng)
        this.append(s)
        size += len(s.encode("utf-8"))
    last = []
    for s in this:
        r = rng.random()
        if r < 0.1:
            continue
        last.append(sentence(pool, chars, rng) if r < 0.2 else s)
    return "".join(this), "".join(last)


def write_reports(folder, kind):
    """hongze-2024 and hongze-2023 with their overview replaced by the pair's."""
    sys.path.insert(0, REPO)
    from tui.core.tomltext import toml_string

    this, last = make_pair(kind)
    paths = []
    for name, text in (("hongze-2024.toml", this), ("hongze-2023.toml", last)):
        with open(os.path.join(REPORTS, name), encoding="utf-8") as fh:
            body = fh.read()
        body = re.sub(r"^overview = .*$", lambda m: "overview = " + toml_string(text), body, count=1, flags=re.M)
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(body)
        paths.append(path)
    return paths


def measure(args, runs):
    cpu, rss = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _RUN, *_nianbao(), "check", *args],
                             capture_output=True, text=True, check=True).stdout.split()
        cpu.append(float(out[0]))
        rss.append(int(out[1]))
    return statistics.median(cpu), statistics.median(rss) / 1e6


def profile(paths):
    import cProfile
    import pstats

    sys.path.insert(0, REPO)
    from tui.cli import main

    prof = cProfile.Profile()
    prof.enable()
    try:
        main(["check", *paths])
    except SystemExit:
        pass
    prof.disable()
    pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(25)


async def workbench(folder):
    import asyncio
    import time

    sys.path.insert(0, REPO)
    from tui.app.app import NianbaoApp
    from tui.app.screens.compare import CompareScreen

    app = NianbaoApp([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        ticks = [time.perf_counter()]
        timer = app.set_interval(0.005, lambda: ticks.append(time.perf_counter()))

        async def phase(label, keys, done):
            begin = len(ticks)
            start = time.perf_counter()
            await pilot.press(*keys)
            while not done():
                await asyncio.sleep(0.005)
            await app.workers.wait_for_complete()
            await pilot.pause()
            took = time.perf_counter() - start
            gaps = [b - a for a, b in zip(ticks[begin - 1:], ticks[begin:])]
            print(f"  {label:44} {took:5.2f} s; interface thread held at most {max(gaps) * 1000:4.0f} ms "
                  f"(limit 100 ms)", flush=True)

        list_screen = app.screen
        table = list_screen.query_one("#reports")
        table.move_cursor(row=[e.year for e in list_screen.shown].index(2024))
        await pilot.pause()
        await phase("c: the pair opens, tables painted", ["c"],
                    lambda: isinstance(app.screen, CompareScreen) and app.screen.ready)
        await phase("t: the 正文 view, narratives diffed", ["t"],
                    lambda: all(v.ops is not None for v in app.screen.text_views))
        await phase("down x5, pagedown x3, end, home: scrolling",
                    ["down"] * 5 + ["pagedown"] * 3 + ["end", "home"], lambda: True)
        await phase("t: back to the tables", ["t"], lambda: app.screen.view == "tables")
        await phase("t: the 正文 view again", ["t"], lambda: app.screen.view == "texts")
        await phase("q: back to the list", ["q"], lambda: app.screen is list_screen)
        await asyncio.sleep(0.5)  # what leaving sets off (the collector's full pass) counts too
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        print(f"  {'all of it':44} largest gap {max(gaps) * 1000:4.0f} ms", flush=True)
        timer.stop()
        return max(gaps)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kind", choices=("corpus", "random", "both"), default="both")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--workbench", action="store_true")
    a = ap.parse_args()
    if a.workbench:
        import asyncio

        for kind in (("corpus", "random") if a.kind == "both" else (a.kind,)):
            with tempfile.TemporaryDirectory() as folder:
                write_reports(folder, kind)
                worst = []
                for run in range(a.runs):
                    print(f"workbench, a pair of 2 MB narratives ({kind}), 80x24, run {run + 1}; "
                          f"load average {os.getloadavg()[0]:.2f}:", flush=True)
                    worst.append(asyncio.run(workbench(folder)))
                print(f"{kind}: largest gap, median of {a.runs} runs: {statistics.median(worst) * 1000:.0f} ms "
                      f"(runs: {', '.join(f'{w * 1000:.0f}' for w in worst)})", flush=True)
        return
    with tempfile.TemporaryDirectory() as folder:
        for kind in (("corpus", "random") if a.kind == "both" else (a.kind,)):
            sub = os.path.join(folder, kind)
            os.makedirs(sub)
            paths = write_reports(sub, kind)
            if a.profile:
                profile(paths)
                continue
            sizes = ", ".join(f"{os.path.getsize(p) / 1e6:.2f} MB" for p in paths)
            print(f"{kind}: files {sizes}; median of {a.runs} runs", flush=True)
            bare = measure(["--help"], a.runs)
            for label, args in (("one report", paths[:1]), ("pair", paths)):
                cpu, mb = measure(args, a.runs)
                print(f"  {label:10} CPU {cpu:5.2f} s  peak RSS {mb:5.0f} MB   "
                      f"(target <= 1 s, <= 200 MB; 'check --help' alone: {bare[0]:.2f} s, {bare[1]:.0f} MB)",
                      flush=True)


if __name__ == "__main__":
    main()
