"""Issue 13.10: the footer keeps `q 关闭` and `? 帮助` at 60×20 and draws no stray `▏`."""

import pytest
from textual.widgets._footer import FooterKey

from tui.app.app import NianbaoApp
from tui.app.widgets.footer import KeyFooter


def screen_lines(app):
    """The screen as text, line by line (what the terminal shows)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def _footer_keys(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    footer = app.screen.query_one(KeyFooter)
    return footer, list(footer.query(FooterKey))


@pytest.mark.parametrize("target", ["reports/hongze-2023.toml", "reports"])
@pytest.mark.parametrize("size", [(60, 20), (80, 24), (40, 20)])
async def test_footer_keeps_close_and_help(in_reports_copy, target, size):
    app = NianbaoApp([target])
    async with app.run_test(size=size) as pilot:
        footer, keys = await _footer_keys(app, pilot)
        shown = {k.description for k in keys}
        assert {"关闭", "帮助"} <= shown, shown
        for k in keys:  # every key shown is whole, inside the footer
            assert k.region.width > 0 and k.region.right <= footer.region.right, (k.description, k.region)
        palette = [k for k in keys if k.has_class("-command-palette")]
        assert palette and all(k.styles.border_left[0] in ("", "none") for k in palette)
        bottom = screen_lines(app)[-1]
        assert "▏" not in bottom and "▊" not in bottom and "关闭" in bottom, bottom


async def test_footer_drops_screen_keys_from_the_end_and_restores_them_when_wide(in_reports_copy):
    app = NianbaoApp(["reports/hongze-2023.toml"])
    async with app.run_test(size=(60, 20)) as pilot:
        _, keys = await _footer_keys(app, pilot)
        narrow = [k.description for k in keys]
        assert narrow[0] == "下一问题" and "签核" not in narrow
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        _, keys = await _footer_keys(app, pilot)
        wide = [k.description for k in keys]
        assert wide[:5] == ["下一问题", "搜索", "修改", "保存", "签核"] and {"关闭", "帮助"} <= set(wide)
