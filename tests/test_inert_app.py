"""Issue 10.2 in the workbench (Pilot): report text with escape sequences,
C1 controls, bidi overrides and markup is shown visibly and never reaches the
terminal live — in the list, the report screen, the status line, findings,
narrative, the sign-off dialog, notifications and the compare screen."""

import html
import re
import shutil

from tests.conftest import REPORTS
from tests.test_inert_output import make
from tui.app.app import NianbaoApp

LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def screen_text(app):
    """Everything on the screen, as the SVG screenshot's text runs joined."""
    svg = app.export_screenshot()
    text = html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))).replace("\xa0", " ")
    assert not LIVE.findall(text), LIVE.findall(text)
    return text


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def folder(tmp_path):
    d = tmp_path / "shared"
    d.mkdir()
    bad = make(d)
    shutil.copy(REPORTS / "hongze-2024.toml", d / "other.toml")
    return d, bad


async def test_list_report_and_dialogs(tmp_path):
    d, bad = folder(tmp_path)
    app = NianbaoApp([str(d)])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "␛]0;PWNED␇" in text and "\\u202ename.toml" in text
        await pilot.press("down", "enter")  # the second row: 淮安… sorts before 灵武…
        await settle(pilot)
        text = screen_text(app)
        assert "灵武␛]0;PWNED␇市民政局␛[2J" in text  # title
        assert "␛[31m红" in text  # the cell, its finding and the status line
        from tui.app.widgets.narrative import NarrativeBlock

        other = [b for b in app.screen.query(NarrativeBlock) if b.address == "text.other"][0]
        other.focus()
        app.screen.query_one("#report-view").scroll_to_widget(other, animate=False)
        await pilot.pause()
        shown = screen_text(app)
        assert "无␛[2J。\\u2066" in shown
        assert "\n" + "✓ other.toml：可以发布" in shown or "✓ other.toml：可以发布" in shown  # narrative keeps lines
        assert other.text.startswith("无\x1b[2J")  # the data itself is untouched
        await pilot.press("o")  # the sign-off dialog: records with reviewer, user and note
        await settle(pilot)
        text = screen_text(app)
        assert "审核人␛[1m甲" in text and "␊✓ other.toml" in text


async def test_notifications_are_inert_and_not_markup(tmp_path):
    shutil.copy(REPORTS / "lingwu-minzheng-2020.toml", tmp_path / "r.toml")
    app = NianbaoApp([str(tmp_path / "r.toml")])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.notify("文件 x\x1b]0;t\x07[b]粗[/b][/oops].toml 被 u\u202e 锁定", title="注意\x1b[2J")
        await pilot.pause(0.5)
        note = list(app._notifications)[-1]
        assert note.message == "文件 x␛]0;t␇[b]粗[/b][/oops].toml 被 u\\u202e 锁定"
        assert note.title == "注意␛[2J" and note.markup is False
        assert not LIVE.findall(screen_text(app))  # and the markup error did not crash the app


async def test_markup_in_agency_is_literal(tmp_path):
    text = (REPORTS / "lingwu-minzheng-2020.toml").read_text(encoding="utf-8")
    bad = tmp_path / "m.toml"
    bad.write_text(text.replace('agency = "灵武市民政局"', 'agency = "[b]灵武[/b][/x][red]局"'), encoding="utf-8")
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "[b]灵武[/b][/x][red]局" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "[b]灵武[/b][/x][red]局" in screen_text(app)


async def test_compare_screen(tmp_path):
    d, bad = folder(tmp_path)
    shutil.copy(REPORTS / "lingwu-minzheng-2020.toml", tmp_path / "r.toml")
    app = NianbaoApp([str(tmp_path / "r.toml"), str(bad)])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "␛]0;PWNED␇" in text


async def test_text_area_shows_controls_visibly():
    """The guard covers widgets that render the raw value too (the edit dialog's TextArea)."""
    from textual.app import App
    from textual.widgets import TextArea

    from tui.app.inert_text import install

    install()

    class One(App):
        def compose(self):
            yield TextArea("一\x1b]0;t\x07二\u202e三")

    app = One()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "一␛]0;t␇二\\u202e三" in text
