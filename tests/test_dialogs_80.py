"""Issue 13.2: the conflict dialog's buttons all fit at 80×24."""

import os
import shutil

from textual.widgets import Button

from tests.conftest import REPORTS
from tui.app.app import NianbaoApp
from tui.app.screens.dialogs import ChoiceDialog


async def conflict(pilot, path):
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.screen.goto("appeals.reconsideration[4]")
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("ctrl+u", "1", "1", "enter")
    await pilot.pause()
    path.write_bytes(path.read_bytes() + b"\n# touched\n")
    os.utime(path, ns=(1, 1))
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ChoiceDialog)
    return app.screen


async def test_conflict_dialog_buttons_fit_at_80(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await conflict(pilot, path)
        box = dialog.query_one("Vertical").content_region
        buttons = list(dialog.query(Button))
        assert [str(b.label) for b in buttons] == ["重新载入(r)", "覆盖(k)", "另存为(a)", "取消(c)"]
        for b in buttons:
            r = b.region
            assert r.width > 0 and r.x >= box.x and r.right <= box.right, (str(b.label), r, box)
