"""Issue 13.1: the report list shows the files' current state, without `r`."""

import asyncio

from tui.app.app import NianbaoApp
from tui.app.screens.report import ReportScreen
from tui.app.screens.report_list import ReportListScreen


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def entry(screen, name):
    (e,) = [e for e in screen.entries if e.file.endswith(name)]
    return e


async def test_list_shows_approval_made_in_a_report_after_q(in_reports_copy):
    app = NianbaoApp([str(in_reports_copy)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = app.screen
        assert entry(listing, "huaian-2024.toml").checked.signoff == "none"
        listing.query_one("#filter").value = "huaian"
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#approve").press()
        await pilot.pause()
        assert app.screen.model.signoff == "approved"
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is listing
        assert entry(listing, "huaian-2024.toml").checked.signoff == "approved"
        row = listing.query_one("#reports").get_row_at(0)
        assert "已通过" in str(row[6])


async def test_list_follows_a_change_made_outside(in_reports_copy):
    app = NianbaoApp([str(in_reports_copy)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ReportListScreen)
        assert entry(listing, "hongze-2024.toml").checked.signoff == "none"
        with open(in_reports_copy / "hongze-2024.toml", "a", encoding="utf-8") as fh:
            fh.write('\n[[review.signoff]]\nreviewer = "审核人甲"\nuser = "r1"\ndecision = "approved"\n'
                     'at = 2025-02-03T10:00:00+08:00\ndigest = "sha256:0000"\n')
        for _ in range(40):  # the folder is stat-ed every few seconds
            await asyncio.sleep(0.25)
            await settle(pilot)
            if entry(listing, "hongze-2024.toml").checked.signoff == "stale":
                break
        assert entry(listing, "hongze-2024.toml").checked.signoff == "stale"
        assert any("已过期" in str(c) for row in range(len(listing.shown))
                   for c in listing.query_one("#reports").get_row_at(row))


async def test_the_periodic_stat_waits_while_a_report_is_open_and_runs_on_return(in_reports_copy):
    """The list under a report is `is_current` to Textual (seen behind it);
    its stat of the folder (0.4 s of this process at 50,000 files) waits
    until the list is shown again, then runs at once."""
    app = NianbaoApp([str(in_reports_copy)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = app.screen
        stats = []
        listing._stat_and_recheck = lambda generation: stats.append(generation)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        listing._stat_done = 0.0  # long past due
        listing.refresh_if_changed()
        assert stats == []
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is listing and len(stats) == 1
