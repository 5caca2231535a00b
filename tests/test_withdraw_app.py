"""Pilot tests of issue 13.3/13.4: comments read in full, changed and withdrawn;
an acceptance withdrawn — always by appending [[review.withdrawn]] (FORMAT.md §5)."""

import shutil

import pytest

from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import ChoiceDialog, PromptDialog
from tui.app.widgets.findings import FindingsPanel

from tests.conftest import REPORTS
from tests.test_signoff_app import opened, review  # the other review pilot tests' helpers


@pytest.fixture
def folder(tmp_path):
    for name in ("hongze-2023.toml", "huaian-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    return tmp_path

LONG = "请报送单位确认自然人申请数 原件第三页与第五页数字不一致 需附说明并重新盖章后报送 逾期按未整改处理"


def panel_texts(screen):
    panel = screen.query_one(FindingsPanel)
    return [str(getattr(panel.get_option_at_index(i).prompt, "text", panel.get_option_at_index(i).prompt))
            for i in range(panel.option_count)]


async def comment(pilot, text):
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PromptDialog)
    await pilot.press("ctrl+u", *text, "enter")
    await pilot.pause()


async def test_comment_listed_whole_then_changed_then_withdrawn(folder):
    path = folder / "huaian-2024.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.goto("applications.new_received[0]")
        await pilot.pause()
        await comment(pilot, LONG)
        assert any(LONG in t for t in panel_texts(screen)), panel_texts(screen)

        await pilot.press("c")  # a commented cell: the dialog offers its text to change
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PromptDialog) and dialog.query_one("#prompt").value == LONG
        assert "原批注记为撤回" in str(dialog.query_one(".dialog-hint").render())
        await pilot.press("ctrl+u", *"已核实", "enter")
        await pilot.pause()
        texts = panel_texts(screen)
        assert any("已核实" in t for t in texts) and not any(LONG in t for t in texts)

        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("1")
        await pilot.pause()
        assert not any("批注" in t for t in panel_texts(screen))
        assert not str(screen.query_one("#block-applications").get_row_at(0)[1]).startswith("#")
    r = review(path)
    assert [c["text"] for c in r["comment"]] == [LONG, "已核实"]  # nothing deleted
    assert [(w["record"], w["cell"]) for w in r["withdrawn"]] == [("comment", "applications.new_received[0]")] * 2
    assert [w["made"] for w in r["withdrawn"]] == [c["at"] for c in r["comment"]]


async def test_acceptance_withdrawn_brings_the_error_back(folder):
    path = folder / "hongze-2023.toml"
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.goto("appeals.reconsideration[4]")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert "u 不能撤销" in str(app.screen.query_one(".dialog-hint").render())  # says beforehand it is written
        await pilot.press(*"原件如此", "enter")
        await pilot.pause()
        assert {f.first: f.accepted for f in screen.model.findings}["appeals.reconsideration[4]"]
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("1")
        await pilot.pause()
        assert not {f.first: f.accepted for f in screen.model.findings}["appeals.reconsideration[4]"]
    r = review(path)
    assert len(r["accepted"]) == 1  # kept, voided by the withdrawal
    w = r["withdrawn"][0]
    assert (w["record"], w["cell"], w["made"]) == ("accepted", "appeals.reconsideration[4]", r["accepted"][0]["at"])


async def test_nothing_to_withdraw_says_so(folder):
    app = NianbaoApp([str(folder / "hongze-2023.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.goto("applications.new_received[0]")
        await pilot.pause()
        await pilot.press("W")
        await pilot.pause()
        assert app.screen is screen


def test_withdrawn_comment_is_gone_from_core_review():
    import datetime

    from tui.core.review import comments

    at = datetime.datetime(2021, 1, 25, 16, 30, tzinfo=datetime.timezone.utc)
    data = {"review": {"comment": [{"cell": "applications.new_received[0]", "text": "x", "at": at},
                                   {"cell": "applications.new_received[0]", "text": "y", "at": at.replace(minute=31)}],
                       "withdrawn": [{"record": "comment", "cell": "applications.new_received[0]", "made": at}]}}
    assert [c["text"] for c in comments(data)] == ["y"]


def test_no_two_actions_share_a_key_where_both_are_live():
    """Two helpers once gave `w` to 撤回 and 导出意见 on the report screen: the
    registry itself must never bind one key to two actions a user can reach at once."""
    from tui.app.actions import ACTIONS, ACTIVE_WITH, SCOPES

    for scope in SCOPES:
        live = (scope, *ACTIVE_WITH.get(scope, ()))
        seen = {}
        for a in ACTIONS:
            if a.scope not in live:
                continue
            for key in a.key.split(","):
                other = seen.setdefault(key.strip(), a)
                assert other is a, f"{scope}: {key} is both {other.scope}.{other.id} and {a.scope}.{a.id}"
