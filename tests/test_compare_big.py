"""Issue 15.4: a big pair (2 MB narratives) compared side by side without
blocking input. What would hold the interface thread is done elsewhere or
once: the pair's view-model is built in the list's worker, and the findings
panel (a 2 MB narrative can carry a thousand findings) is filled once when
the screen opens, not again for the first resize."""

import threading


def _big_pair(monkeypatch, before_build):
    """Every file counts as big, so `c` opens the pair in the list's worker;
    `before_build()` runs there, just before the pair's view-model is built."""
    from tui.app import compare_view
    from tui.app.screens import report_list

    monkeypatch.setattr(report_list, "BIG_FILE", 0)
    real = compare_view.CompareView.__init__

    def init(self, *args, **kwargs):
        before_build()
        real(self, *args, **kwargs)

    monkeypatch.setattr(compare_view.CompareView, "__init__", init)


async def _compare_hongze_2024(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    listing = app.screen
    listing.query_one("#reports").move_cursor(row=[e.name for e in listing.shown].index("hongze-2024.toml"))
    await pilot.press("c")
    return listing


async def test_big_pair_view_model_is_built_in_the_worker(in_reports_copy, monkeypatch):
    from tui.app.app import NianbaoApp
    from tui.app.screens.compare import CompareScreen

    built_on = []
    _big_pair(monkeypatch, lambda: built_on.append(threading.current_thread() is threading.main_thread()))
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _compare_hongze_2024(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert [m.report.year for m in app.screen.models] == [2023, 2024]
        assert built_on == [False]  # once, and not on the interface thread


async def test_a_big_pair_ready_after_the_user_opened_a_report_does_not_cover_it(in_reports_copy, monkeypatch):
    """The pair opens in a worker; if meanwhile the user opened a report from
    the list, the comparison must not appear over it (the list under the
    report is still `is_current` to Textual)."""
    from tui.app.app import NianbaoApp
    from tui.app.screens.report import ReportScreen

    release = threading.Event()
    _big_pair(monkeypatch, lambda: release.wait(10))  # the pair is ready after the user moved on
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        shown = []
        monkeypatch.setattr(app, "show_compare", lambda *a, **k: shown.append(a))
        await _compare_hongze_2024(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen) and shown == []


async def test_findings_panel_filled_once_on_open_and_not_on_resize(in_reports_copy, monkeypatch):
    from tui.app.app import NianbaoApp
    from tui.app.screens.compare import CompareFindings, CompareScreen

    fills = []
    real = CompareFindings._render_rows
    monkeypatch.setattr(CompareFindings, "_render_rows", lambda self: fills.append(1) or real(self))
    app = NianbaoApp(["reports/hongze-2023.toml", "reports/hongze-2024.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.ready
        assert len(fills) == 1
        panel = screen.query_one(CompareFindings)
        options = panel.option_count
        assert options == len(panel.rows) > 1
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert len(fills) == 1 and panel.option_count == options  # the list rewraps itself
        screen.refresh_side(1)  # what an edit calls: new findings, filled again
        await pilot.pause()
        assert len(fills) == 2 and panel.option_count == options


# The problem list adds a long list a chunk per turn of the event loop (a
# thousand findings' heights held the interface ~0.3-0.5 s at once). With
# chunks of 3 lines the grouped-findings scenarios of both screens still hold
# (expand, Enter, n/N highlighting lines not yet added when asked).

async def test_compare_grouped_findings_with_small_chunks(tmp_path, monkeypatch):
    from tests import test_compare_grouped_findings as grouped
    from tui.app.widgets.findings import FindingsPanel

    monkeypatch.setattr(FindingsPanel, "CHUNK", 3)
    await grouped.test_blank_columns_one_tagged_line_that_expands_and_n_visits_each_cell(tmp_path)


async def test_a_highlight_asked_for_a_line_not_yet_added_lands_on_it(monkeypatch):
    from tests.conftest import REPORTS
    from tui.app.app import NianbaoApp
    from tui.app.screens.compare import CompareFindings
    from tui.app.widgets.findings import FindingsPanel

    monkeypatch.setattr(FindingsPanel, "CHUNK", 1)
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml"), str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one(CompareFindings)
        assert len(panel.rows) >= 3
        panel._render_rows()  # refilled: one line now, the rest a line per turn
        last = panel.finding_at(len(panel.rows) - 1)
        assert panel.option_count < len(panel.rows)
        panel.show(last)
        assert panel.highlighted_finding() is last  # already, for keys acting on it
        for _ in range(len(panel.rows) + 5):
            await pilot.pause()
        assert panel.option_count == len(panel.rows)
        assert panel.highlighted == len(panel.rows) - 1 and panel.highlighted_finding() is last


# The diff's tokenizer scans a long text a stretch at a time (one findall over a
# 2 MB narrative held the interpreter ~0.1 s, the interface thread with it): the
# tokens are the same wherever the stretches end.

def test_tokens_the_same_when_scanned_in_stretches(monkeypatch):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tui.core import textdiff

    monkeypatch.setattr(textdiff, "_SPAN", 3)

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("政府信息公开，。 　1２,.3abcZ\n")), max_size=60))
    def check(text):
        assert textdiff.tokenize(text) == textdiff._TOKEN.findall(text)

    check()


# The 正文 view of a big pair: the diff is marked up (narrative_text with its ops) and
# wrapped (WrappedLines) only in workers, also when a resize asks for a new width, and the
# view builds only the lines it draws. SYNC_LIMIT lowered so the sample pair counts as big.

async def test_big_narrative_diff_marked_up_and_wrapped_off_the_interface_thread(monkeypatch):
    from tests.conftest import REPORTS, settled
    from tui.app.app import NianbaoApp
    from tui.app.screens import compare
    from tui.app.widgets import text_diff, wrapped
    from tui.app.widgets.text_diff import TextDiffView

    monkeypatch.setattr(TextDiffView, "SYNC_LIMIT", 100)
    marked_up = []  # (with the diff's ops, on the interface thread)
    real_markup = text_diff.narrative_text

    def markup(t, years, marks, colours, ops, *args):
        marked_up.append((bool(ops), threading.current_thread() is threading.main_thread()))
        return real_markup(t, years, marks, colours, ops, *args)

    monkeypatch.setattr(text_diff, "narrative_text", markup)
    monkeypatch.setattr(compare, "narrative_text", markup)
    wrapped_on, drawn = [], []  # (characters, on the interface thread); lines built
    real_init, real_item = wrapped.WrappedLines.__init__, wrapped.WrappedLines.__getitem__

    def init(self, text, width):
        wrapped_on.append((len(text), threading.current_thread() is threading.main_thread()))
        real_init(self, text, width)

    monkeypatch.setattr(wrapped.WrappedLines, "__init__", init)
    monkeypatch.setattr(wrapped.WrappedLines, "__getitem__", lambda self, y: drawn.append(y) or real_item(self, y))
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml"), str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("t")
        await settled(pilot)
        view = app.screen.query_one("#text-overview", TextDiffView)
        assert view.ops and not view.pending and "[-" in view.rendered.plain
        assert (True, False) in marked_up and (True, True) not in marked_up
        assert wrapped_on and not any(main for n, main in wrapped_on if n > 100)
        lines, shown = view.lines(view.content_region.width), app.screen.query_one("#texts").size.height
        assert isinstance(lines, wrapped.WrappedLines) and len(lines) > 2 * shown
        drawn.clear()
        view.refresh()
        await pilot.pause()
        assert 0 < len(drawn) <= shown  # the lines on screen, not all of them
        await pilot.resize_terminal(120, 40)
        await settled(pilot)
        await settled(pilot)
        assert (True, True) not in marked_up
        assert not any(main for n, main in wrapped_on if n > 100)
        assert view.content_region.width in view.cache and not view.stale


def test_narrative_head_words_the_first_findings_and_counts_the_rest():
    from types import SimpleNamespace

    from tui.app.widgets.text_diff import HEAD_FINDINGS, head_text
    from tui.core.textdiff import TextComparison

    t = TextComparison("overview", "一、总体情况", "旧文字。", "新文字。")
    findings = [SimpleNamespace(accepted=False, severity="warning", glyph="!", message=f"第 {n} 项")
                for n in range(HEAD_FINDINGS + 5)]
    plain = head_text(t, {"old": "2023", "new": "2024"}, {t.address: SimpleNamespace(findings=findings)},
                      {}, None).plain
    assert f"第 {HEAD_FINDINGS - 1} 项" in plain and f"第 {HEAD_FINDINGS} 项" not in plain
    assert "另有 5 项（见问题列表）" in plain
    few = head_text(t, {"old": "2023", "new": "2024"}, {t.address: SimpleNamespace(findings=findings[:3])},
                    {}, None).plain
    assert "第 2 项" in few and "另有" not in few
