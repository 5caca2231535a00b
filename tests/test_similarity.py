"""The FORMAT.md §2 similarity, computed fast (substrings cut as bytes by
struct, sentences normalised through a cache, whitespace deleted by
str.split), equals its plain definition (issue 15.3)."""

import re

from hypothesis import given, settings, strategies as st

from tui.core import similarity as S


def _plain_normalise(text):
    return re.sub(r"\d+", "0", re.sub(r"\s+", "", text))


def _plain(this_year, last_year):
    a, b = _plain_normalise(this_year), _plain_normalise(last_year)
    if len(a) < 5:
        return 0.0
    sa = {a[i:i + 5] for i in range(len(a) - 4)}
    sb = {b[i:i + 5] for i in range(len(b) - 4)}
    return len(sa & sb) / len(sa)


CHARS = st.sampled_from(list("政府信息公开年度报告工作。。，a1٣ \n\t\u3000\u2028\x1c"))
TEXT = st.text(CHARS, max_size=80)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_normalise_is_the_plain_definition(text):
    assert S.normalise(text) == _plain_normalise(text)
    assert S._normalise_by_sentence(text) == _plain_normalise(text)
    assert S._normalise_by_sentence(text) == _plain_normalise(text)  # from the sentence cache


@settings(max_examples=500, deadline=None)
@given(TEXT, TEXT, st.integers(0, 80))
def test_similarity_is_the_plain_definition(a, b, cut):
    assert S.similarity(a, b) == _plain(a, b)
    moved = a[cut:] + "。" + a[:cut]  # last year's sentences, moved about
    assert S.similarity(moved, a) == _plain(moved, a)
    assert S.similarity(a, moved) == _plain(a, moved)


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(blacklist_categories=()), max_size=200))
def test_a_text_is_cut_into_its_substrings(t):
    """Every substring once, each the UTF-32 encoding of its characters
    (lone surrogates and characters beyond the BMP included), across runs."""
    assert S._cut(t) == {t[i:i + 5].encode("utf-32-le", "surrogatepass") for i in range(len(t) - 4)}


def test_long_sentences_are_cut_whole():
    """Texts of many runs (_RUN substrings each) from every offset."""
    import random

    rng = random.Random(5)
    for size in (300, 1_000, 5_000, 19_000):
        sentence = "".join(rng.choice("政府信息公开年度报告工作机关申请") for _ in range(size))
        a, b = sentence + "。新的一句。", "旧的一句。" + sentence[: size // 2] + "。"
        assert S.similarity(a, b) == _plain(a, b)


def test_long_texts_and_many_texts_keep_the_caches_bounded():
    sentence = "本机关全年主动公开政府信息若干条。"
    for i in range(3000):
        text = f"{i}{sentence}" * 3 + f"第{i}句不同{i * 7}。"
        assert S.similarity(text, sentence * 3) == _plain(text, sentence * 3)
    assert len(S._MEMO) <= S._MEMO_SIZE
    assert len(S._SENTENCES.new) <= S._SENTENCES_SIZE and len(S._SENTENCES.old) <= S._SENTENCES_SIZE
    assert len(S._UNPACKERS) <= 3 * S._RUN  # a format per width and run length
    long = sentence * 2000  # past _MEMO_MAX_CHARS: computed directly
    assert S.similarity(long, long + "新") == 1.0
