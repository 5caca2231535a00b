"""Issue 13.2: at 80×24 every help entry is shown whole, wrapped between words or
Chinese characters, never cut with `…`; registry text is never read as markup."""

import io

from rich.cells import cell_len
from rich.console import Console

from tui.app.actions import ACTIONS
from tui.app.app import NianbaoApp
from tui.app.screens.help import HelpScreen


def _squeeze(s):
    return "".join(s.split())


async def test_every_help_entry_is_whole_at_80(tmp_path):
    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HelpScreen())
        await pilot.pause()
        await pilot.pause()
        shown = app.screen.query_one("HelpScreen Static")
        width = shown.content_region.width
        assert 60 <= width < 80
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(app.screen._content())
        lines = console.export_text().splitlines()
        assert all(cell_len(line.rstrip()) <= width for line in lines)
        text = "\n".join(lines)
        flat = _squeeze(text)
        for a in ACTIONS:
            assert _squeeze(f"{a.title}：{a.help}") in flat, a.id
        assert "[[review.withdrawn]]" in text  # shown as written, not eaten as markup
        # Latin words and numbers are never split across lines
        assert not any(line.rstrip().endswith("[[") for line in lines)
