"""tui.core.load.identity_hint: a batch's first step reads each file's identity
from its `[report]` lines without parsing. For a valid report the answer is
its identity or None (load it); never another identity (issue 15.2)."""

from hypothesis import given, settings, strategies as st

from tests.conftest import REPO
from tui.core.load import identity_hint, load_bytes
from tui.core.report import Invalid

SAMPLES = sorted((REPO / "reports").glob("*.toml"))


def _loaded_identity(raw):
    r = load_bytes(raw, "x.toml")
    return None if isinstance(r, Invalid) else (r.agency, r.year)


def test_the_sample_reports_are_identified_without_parsing():
    for path in SAMPLES:
        raw = path.read_bytes()
        assert identity_hint(raw) == _loaded_identity(raw) is not None


# Lines that change what the table `report` holds, or make a file that looks
# like one without being one: strings, keys, headers, comments, arrays.
SNIPPETS = [
    'agency = "其他机关"', "agency = '字面机关'", 'agency = "带\\"转义"', 'agency = "  "', 'agency = 1',
    '"agency" = "引号键"', "agency.x = 1", 'report.agency = "点键"', "year = 2019", "year = 2_020",
    "year = +2020", "year = 0x7e4", "year = 2020.0", "year = 1979-05-27", 'year = "2020"',
    'form = "gov-info-disclosure/2019"', 'form = "gov-info-disclosure/2021"', 'form = "nope"',
    "[report]", "[ report ]", "[report.sub]", "[[report]]", "[text]", "[other]", "  [other]",
    'x = """', '"""', "x = '''", "'''", 'x = """多行\n[report]\nagency = "串中"\n"""', "x = [", "]", "[1],",
    "# agency = \"注释\"", "x = { agency = \"内联\" }", "agency = \"A\" # 注释", "agency = \"A\" x",
    "year = 2020 # 注释", "\tyear = 2021", "", "\r", "\ufeff", "agency = \"\t制表\"",
]

TEMPLATE = SAMPLES[0].read_text(encoding="utf-8")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 14), st.sampled_from(SNIPPETS), st.booleans()), max_size=4),
       st.booleans(), st.booleans())
def test_a_hint_is_never_another_identity(edits, crlf, bom):
    lines = TEMPLATE.split("\n")
    for at, snippet, replace in edits:
        at = min(at, len(lines) - 1)
        if replace:
            lines[at] = snippet
        else:
            lines.insert(at, snippet)
    text = ("\r\n" if crlf else "\n").join(lines)
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")
    hint = identity_hint(raw)
    if hint is not None:
        loaded = _loaded_identity(raw)
        assert loaded is None or loaded == hint, (hint, loaded)
