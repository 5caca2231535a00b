"""The compiled TOML parser against tomllib, the reference (issue 15.1).

For random documents (report shapes, dates, times and offsets, big and special
numbers, unicode keys, inline tables, arrays of tables, and mutations of all
of these that are often invalid) and for every TOML file under tests/ and
reports/:

* whenever the compiled parser (toml-rs, TOML 1.0 mode) accepts a document
  that is not a known divergence, tomllib accepts it too and the data are
  identical: same types (int vs float vs bool), same key order, -0.0 vs 0.0,
  nan, same dates, times and UTC offsets;
* tui.core.tomlparse.loads always returns exactly tomllib's data or raises
  with exactly tomllib's message.
"""

import datetime
import math
import os
import pathlib
import subprocess
import sys
import tomllib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from tui.core import tomlparse

toml_rs = pytest.importorskip("toml_rs")
# tomlparse imports the compiled parser only once enough text was parsed; here
# it must be in use from the first text on, so that every document below
# goes through it.
assert tomlparse.compiled_available()

MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ----------------------------------------------------------------- equality

def same(a, b, path="$"):
    """Deep identity of parsed data: types, order, float signs and nan, tz offsets.
    Returns None or a description of the first difference."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r} vs {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)!r} vs {list(b)!r}"
        for k in a:
            d = same(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return None
        if a == b and math.copysign(1, a) == math.copysign(1, b):
            return None
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, (datetime.datetime, datetime.date, datetime.time)):
        # repr shows every field, the tzinfo's offset included
        return None if a == b and repr(a) == repr(b) else f"{path}: {a!r} vs {b!r}"
    return None if a == b and repr(a) == repr(b) else f"{path}: {a!r} vs {b!r}"


def test_same_distinguishes_what_equality_hides():
    assert same({"a": 1}, {"a": 1.0}) and same({"a": 1}, {"a": True})
    assert same(0.0, -0.0) and not same(float("nan"), float("nan"))
    assert same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    utc = datetime.timezone.utc
    plus8 = datetime.timezone(datetime.timedelta(hours=8))
    assert same(datetime.datetime(2024, 1, 1, 8, tzinfo=plus8), datetime.datetime(2024, 1, 1, 0, tzinfo=utc))
    assert same(datetime.datetime(2024, 1, 1), datetime.date(2024, 1, 1))


# ---------------------------------------------------------------- verdicts

def reference(text):
    try:
        return True, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return False, str(exc)


def compiled(text):
    try:
        return True, toml_rs.loads(text, toml_version="1.0.0")
    except Exception as exc:  # noqa: BLE001 - ValueError etc. count as a rejection
        return False, f"{type(exc).__name__}: {exc}"


DISAGREEMENTS = []  # (text, kind): compiled rejects what tomllib accepts (harmless: fallback)


def assert_agree(text):
    ok_ref, ref = reference(text)
    # 1. the module: always tomllib's data or tomllib's message
    try:
        got = tomlparse.loads(text)
    except tomlparse.TomlError as exc:
        assert not ok_ref, f"tomlparse rejected what tomllib accepts: {exc}\n{text!r}"
        assert str(exc) == ref
    except RecursionError:
        assert False, f"RecursionError\n{text!r}"
    else:
        assert ok_ref, f"tomlparse accepted what tomllib rejects ({ref})\n{text!r}"
        assert same(got, ref) is None, f"{same(got, ref)}\n{text!r}"
    # 2. the compiled parser itself, outside the known divergences
    if tomlparse._doubtful(text):
        return
    ok_rs, rs = compiled(text)
    if ok_rs:
        assert ok_ref, f"compiled accepts what tomllib rejects ({ref})\n{text!r}"
        assert same(rs, ref) is None, f"{same(rs, ref)}\n{text!r}"
    elif ok_ref:
        DISAGREEMENTS.append(text)


# --------------------------------------------------------------- generators

bare_key = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
unicode_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


def _basic_escape(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(o, f"\\u{o:04X}"))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


quoted_key = unicode_text.map(_basic_escape)
literal_key = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(lambda c: c != "'"),
                      max_size=6).map(lambda s: f"'{s}'")
chinese_key = st.sampled_from(["申请", "结转下年度", "政府信息公开", "ü", "é", "键"]).map(_basic_escape)
simple_key = st.one_of(bare_key, quoted_key, literal_key, chinese_key)
key = st.lists(simple_key, min_size=1, max_size=3).map(".".join)


def _underscored(digits, draw_flag):
    if draw_flag and len(digits) > 2:
        return digits[0] + "_" + digits[1:]
    return digits


integers = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.integers(-2**70, 2**70).map(str),  # past int64 both ways
    st.sampled_from(["9223372036854775807", "-9223372036854775808", "9223372036854775808",
                     "-9223372036854775809", "+0", "-0", "1_000", "1__0", "01", "0x_1", "+0x10"]),
    st.integers(0, 2**72).map(lambda n: f"0x{n:x}"),
    st.integers(0, 2**66).map(lambda n: f"0o{n:o}"),
    st.integers(0, 2**66).map(lambda n: f"0b{n:b}"),
    st.tuples(st.integers(1, 10**12), st.booleans()).map(lambda t: _underscored(str(t[0]), t[1])),
)
floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr).filter(lambda s: "e" in s or "." in s),
    st.sampled_from(["nan", "+nan", "-nan", "inf", "+inf", "-inf", "-0.0", "+0.0", "0e0", "1e400", "-1e400",
                     "1e-400", "5e-324", "1.7976931348623157e308", "0.1", "3.14159_26", "1_0.0_1", "1.", ".5",
                     "1e", "1.0e+_1", "6.02e+23", "1E-7", "NaN", "Inf", "0.30000000000000004",
                     "123456789012345678901234567890.5", "0.000000000000000000000000000001"]),
    st.tuples(st.integers(-10**20, 10**20), st.integers(0, 10**18), st.integers(-330, 330)).map(
        lambda t: f"{t[0]}.{t[1]}e{t[2]}"),
)


@st.composite
def offsets(draw):
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return ""
    if kind == 1:
        return draw(st.sampled_from(["Z", "z"]))
    h, m = draw(st.integers(0, 24)), draw(st.integers(0, 60))
    return f"{draw(st.sampled_from('+-'))}{h:02d}:{m:02d}"


@st.composite
def dates(draw):
    y = draw(st.integers(0, 9999))
    m = draw(st.integers(0, 13))
    d = draw(st.integers(0, 32))
    return f"{y:04d}-{m:02d}-{d:02d}"


@st.composite
def times(draw):
    h, mi, s = draw(st.integers(0, 24)), draw(st.integers(0, 60)), draw(st.integers(0, 61))
    frac = draw(st.one_of(st.just(""), st.integers(0, 10**9).map(lambda n: "." + str(n)),
                          st.sampled_from([".9999999", ".0000005", ".123456789012"])))
    return f"{h:02d}:{mi:02d}:{s:02d}{frac}"


@st.composite
def datetimes(draw):
    sep = draw(st.sampled_from(["T", "t", " "]))
    return f"{draw(dates())}{sep}{draw(times())}{draw(offsets())}"


basic_strings = unicode_text.map(_basic_escape)
escapes = st.lists(st.sampled_from(["\\n", "\\t", "\\\\", "\\\"", "\\u00e9", "\\U0001F600", "\\uD800", "\\e",
                                    "\\x41", "\\U00110000", "\\u0000", "a", "中文", " ", "\\ "]),
                   max_size=5).map(lambda parts: '"' + "".join(parts) + '"')
literal_strings = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(lambda c: c != "'"),
                          max_size=10).map(lambda s: f"'{s}'")
multiline = st.one_of(
    unicode_text.map(lambda s: '"""\n' + _basic_escape(s)[1:-1] + ' \\\n  tail"""'),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(lambda c: c not in "'\x7f" and
                                                                             (c in "\n\t" or ord(c) >= 0x20)),
            max_size=12).map(lambda s: "'''\n" + s + "'''"),
    st.sampled_from(['""""a"""', '"""a""""', "''''a''''", '"""\r\n"""', '"""\\\r\n  x"""']),
)
scalars = st.one_of(integers, floats, st.sampled_from(["true", "false", "True", "yes"]),
                    basic_strings, escapes, literal_strings, multiline,
                    dates(), times(), datetimes())


def values(depth=2):
    if depth == 0:
        return scalars
    inner = values(depth - 1)
    array = st.lists(inner, max_size=4).flatmap(
        lambda items: st.sampled_from([", ", ",", ",\n  ", " ,"]).map(lambda sep: "[" + sep.join(items) + "]"))
    trailing = st.lists(inner, min_size=1, max_size=3).map(lambda items: "[" + ", ".join(items) + ",]")
    inline = st.lists(st.tuples(key, inner), max_size=3).map(
        lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}")
    return st.one_of(scalars, array, trailing, inline)


statement = st.one_of(
    st.tuples(key, values()).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    key.map(lambda k: f"[{k}]"),
    key.map(lambda k: f"[[{k}]]"),
    st.sampled_from(["# 注释 comment", "", "  ", "\t# x\x7f", "[report]", "[[review.signoff]]",
                     "form = \"gov-2021\"", "year = 2024", "applications.new_received = [1, 2, 3, 4, 5, 6, 7]"]),
)


@st.composite
def documents(draw):
    lines = draw(st.lists(statement, max_size=12))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    if draw(st.booleans()):
        text += "\n"
    return text


@st.composite
def mutated(draw):
    """A document with a few characters inserted, deleted or replaced: often invalid."""
    text = draw(st.one_of(documents(), st.sampled_from(SAMPLE_TEXTS)))
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        i = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 2))
        ch = draw(st.sampled_from(list("[]{}=\"'.,#\n\r\t \\0+-_:eExZ中") + ["\ufeff", "\x00", "\x7f", "\u2028"]))
        if op == 0:
            text = text[:i] + ch + text[i:]
        elif op == 1:
            text = text[:i] + text[i + 1:]
        else:
            text = text[:i] + ch + text[i + 1:]
    return text


def _toml_files():
    out = []
    for base in ("tests", "reports"):
        for root, _dirs, files in os.walk(REPO / base):
            out.extend(pathlib.Path(root) / f for f in files if f.endswith(".toml"))
    return sorted(out)


TOML_FILES = _toml_files()
SAMPLE_TEXTS = [p.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff") for p in TOML_FILES[:40]]


# ------------------------------------------------------------------- tests

@pytest.mark.parametrize("path", TOML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_file_in_the_repository(path):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: never parsed")
    assert_agree(text.removeprefix("\ufeff"))
    assert_agree(text)


def test_the_repository_has_toml_files():
    assert len(TOML_FILES) >= 10


@MANY
@given(documents())
@example('a = 1979-05-27T07:32:00-08:00\nb = 07:32:00.999999\nc = 1979-05-27\nd = 2024-02-29 23:59:59.1234567Z')
@example("a = nan\nb = -nan\nc = -0.0\nd = +inf\ne = 99999999999999999999999\nf = 1e400\ng = 0xffffffffffffffffffff")
@example('"申请".\'ü\' = {x = [1, 2.0, true, "s"], y = {}}\n[[t]]\n[[t]]\nk = 1')
def test_random_documents(text):
    assert_agree(text)


@MANY
@given(mutated())
@example("\ufeffa = 1")
@example("a = 07:32")
@example("a = {b = 1,}")
@example('a = "\\e"')
@example("a = 1979-05-27T23:59:60Z")
@example("a = 0000-01-01")
def test_mutated_documents(text):
    assert_agree(text)


def test_known_divergences_are_guarded():
    # a BOM inside the text: toml-rs skips it, tomllib rejects (load.py strips one BOM first)
    assert toml_rs.loads("\ufeffa = 1", toml_version="1.0.0") == {"a": 1}
    with pytest.raises(tomlparse.TomlError):
        tomlparse.loads("\ufeffa = 1")
    # nesting: toml-rs overflows its stack (a crash, not an exception) past a
    # few thousand levels; tomllib raises RecursionError, load.py reports it
    deep = "a = " + "[" * 5000 + "]" * 5000
    assert tomlparse._doubtful(deep)
    with pytest.raises(RecursionError):
        tomlparse.loads(deep)


def _python(code):
    """Standard output of `code` run by a fresh interpreter in the repository (its imports are the test)."""
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_falls_back_to_tomllib_without_the_compiled_parser(tmp_path):
    """With toml_rs unimportable, load.py parses (and reports errors) exactly as before."""
    code = (
        "import sys; sys.modules['toml_rs'] = None\n"
        "from tui.core import tomlparse\n"
        "from tui.core.load import load_bytes\n"
        "assert not tomlparse.compiled_available()\n"
        "r = load_bytes(open('reports/huaian-2024.toml', 'rb').read(), 'x.toml')\n"
        "print(type(r).__name__, r.year)\n"
        "print(load_bytes(b'a = [1,', 'bad.toml').error)\n"
    )
    out = _python(code)
    assert out.splitlines()[0] == "Report 2024"
    assert out.splitlines()[1].startswith("bad.toml:1:")


def test_compiled_parser_is_used_when_installed():
    assert tomlparse.compiled_available()


def test_compiled_parser_is_imported_once_it_pays():
    """A one-file check parses with tomllib and never imports toml_rs (its import
    costs more than tomllib's parse of a report: cold start, issue 15); from
    COMPILED_FROM characters on, and at once for a text that long, it is used."""
    code = (
        "import sys\n"
        "from tui.core import tomlparse\n"
        "report = open('reports/lingwu-minzheng-2020.toml', encoding='utf-8').read()\n"
        "tomlparse.loads(report)\n"
        "print('toml_rs' in sys.modules)\n"
        "for _ in range(tomlparse.COMPILED_FROM // len(report) + 1):\n"
        "    tomlparse.loads(report)\n"
        "print('toml_rs' in sys.modules)\n"
    )
    out = _python(code)
    assert out.split() == ["False", "True"]
    code = (
        "import sys\n"
        "from tui.core import tomlparse\n"
        "data = tomlparse.loads('a = \"' + 'x' * tomlparse.COMPILED_FROM + '\"')\n"
        "print('toml_rs' in sys.modules, len(data['a']) == tomlparse.COMPILED_FROM)\n"
    )
    out = _python(code)
    assert out.split() == ["True", "True"]
