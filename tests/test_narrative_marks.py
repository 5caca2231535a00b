"""Marking findings' spans in a narrative and in the narrative diff (pure parts)."""

from tui.app.widgets.narrative import highlighted, text_spans
from tui.app.widgets.text_diff import diff_markup
from tui.core.findings import Finding
from tui.core.textdiff import DELETE, EQUAL, INSERT


def finding(address, start, end, severity="warning"):
    f = Finding("text.claim", severity, "m", ["applications.new_received[6]", address])
    f.span = (address, start, end)
    return f


def reversed_runs(text):
    plain = text.plain
    return [plain[s.start:s.end] for s in text.spans if "reverse" in str(s.style)]


def test_text_spans_shift_clip_and_overlap():
    a, b, c = finding("text.overview", 2, 6), finding("text.overview", 4, 9), finding("text.other", 0, 3)
    assert [(s, e) for s, e, _ in text_spans([b, a, c], "text.overview")] == [(2, 6), (6, 9)]
    assert [(s, e) for s, e, _ in text_spans([a], "text.overview", shift=1, length=4)] == [(1, 4)]


def test_highlighted_puts_the_glyph_before_the_span():
    body = "全年收到申请 97 件，其他"
    f = finding("text.overview", 2, 11)
    t = highlighted(body, text_spans([f], "text.overview"), {})
    assert t.plain == "全年!收到申请 97 件，其他"
    assert reversed_runs(t) == ["收到申请 97 件"]


def test_diff_marks_new_side_spans_across_ops():
    # old: "收到申请 21 件。"  new: "收到申请 17 件。"
    ops = [(EQUAL, "收到申请 "), (DELETE, "21"), (INSERT, "17"), (EQUAL, " 件。")]
    new = finding("text.overview", 0, 9)              # "收到申请 17 件" in the new text
    t = diff_markup(ops, {}, text_spans([new], "text.overview"))
    assert t.plain == "!收到申请 [-21-]{+17+} 件。"
    assert "".join(reversed_runs(t)) == "收到申请 17 件"   # the deleted 21 is not part of the new clause


def test_diff_marks_old_side_spans():
    ops = [(DELETE, "XX局"), (INSERT, "民政局"), (EQUAL, "负责。")]
    old = finding("text.overview", 0, 2, "error")
    t = diff_markup(ops, {}, (), text_spans([old], "text.overview"))
    assert t.plain == "[-✗XX局-]{+民政局+}负责。"
    assert reversed_runs(t) == ["XX"]


def test_diff_without_spans_unchanged():
    ops = [(EQUAL, "a"), (DELETE, "b"), (INSERT, "c")]
    assert diff_markup(ops, {}).plain == "a[-b-]{+c+}"
