"""Editing goes through ReportModel and comes back as outcomes (issue 9.5):
set and insert never raise for a value or key the file cannot take; the
screen only turns the outcome into a notification."""

from tui.app.model import ReportModel
from tui.core.load import load_path


def _model(reports_copy, name="hongze-2023.toml"):
    return ReportModel.open(load_path(str(reports_copy / name)))


def test_set_returns_edited_nothing_or_refused(reports_copy):
    model = _model(reports_copy)
    address = "applications.new_received[0]"
    before = model.value(address)
    edited = model.set(address, before + 1)
    assert (edited.kind, edited.ok) == ("edited", True) and model.dirty
    assert model.value(address) == before + 1
    same = model.set(address, before + 1)
    assert (same.kind, same.ok) == ("nothing", False)
    missing = model.set("applications.no_such_row[0]", 1)
    assert (missing.kind, missing.ok) == ("refused", False) and "no_such_row" in missing.message
    # A value that leaves the report without a usable identity is rolled back, not kept.
    year = model.value("report.year")
    broken = model.set("report.year", "明年")
    assert broken.kind == "refused" and broken.message
    assert model.value("report.year") == year and model.report.year == year
    assert model.edit_count == 1  # only the first edit stands


def test_insert_returns_added_or_refused(reports_copy):
    model = _model(reports_copy)
    assert model.value("text.other") is not None
    lacking = next(k for k in ("text.extra_note",) if model.lacks(k))
    added = model.insert(lacking, "补充说明")
    assert (added.kind, added.ok) == ("added", True) and lacking in added.message
    assert model.value(lacking) == "补充说明"
    again = model.insert(lacking, "x")  # the key is there now: the document refuses, nothing changes
    assert again.kind == "refused" and model.value(lacking) == "补充说明"


async def test_the_screen_shows_a_refused_edit_as_a_notification(in_reports_copy):
    from tui.app.app import NianbaoApp
    from tui.app.screens.report import ReportScreen

    app = NianbaoApp(["reports/hongze-2023.toml"])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        screen.apply_edit(screen.model, "report.year", "明年")
        await pilot.pause()
        refused = [n for n in app._notifications if n.title == "未修改"]
        assert refused and refused[-1].severity == "error"
        assert not screen.model.dirty
