"""The collector's full passes kept off the keys (tui.app.heap): a complete
list's rows are frozen once it shows, never while another screen is on top;
a comparison puts full collections off while open and leaves the list's rows
frozen when it closes (it used to unfreeze everything)."""

import gc

from tui.app.app import NianbaoApp
from tui.app.screens.compare import CompareScreen
from tui.app.screens.report_list import ReportListScreen


def _frozen(obj):
    """True when the collector's passes no longer walk `obj` (gc.freeze moved it)."""
    return gc.get_freeze_count() > 0 and not any(o is obj for o in gc.get_objects())


async def _complete_list(pilot, app):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, ReportListScreen) and not app.screen.checking


async def test_a_complete_list_freezes_its_rows(in_reports_copy):
    gc.unfreeze()
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _complete_list(pilot, app)
        entry = app.screen.entries[0]
        assert _frozen(entry)


async def test_a_list_completed_under_another_screen_freezes_when_shown_again(in_reports_copy):
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _complete_list(pilot, app)
        listing = app.screen
        gc.unfreeze()
        await pilot.press("enter")  # a report on top
        await pilot.pause()
        assert app.screen is not listing
        listing._unsettled = True  # as when the check ends under the report
        listing._settle_heap()
        assert gc.get_freeze_count() == 0  # the report's objects would be frozen with the list's
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is listing
        assert _frozen(listing.entries[0])


async def test_a_comparison_puts_full_collections_off_and_leaves_the_list_frozen(in_reports_copy):
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(120, 40)) as pilot:
        await _complete_list(pilot, app)
        listing = app.screen
        threshold = gc.get_threshold()
        table = listing.query_one("#reports")
        at = next(i for i, e in enumerate(listing.shown) if e.file.endswith("hongze-2024.toml"))
        table.move_cursor(row=at)
        await pilot.press("c")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, CompareScreen) and app.screen.ready:
                break
        assert isinstance(app.screen, CompareScreen)
        assert gc.get_threshold()[2] > threshold[2]  # full collections wait while it is open
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is listing
        assert gc.get_threshold() == threshold
        assert _frozen(listing.entries[0])


async def test_full_collections_wait_while_the_list_fills_then_come_back(in_reports_copy, monkeypatch):
    """While the check fills the list, full collections wait (one met a key
    for 80-140 ms at 50,000 reports); when it ends, the thresholds are back."""
    import threading

    from tui.app.screens import report_list

    threshold = gc.get_threshold()
    during, release = [], threading.Event()
    real = report_list.check_into

    def held(items, update, *args, **kwargs):
        during.append(gc.get_threshold())
        release.wait(10)
        return real(items, update, *args, **kwargs)

    monkeypatch.setattr(report_list, "check_into", held)
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if during:
                break
            await pilot.pause(0.05)
        assert during and during[0][2] > threshold[2]
        release.set()
        await _complete_list(pilot, app)
        assert gc.get_threshold() == threshold


async def test_results_are_applied_a_slice_per_turn(in_reports_copy, monkeypatch):
    """An update bringing many results applies them in slices (each its own
    turn of the interface thread), the last with the redraw; none is lost."""
    from tui.app import listcheck
    from tui.app.screens import report_list

    monkeypatch.setattr(listcheck, "APPLY_SLICE", 1)
    sizes = []
    real = report_list.apply_changes

    def spy(entries, changes):
        sizes.append(len(changes))
        real(entries, changes)

    monkeypatch.setattr(report_list, "apply_changes", spy)
    app = NianbaoApp(["reports"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _complete_list(pilot, app)
        assert sizes and set(sizes) == {1}
        assert all(e.checked for e in app.screen.entries)
