"""Theme files are validated: a bad colour gives a clear message and the default theme."""

from tui.app.app import NianbaoApp
from tui.app.themes import DEFAULT_THEME, load_themes, parse_theme, ThemeError
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


@pytest.mark.parametrize("theme", ["nianbao-dark", "nianbao-light", "nianbao-contrast"])
async def test_every_shipped_theme_renders_marks(theme):
    """Marks use the theme's severity colours; the 16-colour theme names them
    `ansi_bright_red` etc., which must still work in tables, lists and dialogs."""
    from tui.app.screens.report import ReportScreen

    app = NianbaoApp([str(REPORTS)], theme=theme)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.theme == theme
        app.screen.query_one("#filter").value = "2023"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen) and screen.model.findings
        row = screen.query_one("#block-appeals").get_row_at(0)
        assert str(row[5]).startswith("✗")
        await pilot.press("o")  # the sign-off dialog lists the errors in colour too
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()


async def test_theme_key_cycles_and_remembers_in_config():
    """Ctrl+T: the next nianbao theme, written to config.toml [ui] theme through
    the store's config writer, keeping the user's comments and other settings."""
    import tomllib

    from tui.config import config_path, load_config

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('# mine\n[ui]\ntheme = "nianbao-dark"  # for now\n\n[keys]\nnext_finding = "n"\n',
                    encoding="utf-8")
    app = NianbaoApp([str(REPORTS / "huaian-2024.toml")])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "nianbao-dark"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme != "nianbao-dark" and app.theme in app.own_themes
        assert any("已记入配置文件" in n.message for n in app._notifications)
    text = path.read_text("utf-8")
    assert text.startswith("# mine\n[ui]\n") and 'next_finding = "n"' in text
    assert tomllib.loads(text)["ui"]["theme"] == app.theme == load_config().theme
