"""How long the narrative diff and the report comparison take.

    python3 benchmarks/bench_diff.py [--repeat N]

Texts are built from the narratives of the sample reports under reports/
(about 100 distinct sentences, 6,000 characters), shuffled with fixed
seeds so every run measures the same inputs:

- unrelated: two 5,000-character narratives from disjoint halves of the
  sentences (nothing in common but the vocabulary) — the case that makes
  diff-match-patch with its default Diff_Timeout non-deterministic;
- reordered: the same sentences in two different orders;
- edited: a copy with every fourth sentence touched and the numbers changed
  (the year-over-year case the reviewer cares about);
- scrambled: the clauses of every sentence reversed, and separately each
  sentence's halves swapped (similar enough to be paired, far apart as
  token strings: the worst case for the token-level refinement);
- shuffled characters: the same characters in random order.

Then compare_reports on the largest pair of sample reports (by text size),
with and without building the text diffs.
"""

import argparse
import os
import pathlib
import random
import re
import statistics
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tui.core import textdiff  # noqa: E402
from tui.core.compare import compare_reports  # noqa: E402
from tui.core.load import load_path  # noqa: E402

SIZE = 5000


def sample_sentences():
    import tomllib

    pool = set()
    for path in sorted((REPO / "reports").glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for value in data.get("text", {}).values():
            if isinstance(value, str):
                pool.update(s for s in textdiff.sentences(value) if len(s.strip()) > 3)
    return sorted(pool)


def build(sentences, seed, size=SIZE, renumber=False):
    """`size` characters of the sentences in a seeded random order (repeated as needed)."""
    rng = random.Random(seed)
    out, total = [], 0
    while total < size:
        order = list(sentences)
        rng.shuffle(order)
        for s in order:
            if renumber:
                s = re.sub(r"\d+", lambda m: str(rng.randrange(10000)), s)
            out.append(s)
            total += len(s)
            if total >= size:
                break
    return "".join(out)[:size]


def edited_copy(text, seed):
    rng = random.Random(seed)
    parts = textdiff.sentences(text)
    for k in range(0, len(parts), 4):
        chars = list(parts[k])
        for _ in range(3):
            if chars:
                chars[rng.randrange(len(chars))] = "改"
        parts[k] = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), "".join(chars))
    return "".join(parts)


def reverse_clauses(text):
    return "".join("".join(reversed(re.findall(r"[^，、：]+[，、：]?", s))) for s in textdiff.sentences(text))


def swap_halves(text):
    return "".join(s[len(s) // 2:] + s[:len(s) // 2] for s in textdiff.sentences(text))


def cases():
    pool = sample_sentences()
    rng = random.Random(0)
    mixed = list(pool)
    rng.shuffle(mixed)
    half = len(mixed) // 2
    base = build(pool, 3)
    return {
        "unrelated": (build(mixed[:half], 1), build(mixed[half:], 2)),
        "reordered": (base, build(pool, 4)),
        "edited": (base, edited_copy(base, 5)),
        "clauses reversed": (base, reverse_clauses(base)),
        "halves swapped": (base, swap_halves(base)),
        "shuffled characters": ("".join(random.Random(7).sample(base, len(base))),
                                "".join(random.Random(8).sample(base, len(base)))),
    }


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), result


def largest_pair():
    paths = sorted((REPO / "reports").glob("*.toml"), key=lambda p: -os.path.getsize(p))
    return [load_path(p, str(p.relative_to(REPO))) for p in paths[:2]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    textdiff.diff_text("预热。", "预热！")  # import diff_match_patch outside the timings
    print(f"diff_text, {args.repeat} runs each (ms)")
    for name, (old, new) in cases().items():
        med, worst, ops = timed(lambda: textdiff.diff_text(old, new), args.repeat)
        assert textdiff.old_text(ops) == old and textdiff.new_text(ops) == new
        deleted, inserted = textdiff.diff_stats(ops)
        print(f"  {name:<20} {len(old):>5} / {len(new):>5} chars  median {med:6.1f}  max {worst:6.1f}"
              f"   ({len(ops)} ops, -{deleted} +{inserted} chars)")
    old, new = largest_pair()
    print(f"compare_reports {old.file} vs {new.file} (ms)")
    med, worst, _ = timed(lambda: compare_reports(old, new), args.repeat)
    print(f"  {'cells only':<20} median {med:6.1f}  max {worst:6.1f}")

    def with_texts():
        c = compare_reports(old, new)
        for t in c.texts:
            t.ops
        return c

    med, worst, _ = timed(with_texts, args.repeat)
    print(f"  {'cells and text diffs':<20} median {med:6.1f}  max {worst:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
