"""Per-report cost of the single-report rules (issue 15.3), before and after.

Generates reports in memory from the four samples under reports/ (both
editions), most clean and some with faults of every kind the rules look for
(sums off by one, blank or odd cells, missing rows, wrong shapes), then times
`check_report` over them: the best of several rounds, per report, in µs.
The year-over-year pair rules are timed the same way on consecutive pairs.

With --against REV the same measurement runs on that git revision's tui/
(exported with `git archive` into a temporary folder) in a subprocess, and
the findings of both are compared: they must be byte-identical (the JSON of
every finding, in order). Prints both figures and their ratio.

Run: python3 benchmarks/bench_rules.py [--reports 2000] [--rounds 7] [--against main~N]
Nothing here is a test; timings on shared machines are noisy (best of rounds).
"""

import argparse
import copy
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = os.path.join(REPO, "reports")


def _samples():
    out = []
    for name in sorted(os.listdir(REPORTS)):
        if name.endswith(".toml"):
            with open(os.path.join(REPORTS, name), "rb") as fh:
                out.append((name, tomllib.load(fh)))
    return out


def _lists(node, path=()):
    """(path, list) of every array of numbers in a table (the rows of 三 and 四)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _lists(v, path + (k,))
    elif isinstance(node, list) and node and all(isinstance(x, (int, float, str)) for x in node):
        yield path, node


def _spoil(data, rng):
    """One fault of a random kind, in place."""
    kind = rng.randrange(8)
    tables = [(s, p, cells) for s in ("applications", "appeals") if isinstance(data.get(s), dict)
              for p, cells in _lists(data[s])]
    if not tables:
        return
    section, path, cells = rng.choice(tables)
    i = rng.randrange(len(cells))
    if kind <= 2:  # a sum off by one
        cells[i] = (cells[i] if isinstance(cells[i], int) else 0) + 1
    elif kind == 3:  # blank or odd cell
        cells[i] = rng.choice(["", "/", "—", -3, 2.5, True])
    elif kind == 4:  # a missing row
        node = data[section]
        for k in path[:-1]:
            node = node[k]
        node.pop(path[-1], None)
    elif kind == 5:  # a short row
        del cells[-1]
    elif kind == 6:  # table 二 and the summary
        active = data.get("active")
        if isinstance(active, dict) and active:
            key = rng.choice(sorted(active))
            row = active[key]
            if isinstance(row, dict) and row:
                field = rng.choice(sorted(row))
                row[field] = rng.choice(["", -1, 1.5, "万元", 7])
    else:  # narrative and identity
        data.setdefault("text", {})["overview"] = rng.choice([3, "", "正文"])
        data["report"]["published"] = rng.choice(["2024-01-01", 2024])


def generate(n, seed=1):
    """n report data dicts: (file name, data), 3 in 10 with one or two faults."""
    rng = random.Random(seed)
    samples = _samples()
    out = []
    for i in range(n):
        name, base = samples[i % len(samples)]
        data = copy.deepcopy(base)
        data["report"]["agency"] = f"{data['report']['agency']}-{i // len(samples) // 3}"
        data["report"]["year"] = data["report"]["year"] + (i // len(samples)) % 3
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                _spoil(data, rng)
        out.append((f"{i:05d}-{name}", data))
    return out


def measure(n, rounds):
    """Run in the tree on sys.path: time the rules, hash their findings."""
    from tui.core.load import from_data
    from tui.core.report import Report
    from tui.core.rules import check_report
    from tui.core.yoy import check_pair, pair_reports

    reports = [r for r in (from_data(d, f) for f, d in generate(n)) if isinstance(r, Report)]
    previous, _ = pair_reports(reports)
    pairs = [(r, previous[id(r)]) for r in reports if id(r) in previous]

    def run_all():
        return [check_report(r) for r in reports]

    def run_pairs():
        return [check_pair(r, p) for r, p in pairs]

    def best(fn):
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    single = best(run_all)
    pair = best(run_pairs) if pairs else 0.0
    digest = hashlib.sha256()
    count = 0
    for found in run_all() + run_pairs():
        for f in found:
            digest.update(json.dumps(f.to_json(), ensure_ascii=False, sort_keys=True).encode())
            count += 1
        digest.update(b"\n")
    return {"reports": len(reports), "pairs": len(pairs), "findings": count, "digest": digest.hexdigest(),
            "us_per_report": single / len(reports) * 1e6,
            "us_per_pair": pair / len(pairs) * 1e6 if pairs else None}


def _in_tree(tree, n, rounds):
    env = dict(os.environ, PYTHONPATH=tree)
    env.pop("NIANBAO_FORMS", None)
    code = (f"import sys, json; sys.path.insert(0, {tree!r}); sys.path.insert(1, {os.path.dirname(__file__)!r}); "
            f"import bench_rules; print(json.dumps(bench_rules.measure({n}, {rounds})))")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--against", metavar="REV", help="also measure this git revision and compare")
    a = ap.parse_args()
    now = _in_tree(REPO, a.reports, a.rounds)
    rows = [("this tree", now)]
    if a.against:
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "-C", REPO, "archive", a.against, "tui"], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            rows.insert(0, (a.against, _in_tree(tmp, a.reports, a.rounds)))
    print(f"{a.reports} generated reports, best of {a.rounds} rounds")
    for name, r in rows:
        pair = f"{r['us_per_pair']:.1f} µs/pair ({r['pairs']} pairs)" if r["us_per_pair"] else "no pairs"
        print(f"  {name:>12}: {r['us_per_report']:7.1f} µs/report   {pair}   "
              f"{r['findings']} findings  sha256 {r['digest'][:12]}")
    if a.against:
        old, new = rows[0][1], rows[1][1]
        print(f"  ratio (before/after): single-report rules {old['us_per_report'] / new['us_per_report']:.2f}x"
              + (f", pair rules {old['us_per_pair'] / new['us_per_pair']:.2f}x" if old["us_per_pair"] else ""))
        same = old["digest"] == new["digest"]
        print("  findings byte-identical" if same else "  FINDINGS DIFFER")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
