"""No English reaches the reviewer: argparse, tomllib and the command palette speak Chinese (issue 13.6)."""

import re
import tomllib

import pytest

from tests.conftest import run_cli
from tui.core.tomlerrors import GENERIC, describe, to_chinese

SUBCOMMANDS = ("check", "new", "signoff", "verify", "diff", "import")

# ASCII words a Chinese help text legitimately contains: the program, its
# commands, option names and metavars, values the user types, file names.
ALLOWED = {
    "nianbao", "check", "new", "signoff", "verify", "diff", "format", "text", "json", "jobs", "form",
    "agency", "year", "output", "decision", "approved", "rejected", "reviewer", "note", "accept",
    "findings", "sign", "allowed", "signers", "version", "theme", "help", "path", "file", "old",
    "name", "reason", "key", "reports", "toml", "ssh", "keygen", "agent", "md", "level", "department",
    "government", "force", "import", "opinion", "summary", "html", "docx", "csv", "out", "dir",
    "rule", "cell", "jobs", "config", "yyyy", "themes", "cpu", "unicode", "true", "false",
    "appeals", "reconsideration", "row", "total",  # the example cell address in signoff --help
    "pdf", "word", "htm",  # file kinds import reads
}


def english_words(text, echoed=()):
    """ASCII words of three or more letters that are not on the allowed list
    (nor in `echoed`, what the user typed and the message quotes back)."""
    allowed = ALLOWED | {w.lower() for a in echoed for w in re.findall(r"[A-Za-z]+", a)}
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in allowed})


def test_top_level_help_is_chinese():
    out = run_cli("--help")
    assert out.returncode == 0
    assert "用法" in out.stdout and "显示本说明并退出" in out.stdout
    assert english_words(out.stdout) == []


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_subcommand_help_is_chinese_with_exit_statuses(command):
    out = run_cli(command, "--help")
    assert out.returncode == 0
    assert english_words(out.stdout) == [], out.stdout
    assert "退出状态" in out.stdout  # a script writer needs the exit codes
    assert "显示本说明并退出" in out.stdout


@pytest.mark.parametrize("args", [
    ("new", "--form", "2019", "--agency", "某局", "--year", "abc"),
    ("signoff", "x.toml", "--decision", "maybe"),
    ("diff", "only-one.toml"),
    ("check", "--bogus"),
    ("--bogus-option",),
])
def test_usage_errors_are_chinese(args):
    out = run_cli(*args)
    assert out.returncode == 2
    assert "用法" in out.stderr
    assert english_words(out.stderr, echoed=args) == [], out.stderr


def test_version():
    out = run_cli("--version")
    assert out.returncode == 0
    assert re.fullmatch(r"nianbao \S+\n", out.stdout)


def test_check_without_path_checks_reports(in_reports_copy):
    out = run_cli("check", "--format", "json", cwd=in_reports_copy.parent)
    assert out.returncode in (0, 1)
    assert '"reports/' in out.stdout


def test_toml_syntax_error_is_chinese(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[report]\nform "gov-info-disclosure/2019"\n', encoding="utf-8")
    out = run_cli("check", str(bad))
    assert out.returncode == 2
    assert "bad.toml:2:6" in out.stdout + out.stderr
    assert "键之后应为 =" in out.stdout + out.stderr
    assert "Expected" not in out.stdout + out.stderr


BROKEN = [
    "a",                      # Expected '=' after a key
    "a = ",                   # Invalid value
    "[a",                     # Expected ']' at the end of a table declaration
    "[[a]",                   # Expected ']]'
    'a = "x',                 # Unterminated string
    "a = 1\na = 2",           # Cannot overwrite a value
    "a = [1 2]",              # Unclosed array
    "a = {b = 1",             # Unclosed inline table
    "a = {b = 1, b = 2}",     # Duplicate inline table key
    'a = "\\q"',              # Unescaped '\' in a string
    'a = "\\uD800"',          # not a Unicode scalar value
    'a = "\\uZZZZ"',          # Invalid hex value
    "a = 1 b = 2",            # Expected newline
    "[a]\n[a]",               # Cannot declare twice
    "a = {b = 1}\n[a.c]",     # Cannot mutate immutable namespace
    "a = 1979-13-01",         # Invalid date (or newline expected)
    "= 1",                    # Invalid initial character for a key part
    'a = "x\x01"',            # Illegal character
    "[[a]]\n[a]",             # Cannot redefine / declare
    "a.b = 1\n[a.b.c]",       # Cannot redefine namespace
]


@pytest.mark.parametrize("doc", BROKEN)
def test_every_tomllib_message_has_a_chinese_sentence(doc):
    with pytest.raises(tomllib.TOMLDecodeError) as err:
        tomllib.loads(doc)
    text = describe(err.value)
    assert GENERIC not in text, (doc, str(err.value))
    assert english_words(text.replace("'", " ")) == [], text
    assert text.startswith("第 ") or text.startswith("文件末尾")


def test_keys_are_shown_dotted_and_unknown_messages_stay_chinese():
    assert to_chinese("Cannot declare ('a', 'c') twice") == "表 a.c 重复声明"
    assert to_chinese("Something tomllib may say one day") == GENERIC


async def _palette_hits(app, pilot, query):
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.8)
    options = app.screen.query_one(CommandList)
    hits = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return hits


async def test_palette_speaks_chinese_and_finds_by_pinyin_and_id(in_reports_copy):
    from textual.command import CommandInput

    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(in_reports_copy / "hongze-2023.toml")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "拼音" in app.screen.query_one(CommandInput).placeholder
        await pilot.press("escape")
        await pilot.pause()
        by_initials = await _palette_hits(app, pilot, "qh")
        assert by_initials and by_initials[0].startswith("签核"), by_initials
        by_id = await _palette_hits(app, pilot, "signoff")
        assert any(h.startswith("签核") for h in by_id), by_id
        nothing = await _palette_hits(app, pilot, "zzqqxx")
        assert any("没有匹配的命令" in h for h in nothing), nothing
        assert not any("No matches" in h for h in nothing)


def test_pinyin_initials():
    from tui.app.palette import pinyin_initials

    assert pinyin_initials("签核") == "qh"
    assert pinyin_initials("下一问题") == "xywt"
    assert pinyin_initials("另存为 A4") == "lcwa4"
