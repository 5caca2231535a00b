"""Issue 10, Must show: arbitrary bytes and arbitrary TOML documents fed to
`check`, `verify`, `diff` and the loader never give a traceback, never hang
past a few seconds, and exit as FORMAT.md §4 says.

Most examples call the command mains in-process with captured output (fast);
a few run the real command in a subprocess. Each in-process call runs under
an alarm, so a hang fails the example instead of blocking the suite.
"""

import contextlib
import datetime
import io
import json
import os
import signal
import tempfile
import tomllib

from hypothesis import HealthCheck, given, settings, strategies as st

import tui.cli
from tests.conftest import REPORTS, run_cli
from tui.core.load import load_bytes
from tui.core.report import Invalid
from tui.core.tomltext import toml_string

HANG = 20  # seconds: far beyond any real run, short enough to fail fast
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SAMPLES = sorted(REPORTS.glob("*.toml"))
SAMPLE_DATA = [tomllib.loads(p.read_text(encoding="utf-8")) for p in SAMPLES]


class Hang(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds=HANG):
    def ring(signum, frame):
        raise Hang(f"no answer in {seconds} s")
    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def main(*argv):
    """(exit status, stdout, stderr) of `nianbao ARGV` in-process."""
    out, err = io.StringIO(), io.StringIO()
    with alarm(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = tui.cli.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def strict_json(text):
    def refuse(name):
        raise AssertionError(f"not JSON: {name}")
    return json.loads(text, parse_constant=refuse)


# -- TOML documents ---------------------------------------------------------

class Raw(str):
    """A literal written as it is (integers too large for Python to print or for TOML to hold)."""

    def __repr__(self):
        return f"Raw({str.__repr__(self[:30])}…)"


def literal(v):
    """A TOML literal for a Python value (inline tables for tables)."""
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {literal(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def document(data):
    return "\n".join(f"{toml_string(k)} = {literal(v)}" for k, v in data.items()) + "\n"


hostile_text = st.text(alphabet=st.sampled_from(list("甲局年 0123456789XＸ〇/—_[]{}\"'\\=.#")
                                                 + ["\x1b", "\x07", "\x08", "\r", "\n", "\t", "\x00", "\x7f",
                                                    "\x9b", "\u202e", "\u2066", "\u2028", "\ufeff"]),
                       max_size=40)
scalars = st.one_of(
    st.integers(-(2 ** 63), 2 ** 63 - 1),
    st.sampled_from([Raw("9223372036854775808"), Raw("-9223372036854775809"), Raw("1" + "0" * 30),
                     Raw("0x" + "f" * 5000), Raw("0b" + "1" * 20000), Raw("-" + "9" * 5000), Raw("0o" + "7" * 40)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    hostile_text,
    st.text(max_size=20),
    st.dates(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.times(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=8) | st.dictionaries(hostile_text, inner, max_size=5),
                      max_leaves=15)


def leaves(data, path=()):
    """Every (path, value) of a nested dict/list."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for k, v in items:
        if isinstance(v, (dict, list)) and v:
            yield from leaves(v, path + (k,))
        else:
            yield path + (k,), v


def replaced(data, path, value):
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = replaced(data[path[0]], path[1:], value)
    return copy


@st.composite
def mutated_report(draw):
    """A sample report with a few values (cells, identity, text, whole tables) replaced."""
    data = draw(st.sampled_from(SAMPLE_DATA))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p, _ in leaves(data)] + [(k,) for k in data]
        path = draw(st.sampled_from(paths))
        data = replaced(data, path, draw(values))
    return document(data)


arbitrary_document = st.dictionaries(hostile_text, values, max_size=6).map(document)


def write(folder, name, payload):
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(payload if isinstance(payload, bytes) else payload.encode("utf-8"))
    return path


def exercise(payload):
    """Feed one file to the loader and to every command; check exit statuses."""
    raw = payload if isinstance(payload, bytes) else payload.encode("utf-8")
    with alarm():
        loaded = load_bytes(raw, "x.toml")
        if not isinstance(loaded, Invalid):
            loaded.digest
            json.dumps(loaded.file)
    with tempfile.TemporaryDirectory() as d:
        bad = write(d, "x.toml", raw)
        good = write(d, "good.toml", SAMPLES[0].read_bytes())
        code, out, err = main("check", "--format", "json", bad)
        doc = strict_json(out)
        assert code in (0, 1, 2)
        assert (code == 2) == bool(doc["invalid"] or not doc["reports"])
        assert isinstance(loaded, Invalid) == bool(doc["invalid"])
        unreadable = isinstance(loaded, Invalid)
        code, out, err = main("check", d)  # beside a good report
        assert code == 2 if unreadable else code in (0, 1)
        assert "灵武市民政局" in out or "huaian" in out or "淮安" in out or "洪泽" in out
        code, out, err = main("verify", bad)
        assert code == 2 if unreadable else code in (0, 1)
        code, out, err = main("verify", good)  # its folder holds the hostile file
        assert code in (0, 1)
        code, out, err = main("diff", good, bad)
        assert code == (2 if isinstance(loaded, Invalid) else 0), err
        code, out, err = main("diff", bad, bad)
        assert code == (2 if isinstance(loaded, Invalid) else 0), err


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(raw):
    exercise(raw)


@FUZZ
@given(arbitrary_document)
def test_arbitrary_toml_documents(text):
    exercise(text)


@settings(FUZZ, max_examples=50)
@given(mutated_report())
def test_mutated_reports(text):
    exercise(text)


@settings(FUZZ, max_examples=20)
@given(st.sampled_from(SAMPLES), st.binary(min_size=1, max_size=8), st.integers(0, 10 ** 6))
def test_spliced_bytes_in_real_reports(sample, junk, at):
    raw = sample.read_bytes()
    at %= len(raw)
    exercise(raw[:at] + junk + raw[at:])


@settings(FUZZ, max_examples=4)
@given(mutated_report())
def test_subprocess(text):
    """The real command: exit status per §4, no traceback, within the timeout."""
    with tempfile.TemporaryDirectory() as d:
        bad = write(d, "x.toml", text)
        r = run_cli("check", "--format", "json", bad, timeout=60)
        assert r.returncode in (0, 1, 2) and "Traceback" not in r.stderr
        strict_json(r.stdout)
        r = run_cli("diff", SAMPLES[0], bad, timeout=60)
        assert r.returncode in (0, 2) and "Traceback" not in r.stderr


def test_serializer_writes_valid_toml():
    for data in SAMPLE_DATA:
        assert tomllib.loads(document(data)) == data
