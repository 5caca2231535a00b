"""WrappedLines (issue 15.4): a long diff's wrapped lines kept as offsets into
the one Text, each line built when drawn, must equal what wrap_text + split
give (the lines the 正文 view showed before): same plain text, same spans in
the same order, for any text, styles and width."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from tui.app.widgets.paragraph import wrap_text
from tui.app.widgets.wrapped import WrappedLines

CHARS = list("政府信息公开，。（）、 \n2024abc.[]{}-+") + ["  ", "\n\n", "　"]
STYLES = ["bold", "strike red", "underline green", "reverse yellow", "dim", ""]


def reference(text, width):
    return wrap_text(text, max(width, 2)).split("\n", allow_blank=True)


@st.composite
def styled(draw):
    pieces = draw(st.lists(st.tuples(st.lists(st.sampled_from(CHARS), max_size=12).map("".join),
                                      st.sampled_from(STYLES)), max_size=30))
    t = Text()
    for piece, style in pieces:
        t.append(piece, style=style)
    for _ in range(draw(st.integers(0, 4))):  # overlapping spans too (a finding's stretch in a change)
        if len(t):
            a = draw(st.integers(0, len(t)))
            t.stylize(draw(st.sampled_from(STYLES[:-1])), a, draw(st.integers(a, len(t))))
    return t


@settings(max_examples=400, deadline=None)
@given(styled(), st.integers(min_value=0, max_value=30))
def test_lines_equal_wrap_text_then_split(text, width):
    got, want = WrappedLines(text, width), reference(text, width)
    assert len(got) == len(want)
    for y, line in enumerate(want):
        assert got[y].plain == line.plain
        assert got[y].spans == line.spans


def test_a_long_diff_holds_a_few_objects_not_a_text_per_line():
    import gc

    text = Text()
    for n in range(3000):
        text.append("政府信息公开工作取得一定成效，", style="strike red" if n % 3 else "")
        text.append(f"{n} 件。")
    gc.collect()
    before = len(gc.get_objects())
    lines = WrappedLines(text, 40)
    gc.collect()
    assert len(lines) > 1000
    assert len(gc.get_objects()) - before < 20  # a few arrays and the styles, whatever the length
    assert lines[-1].plain == reference(text, 40)[-1].plain
