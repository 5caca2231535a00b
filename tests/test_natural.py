"""The list's natural sort key (tui.app.listmodel.natural) is a string that
orders exactly as the list [text, number, text, …] of a name's parts, the
key it replaced: digit runs by value, any decimal digits, control
characters, ties between 7 and 007 kept."""

import re

from hypothesis import given, settings, strategies as st

from tui.app.listmodel import natural

_RUNS = re.compile(r"(\d+)")


def _as_list(text):
    parts = _RUNS.split(text)
    return [int(p) if i % 2 else p for i, p in enumerate(parts)]


def _sign(a, b):
    return (a > b) - (a < b)


_NAMES = st.text(alphabet=st.sampled_from(list("机关局aZ _-.\x00\x01\x02\x7f\U0010ffff0179０１９٣")), max_size=12)


@settings(max_examples=2000)
@given(_NAMES, _NAMES)
def test_natural_orders_as_the_list_of_parts(a, b):
    assert _sign(natural(a), natural(b)) == _sign(_as_list(a), _as_list(b)), (a, b)


_DIGIT_HEAVY = st.text(alphabet=st.sampled_from(list("0000123456789a机")), max_size=30)  # runs of 9, 10, 11 … digits


@settings(max_examples=2000)
@given(_DIGIT_HEAVY, _DIGIT_HEAVY)
def test_natural_orders_long_digit_runs_as_the_list_of_parts(a, b):
    assert _sign(natural(a), natural(b)) == _sign(_as_list(a), _as_list(b)), (a, b)


def test_natural_examples():
    names = ["测试机关10", "测试机关2", "测试机关100", "测试机关1", "测试机关"]
    assert sorted(names, key=natural) == ["测试机关", "测试机关1", "测试机关2", "测试机关10", "测试机关100"]
    assert natural("机关7") == natural("机关007") == natural("机关０７")
    assert natural("a9") < natural("a10") < natural("a10b") < natural("a11")


def test_a_digit_run_longer_than_int_converts_still_sorts():
    """int() refuses more than 4,300 digits: a name with such a run (an agency
    is untrusted text) must sort, not crash the list."""
    long = "机关" + "9" * 5000
    assert natural("机关1") < natural(long) < natural("机关1" + "0" * 5000)
