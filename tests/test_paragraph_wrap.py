"""CJK-aware line breaking (tui.app.widgets.paragraph): Chinese breaks between
characters, Latin words and numbers stay whole, a simple 禁则 (issue 13.2, 13.10)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.app.widgets.paragraph import break_offsets


def lines(text, width):
    b = [0] + break_offsets(text, width) + [len(text)]
    return [text[a:c] for a, c in zip(b, b[1:])]


def test_a_year_is_not_left_alone_on_a_line():
    text = "2024 年，洪泽区政府信息公开工作取得一定的成效，但对照上级要求，仍存在一定差距"
    assert lines(text, 40)[0].startswith("2024 年，洪泽区")


def test_latin_runs_stay_whole():
    got = lines("撤回：撤回光标所在单元格的接受或批注（追加 [[review.withdrawn]]，原记录保留）", 48)
    assert got[1].startswith("[[review.withdrawn]]")


def test_no_closing_punctuation_at_line_start_nor_opening_bracket_at_end():
    assert lines("一二三四五六七八九，十", 18) == ["一二三四五六七八", "九，十"]
    assert lines("abc（追加写入报告文件）", 10) == ["abc（追加", "写入报告文", "件）"]
    assert lines("导出为 .md、.html、.csv 或 .docx 文件", 16)[1].startswith(".html")


def test_a_run_of_punctuation_still_wraps():
    assert lines("，" * 12, 6) == ["，，，"] * 4


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("政府信息公开，。（）、 2024abc.[]")), max_size=80),
       st.integers(min_value=2, max_value=30))
def test_lines_partition_the_text_and_fit(text, width):
    got = lines(text, width)
    assert "".join(got) == text
    for line in got:
        assert line == "" or cell_len(line.rstrip(" ")) <= max(width, 2)
