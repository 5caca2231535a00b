"""Narratives too long for diff-match-patch (over UNIT_LIMIT sentences a side: a
2 MB narrative has ~20,000) are aligned on the sentences found once on each side
(patience diff) and the stretches between diffed as usual. Before, all but the
common ends was one deletion and one insertion: a 2 MB pair with one sentence in
ten dropped and one in ten rewritten read 删 616,230 字，增 686,526 字 (now
68,650 and 138,946). UNIT_LIMIT is lowered here so short texts take that path."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import textdiff
from tui.core.textdiff import diff_stats, diff_text, new_text, old_text

SENTENCES = [f"第{n}项工作稳步推进，成效明显。" for n in range(40)] + ["同上。", "\n", "政务公开 2024 年 12 件。"]


def test_anchors_are_the_longest_chain_of_units_found_once_on_each_side():
    a = [("甲",), ("乙",), ("丙",), ("丁",), ("乙",)]
    b = [("丙",), ("甲",), ("丁",), ("戊",)]
    # 乙 twice in a: no anchor; 甲/丙 cross, the chain keeps one of them, and 丁
    assert textdiff._anchors(a, b) in ([(0, 1), (3, 2)], [(2, 0), (3, 2)])
    assert textdiff._anchors([("1件。",)], [("2件。",)]) == []  # exact units: a number change is the stretches'


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), max_size=40), st.lists(st.sampled_from(SENTENCES), max_size=40))
def test_long_diffs_are_lossless(old, new):
    limit = textdiff.UNIT_LIMIT
    textdiff.UNIT_LIMIT = 5
    try:
        ops = diff_text("".join(old), "".join(new))
    finally:
        textdiff.UNIT_LIMIT = limit
    assert old_text(ops) == "".join(old) and new_text(ops) == "".join(new)


def test_a_long_narrative_with_sentences_dropped_and_rewritten_shows_only_those(monkeypatch):
    monkeypatch.setattr(textdiff, "UNIT_LIMIT", 20)
    rng = random.Random(15)
    this = [f"第{n}项：{'政务公开' * rng.randint(1, 4)}工作第 {n} 次检查合格。" for n in range(300)]
    last, dropped, rewritten = [], 0, 0
    for s in this:
        r = rng.random()
        if r < 0.1:
            dropped += len(s)
            continue
        if r < 0.2:
            last.append("另写的一句话，与今年的不同" + "。" * 3)
            rewritten += len(s)
            continue
        last.append(s)
    ops = diff_text("".join(last), "".join(this))
    assert old_text(ops) == "".join(last) and new_text(ops) == "".join(this)
    deleted, inserted = diff_stats(ops)
    assert inserted <= dropped + rewritten  # not the whole text again
    assert deleted < len("".join(last)) / 2
