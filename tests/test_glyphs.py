"""Issue 13.5: ✓ no problems, ◉ approved, ≃ accepted: one glyph per meaning, all narrow."""

import io
import unicodedata

from tui.core.findings import GLYPHS
from tui.core.review import STATE_GLYPHS


def test_each_meaning_has_its_own_narrow_glyph():
    clean, accepted, approved = GLYPHS["clean"], GLYPHS["accepted"], STATE_GLYPHS["approved"]
    assert len({clean, accepted, approved}) == 3
    for g in list(GLYPHS.values()) + list(STATE_GLYPHS.values()):
        # Neutral or narrow only: ambiguous-width glyphs misalign in CJK terminals.
        assert all(unicodedata.east_asian_width(ch) in ("N", "Na") for ch in g), g


async def test_help_names_each_glyph(tmp_path):
    from tui.app.app import NianbaoApp
    from tui.app.screens.help import HelpScreen

    app = NianbaoApp([str(tmp_path)])
    async with app.run_test(size=(100, 60)) as pilot:
        app.push_screen(HelpScreen())
        await pilot.pause()
        from rich.console import Console

        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen._content())
        lines = console.export_text().splitlines()
        for glyph, word in ((GLYPHS["clean"], "无问题"), (GLYPHS["accepted"], "已接受"),
                            (STATE_GLYPHS["approved"], "已通过")):
            assert any(line.lstrip().startswith(glyph) and word in line for line in lines), (glyph, word)
