"""Every key in the one registry (tui/app/actions.py), and `[keys]` in the config validated."""

import io
import importlib
import inspect
import pkgutil

import pytest

import tui.app
from tui.app.actions import ACTIONS, SCOPES, check_keys, display_key, normalize_keys
from tests.conftest import REPORTS, run_cli


def _write_config(text):
    from tui.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


BAD_KEYS = '[keys]\nno_such_action = "x"\nnext_finding = "t"\nprevious_finding = "ctrll+p"\nnext_difference = "f"\n'


def test_defaults_are_clash_free():
    assert check_keys({}).problems == []
    assert check_keys({}).keymap() == {}


def test_unknown_action_and_clashing_key_reported_defaults_kept():
    keys = check_keys({"no_such_action": "x", "next_finding": "t", "previous_finding": "ctrll+p",
                       "next_difference": "f"})
    problems = "\n".join(keys.problems)
    assert "no_such_action" in problems and "没有这个操作" in problems
    # n → t collides with 正文/表格 on the side-by-side screen (same scope): reported, default n kept
    assert "next_finding" in problems and "正文/表格" in problems and "保留默认按键 n" in problems
    assert "ctrll" in problems
    assert len(keys.problems) == 3
    assert keys.overrides == {"next_difference": "f"}  # the good entry is applied
    assert keys.keymap() == {"compare.next_difference": "f"}


def test_clash_with_an_app_key_and_a_swap_is_fine():
    # q closes every screen: giving it to next_finding would shadow it
    assert any("关闭" in p for p in check_keys({"next_finding": "q"}).problems)
    # two actions swapping keys clash with nobody
    swap = check_keys({"next_finding": "d", "next_difference": "n"})
    assert swap.problems == [] and swap.overrides == {"next_finding": "d", "next_difference": "n"}


def test_dropping_a_clash_that_uncovers_another():
    # a takes b's key (b unchanged): a is dropped; c takes a's default: c clashes with a's default
    keys = check_keys({"next_difference": "n", "toggle_view": "d"})
    assert keys.overrides == {} and len(keys.problems) == 2


@pytest.mark.parametrize("given, normal", [("?", "question_mark"), ("/", "slash"), ("Ctrl+X", "ctrl+x"),
                                           ("x, ctrl+x", "x,ctrl+x"), ("F5", "f5"), ("G", "G")])
def test_keys_normalized_like_textual(given, normal):
    assert normalize_keys(given) == normal


@pytest.mark.parametrize("bad", ["", "ctrl+", "hyper-x", "你", "ctrl+nothing", 5])
def test_bad_keys_rejected(bad):
    with pytest.raises(ValueError):
        normalize_keys(bad)


def _classes_with_bindings():
    for info in pkgutil.walk_packages(tui.app.__path__, "tui.app."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__:
                yield cls


def test_every_binding_in_the_app_comes_from_the_registry():
    ids = {a.binding_id for a in ACTIONS}
    found = list(_classes_with_bindings())
    names = {c.__name__ for c in found}
    assert {"NianbaoApp", "ReportScreen", "CompareScreen", "ReportListScreen", "EditCellDialog", "EditTextDialog",
            "ChoiceDialog", "PromptDialog", "SignoffDialog", "HelpScreen", "CompareTable", "TextDiffView"} <= names
    for cls in found:
        for b in cls.__dict__["BINDINGS"]:
            assert b.id in ids, f"{cls.__name__} binds {b.key} outside the registry"
    assert set(SCOPES) == {a.scope for a in ACTIONS}


def test_check_config_reports_and_exits_non_zero(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    (tmp_path / "nianbao").mkdir()
    (tmp_path / "nianbao" / "config.toml").write_text(BAD_KEYS, encoding="utf-8")
    bad = run_cli("--check-config", env=env)
    assert bad.returncode == 1, bad.stderr
    assert "no_such_action" in bad.stderr and "next_finding" in bad.stderr and "正文/表格" in bad.stderr
    assert "Traceback" not in bad.stderr
    (tmp_path / "nianbao" / "config.toml").write_text('[keys]\nnext_finding = "x"\n', encoding="utf-8")
    good = run_cli("--check-config", env=env)
    assert good.returncode == 0 and "没有发现问题" in good.stdout
    (tmp_path / "nianbao" / "config.toml").write_text('[keys\n', encoding="utf-8")
    assert run_cli("--check-config", env=env).returncode == 2


async def test_bad_keys_notified_at_start_and_defaults_work():
    from tui.app.app import NianbaoApp
    from tui.app.screens.compare import CompareScreen

    _write_config(BAD_KEYS)
    app = NianbaoApp([str(REPORTS / "hongze-2023.toml"), str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        notes = "\n".join(n.message for n in app._notifications)
        assert "no_such_action" in notes and "next_finding" in notes and "ctrll" in notes
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        here = screen.cell
        await pilot.press("f")  # the good entry applies: f is 下一不同
        await pilot.pause()
        assert screen.cell is not here and screen.cell.changed
        here = screen.cell
        await pilot.press("n")  # default kept for the clashing entry
        await pilot.pause()
        assert screen.cell is not here


async def test_dialog_keys_are_remappable_and_named_in_the_dialog(tmp_path):
    import shutil

    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import EditCellDialog

    _write_config('[keys]\nblank = "f2"\n')
    path = tmp_path / "r.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.goto("applications.new_received[1]")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EditCellDialog)
        hints = " ".join(str(s.render()) for s in dialog.query(".dialog-hint"))
        assert "F2" in hints and "Ctrl+B" not in hints
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.data["applications"]["new_received"][1] == ""


def test_a_dialog_key_the_input_box_takes_is_reported():
    keys = check_keys({"blank": "ctrl+e", "cancel": "f3"})
    assert keys.overrides == {"cancel": "f3"}
    assert "ctrl+e".upper()[:4].title() in keys.problems[0] and "输入框" in keys.problems[0]


async def test_ctrl_k_toggles_signing_while_typing_in_the_dialog():
    from tui.app.app import NianbaoApp
    from tui.app.screens.signoff import SignoffDialog

    app = NianbaoApp([str(REPORTS / "hongze-2024.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dialog = SignoffDialog(app.screen.model, "审核人甲", None, sign_key="/nonexistent/key")
        app.push_screen(dialog)
        await pilot.pause()
        assert dialog.sign and dialog.focused.id == "note"
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert not dialog.sign


# -- issue 13.7: keys that match ----------------------------------------------

async def test_list_j_k_g_G_move_the_cursor():
    from tui.app.widgets.virtual_table import VirtualTable  # the list draws only the rows on screen

    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#reports", VirtualTable)
        last = len(app.screen.shown) - 1
        assert last >= 2 and table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == last
        await pilot.press("g")
        assert table.cursor_row == 0


async def test_list_escape_clears_an_applied_filter():
    from textual.widgets import Input

    from tui.app.widgets.virtual_table import VirtualTable

    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(REPORTS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        total = len(screen.shown)
        await pilot.press("slash", *"hongze", "enter")  # applied: the list has the keys again
        await pilot.pause()
        assert screen.query_one("#reports", VirtualTable).has_focus
        assert 0 < len(screen.shown) < total
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.shown) == total and screen.query_one("#filter", Input).value == ""
        await pilot.press("slash", *"huaian", "escape")  # Esc while typing: cleared too, back in the list
        await pilot.pause()
        assert len(screen.shown) == total and screen.query_one("#reports", VirtualTable).has_focus


@pytest.fixture
def pair_copy(tmp_path):
    import shutil

    for name in ("hongze-2023.toml", "hongze-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    return [str(tmp_path / "hongze-2023.toml"), str(tmp_path / "hongze-2024.toml")]


async def test_compare_o_signs_off_the_side_the_cursor_is_on(pair_copy):
    from tui.app.app import NianbaoApp
    from tui.app.screens.signoff import SignoffDialog

    app = NianbaoApp(pair_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SignoffDialog) and app.screen.model is screen.models[1]  # 新 2024
        await pilot.press("escape")
        await pilot.press("tab", "tab")  # 新 → problem list → 旧
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SignoffDialog) and app.screen.model is screen.models[0]
        assert app.screen.model.report.year == 2023


async def test_compare_c_comments_the_cell_on_the_side_the_cursor_is_on(pair_copy):
    import pathlib

    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import PromptDialog

    app = NianbaoApp(pair_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.goto("old", "applications.new_received[0]")
        await pilot.press("tab", "tab")  # 新 → problem list → 旧
        await pilot.pause()
        assert screen.side == "old"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"核对无误", "enter")
        await pilot.pause()
        assert app.screen is screen
        old_text = pathlib.Path(pair_copy[0]).read_text(encoding="utf-8")
        assert "[[review.comment]]" in old_text and "核对无误" in old_text
        assert "[[review.comment]]" not in pathlib.Path(pair_copy[1]).read_text(encoding="utf-8")
        assert "applications.new_received[0]" in screen.models[0].comments


def _status(app):
    from tui.app.screens.compare import CompareScreen, CompareStatus
    from tui.app.widgets.status import StatusLine

    if isinstance(app.screen, CompareScreen):
        return app.screen.query_one(CompareStatus).text.plain
    return str(app.screen.query_one(StatusLine).render())


async def test_report_n_N_say_when_they_wrap():
    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(REPORTS / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        first = screen.address  # opens on the first problem
        await pilot.press("N")
        await pilot.pause()
        assert "已从第一个问题回到最后一个" in _status(app)
        last = screen.address
        assert last != first
        await pilot.press("n")
        await pilot.pause()
        assert screen.address == first and "已从最后一个问题回到第一个" in _status(app)
        await pilot.press("n")
        await pilot.pause()
        assert "回到" not in _status(app)  # an ordinary step says nothing


async def test_compare_n_N_say_when_they_wrap(pair_copy):
    from tui.app.app import NianbaoApp

    app = NianbaoApp(pair_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        await pilot.press("g")  # the top: before every problem
        await pilot.press("N")
        await pilot.pause()
        assert "已从第一个问题回到最后一个" in _status(app)
        await pilot.press("n")
        await pilot.pause()
        assert "已从最后一个问题回到第一个" in _status(app)
        await pilot.press("n")
        await pilot.pause()
        assert "回到" not in _status(app)
        assert screen.vm.entries


def test_choice_keys_are_in_the_registry_and_checked():
    from tui.app.actions import CHOICE_SCOPES, actions_for

    for scope in CHOICE_SCOPES:
        assert actions_for(scope), scope
    keys = check_keys({"unsaved_discard": "s", "conflict_overwrite": "escape", "add_yes": "enter",
                       "reload_yes": "x"})
    assert keys.overrides == {"reload_yes": "x"}
    problems = "\n".join(keys.problems)
    assert "unsaved_discard" in problems and "unsaved_save" in problems  # s answers 保存 in that dialog
    assert "conflict_overwrite" in problems and "Esc" in problems       # Esc cancels every dialog
    assert "add_yes" in problems and "按钮" in problems                  # Enter presses the focused button


async def test_a_remapped_choice_key_answers_the_dialog(tmp_path):
    """[keys] unsaved_discard = "x": the quit dialog's 不保存 button says (x), x
    answers it and d no longer does; help names the new key."""
    import shutil

    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import ChoiceDialog, EditCellDialog
    from tui.app.screens.help import HelpScreen
    from tui.app.screens.report import ReportScreen

    _write_config('[keys]\nunsaved_discard = "x"\n')
    path = tmp_path / "r.toml"
    shutil.copy(REPORTS / "hongze-2023.toml", path)
    before = path.read_bytes()
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not [n for n in app._notifications if "[keys]" in n.message]
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen._content())
        help_text = console.export_text()
        assert "未保存时退出" in help_text
        assert any(line.split()[:2] == ["x", "不保存：放弃修改，退出或关闭"] for line in help_text.splitlines())
        await pilot.press("escape")
        await pilot.pause()
        screen.goto("appeals.reconsideration[4]")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("ctrl+u", "1", "1", "enter")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        labels = [str(b.label) for b in dialog.query("Button")]
        assert labels == ["保存(s)", "不保存(x)", "取消(c)"]
        await pilot.press("d")  # the default key is replaced, not added to
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("x")
        await pilot.pause()
        assert not app.is_running
    assert path.read_bytes() == before


@pytest.mark.parametrize("key, shown", [
    ("down,j", "Down / j"), ("ctrl+p", "Ctrl+P"), ("pagedown", "PgDn"), ("pageup", "PgUp"),
    ("f5", "F5"), ("shift+tab", "Shift+Tab"), ("ctrl+shift+x", "Ctrl+Shift+X"),
    ("question_mark", "?"), ("ctrl+question_mark", "Ctrl+?"), ("space", "空格"), ("G", "G"),
    ("meta+n", "Meta+N"), ("alt+f4", "Alt+F4"),
])
def test_keys_are_named_as_a_keyboard_prints_them(key, shown):
    # The help screen and the footer show these; Textual's own names
    # ("pagedown") read as a typo there.
    assert display_key(key) == shown


def test_no_default_key_is_shown_under_textuals_lowercase_name():
    for action in ACTIONS:
        for part in display_key(action.key).split(" / "):
            assert len(part) == 1 or not part.islower(), (action.id, part)


def test_the_footer_names_keys_as_the_help_screen_does():
    """Textual's footer showed `space` and `tab` where the help screen says
    `空格` and `Tab`; Ctrl keeps the footer's compact `^s`."""
    from textual.binding import Binding

    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(REPORTS)])
    shown = {key: app.get_key_display(Binding(key, "noop", "")) for key in
             ("space", "tab", "enter", "pagedown", "f2", "question_mark", "S", "shift+tab", "ctrl+s")}
    assert shown == {"space": "空格", "tab": "Tab", "enter": "回车", "pagedown": "PgDn", "f2": "F2",
                     "question_mark": "?", "S": "S", "shift+tab": "Shift+Tab", "ctrl+s": "^s"}
    assert app.get_key_display(Binding("space", "noop", "", key_display="␣")) == "␣"


@pytest.mark.parametrize("modifier", ["ctrl", "shift", "alt", "meta", "super", "hyper"])
def test_every_modifier_textual_knows_may_be_named_in_keys(modifier):
    """The display names once took the name of the modifiers [keys] accepts
    (two module-level `_MODIFIERS`), and `meta+n` was refused as unknown."""
    assert check_keys({"next_finding": f"{modifier}+f9"}).problems == []
    assert check_keys({"next_finding": "win+n"}).problems != []
