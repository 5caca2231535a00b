"""The fast forms of the narrative rules' scans find exactly what the plain
regular expressions of FORMAT.md §2.1 find (issue 15.3: same findings, faster)."""

import bisect
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

# FORMAT.md §2.1: a year is 4 decimal digits not preceded by a digit, optional whitespace, 年.
REFERENCE_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")

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
@given(st.text(st.sampled_from(list("0123456789٣１ \u3000\n\t年月a")), max_size=40))
def test_year_scan_equals_the_plain_regex(text):
    assert N.years(text) == [(int(m.group(1)), m.start(), m.end()) for m in REFERENCE_YEAR.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_clause_bounds_and_figures_equal_the_plain_regexes(text):
    for form in all_forms():
        table = N.claims_for(form)
        split, figure = _reference_claims(table, N._SPEC)
        # Figures are found from their units backwards and each clause by
        # scanning out from its figure (tui.core.narrative.Claims): the same
        # figures and the same clause bounds as the plain regexes.
        found = table.figures(text)
        assert [(start, end, number, unit) for start, _, end, number, unit in found] == \
               [(m.start(), m.end(), int(m.group(1).replace(",", "")), m.group(2)) for m in figure.finditer(text)]
        bounds = [m.start() for m in split.finditer(text)]
        for start, _, end, _, _ in found:
            i = bisect.bisect_right(bounds, start)
            assert table._clause(text, start, end) == (bounds[i - 1] + 1 if i else 0,
                                                       bounds[i] if i < len(bounds) else len(text))
