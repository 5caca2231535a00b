"""tui.core.inert: untrusted text never reaches a terminal as live control sequences."""

import re

from hypothesis import given, strategies as st

from tui.core.inert import has_controls, inert, json_inert

LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def test_plain_text_is_unchanged():
    s = "灵武市民政局 2020 年度 [b]粗体[/b] \\u202e"
    assert inert(s) is s or inert(s) == s
    assert not has_controls(s)


def test_escape_sequences_become_visible():
    assert inert("a\x1b]0;PWNED\x07b") == "a␛]0;PWNED␇b"
    assert inert("\x1b[2J") == "␛[2J"
    assert inert("x\by\rz") == "x␈y␍z"
    assert inert("\x7f") == "␡"
    assert inert("\x9b31m") == "\\u009b31m"
    assert inert("abc\u202edef") == "abc\\u202edef"
    assert inert("\u2066x\u2069") == "\\u2066x\\u2069"
    assert inert("\u200f") == "\\u200f"


def test_one_line_fields_cannot_fake_lines():
    assert inert("备注\n✓ b.toml：可以发布") == "备注␊✓ b.toml：可以发布"
    assert inert("a\u2028b\u2029c\x85d\x1ce") == "a\\u2028b\\u2029c\\u0085d␜e"
    assert inert("a\tb") == "a␉b"
    assert "\n" not in inert("a\r\nb")


def test_multiline_keeps_newlines_and_tabs():
    assert inert("一\n二\t三\r\n四\r五\x1b", multiline=True) == "一\n二\t三\n四␍五␛"


def test_file_names_with_undecodable_bytes():
    name = b"bad\xff.toml".decode("utf-8", "surrogateescape")
    shown = inert(name)
    assert shown == "bad\\udcff.toml"
    shown.encode("utf-8")  # printable on a strict UTF-8 stream


def test_non_strings():
    assert inert(None) == ""
    assert inert(12) == "12"


@given(st.text())
def test_never_leaves_a_live_character(s):
    out = inert(s)
    assert LIVE.search(out) is None
    assert "\n" not in out and "\t" not in out
    out.encode("utf-8")
    multi = inert(s, multiline=True)
    assert LIVE.search(multi) is None
    # Nothing is lost: every character is kept or replaced by a visible form.
    assert len(out) >= len(s.replace("\r\n", "\n")) - s.count("\r\n")


def test_printable_strings_are_left_alone_without_a_search():
    """inert() returns a printable string as it is, without searching it: sound
    only because no character it replaces is printable. Every code point."""
    from tui.core.inert import _PATTERNS

    for multiline, pattern in _PATTERNS.items():
        compiled = re.compile(pattern)
        printable_hits = [hex(c) for c in range(0x110000)
                          if chr(c).isprintable() and compiled.search(chr(c))]
        assert printable_hits == [], (multiline, printable_hits)


@given(st.recursive(st.none() | st.integers() | st.text(st.characters(blacklist_categories=())),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(st.characters(blacklist_categories=()), max_size=4), inner, max_size=3),
                    max_leaves=8),
       st.sampled_from([None, 1]))
def test_json_stays_exact_and_inert(value, indent):
    """check --format json and import --format json: the same JSON value
    (every character of every string, lone surrogates too), nothing live
    but the indentation's line breaks, and UTF-8 can carry it."""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent)
    out = json_inert(text)
    assert json.loads(out) == value
    assert LIVE.search(out) is None
    assert out.count("\n") == text.count("\n")  # the indentation's, no other
    out.encode("utf-8")


def test_json_inert_leaves_printable_json_alone():
    """json_inert() skips the search for printable text: sound only because
    every character it escapes is unprintable. Every code point."""
    from tui.core.inert import _JSON_LIVE

    compiled = re.compile(_JSON_LIVE)
    assert [hex(c) for c in range(0x110000) if chr(c).isprintable() and compiled.search(chr(c))] == []
    assert json_inert('{"a": "· 淮安 〇"}') == '{"a": "· 淮安 〇"}'
