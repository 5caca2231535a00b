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
