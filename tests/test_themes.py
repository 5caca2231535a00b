"""Theme files are validated: a bad colour gives a clear message and the default theme."""

from tui.app.app import NianbaoApp
from tui.app.themes import DEFAULT_THEME, load_themes, parse_theme, ThemeError, theme_dirs
from tui.config import config_dir

import pytest


@pytest.fixture(autouse=True)
def _reports(in_reports_copy):
    global REPORTS
    REPORTS = in_reports_copy


def test_shipped_themes_load_without_errors():
    themes, errors = load_themes()
    assert errors == []
    assert {"nianbao-dark", "nianbao-light", "nianbao-contrast"} <= set(themes)


def test_bad_colour_is_named(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nprimary = "#12345"\nerror = "notacolour"\n', encoding="utf-8")
    with pytest.raises(ThemeError) as exc:
        parse_theme(path)
    assert "bad.toml" in str(exc.value) and "primary" in str(exc.value)


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "odd.toml"
    path.write_text('name = "odd"\nprimary = "#123456"\nprimray = "#123456"\n', encoding="utf-8")
    with pytest.raises(ThemeError) as exc:
        parse_theme(path)
    assert "primray" in str(exc.value)


async def test_bad_theme_file_gives_message_and_default_theme():
    folder = config_dir() / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.toml").write_text('name = "broken"\nprimary = "#00ff00"\nerror = "rød"\n', encoding="utf-8")
    app = NianbaoApp([str(REPORTS / "huaian-2024.toml")], theme="broken")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m and "error" in m for m in messages)
        assert any("broken" in m and "默认主题" in m for m in messages)


async def test_theme_option_selects_a_shipped_theme():
    app = NianbaoApp([str(REPORTS / "huaian-2024.toml")], theme="nianbao-contrast")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "nianbao-contrast"
