"""The fast forms of the narrative rules' scans find exactly what the plain
regular expressions of FORMAT.md §2.1 find (issue 15.3: same findings, faster)."""

import re

from hypothesis import given, settings, strategies as st

from tui.core import narrative as N
from tui.core.forms import all_forms

_X, _O, _NUM = N._X, N._O, N._NUMERALS
REFERENCE_PLACEHOLDER = re.compile(
    rf"(?<![A-Za-z{_X}])[{_X}]{{2,}}(?![A-Za-z{_X}])"
    r"|某某"
    rf"|(?<![{_O}{_NUM}])[{_O}]{{2,}}(?![{_O}{_NUM}])"
    r"|待填写|待补充|此处填写"
    r"|_{3,}"
)

ALPHABET = st.sampled_from(list("XxＸｘ×aZ某○〇一三十待填写补充此处_0123456789٣,，。；;:（）() \n\r\t件条起宗第万元年"))
TEXT = st.text(ALPHABET, max_size=60)


def _reference_claims(table, spec):
    seps = spec["separators"]
    plain = "".join(re.escape(s) for s in seps if s != ",")
    comma = r"|(?<!\d),|,(?!\d)" if "," in seps else ""
    split = re.compile(rf"[{plain}\r\n]{comma}")
    units = "".join(re.escape(u) for u in spec["units"])
    prefix = re.escape(spec["ordinal_prefix"])
    figure = re.compile(rf"(?<![\d{prefix}])(?<!\d,)(\d+(?:,\d+)*)[^\S\r\n]*([{units}])")
    return split, figure


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_placeholder_scan_equals_the_plain_regex(text):
    m = REFERENCE_PLACEHOLDER.search(text)
    assert N.first_placeholder(text) == ((m.start(), m.end()) if m else None)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_clause_bounds_and_figures_equal_the_plain_regexes(text):
    for form in all_forms():
        table = N.claims_for(form)
        split, figure = _reference_claims(table, N._SPEC)
        assert table.bounds(text) == [m.start() for m in split.finditer(text)]
        assert [(m.span(), m.groups()) for m in table.figure.finditer(text)] == \
               [(m.span(), m.groups()) for m in figure.finditer(text)]
