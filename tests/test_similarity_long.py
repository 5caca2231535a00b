"""Issue 15.4: the similarity of long texts (a 2 MB narrative) is computed
with substrings cut as bytes and one shared set, and must equal FORMAT.md §2's measure
exactly: |S(A) ∩ S(B)| / |S(A)| over sets of 5-character substrings."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import similarity as sim


def reference(a, b):
    a, b = sim.normalise(a), sim.normalise(b)
    if len(a) < sim.N:
        return 0.0
    sa = {a[i:i + sim.N] for i in range(len(a) - sim.N + 1)}
    sb = {b[i:i + sim.N] for i in range(len(b) - sim.N + 1)}
    return len(sa & sb) / len(sa)


def long_path(a, b):
    return sim._similarity_long(sim.normalise(a), sim.normalise(b))


TEXT = st.text(alphabet=st.sampled_from(list("公开申请件年1 2０𠀀ab")), max_size=60)


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_long_path_equals_the_measure(a, b):
    if len(sim.normalise(a)) >= sim.N and sim.normalise(a) != sim.normalise(b):
        assert long_path(a, b) == reference(a, b)


def test_long_path_on_shared_starts_and_many_characters():
    rnd = random.Random(5)
    alphabet = [chr(0x4E00 + i) for i in range(5000)]
    for _ in range(300):
        a = "".join(rnd.choice(alphabet[:rnd.choice([2, 30, 5000])]) for _ in range(rnd.randint(5, 80)))
        b = rnd.choice([a[:rnd.randint(0, 8)], a[rnd.randint(0, len(a)):] + a, a[::-1], ""])
        assert long_path(a, b) == reference(a, b)


def test_long_texts_take_the_long_path_with_the_same_result():
    rnd = random.Random(9)
    alphabet = [chr(0x4E00 + i) for i in range(3000)]
    a = "".join(rnd.choice(alphabet) for _ in range(sim._MEMO_MAX_CHARS + 500))
    b = list(a)
    for _ in range(len(b) // 40):
        b[rnd.randrange(len(b))] = rnd.choice(alphabet)
    b = "".join(b)
    assert sim.similarity(a, b) == reference(a, b)
    assert 0.8 < sim.similarity(a, b) < 1.0


def test_a_long_pair_is_measured_once_and_remembered(monkeypatch):
    """Opening two 2 MB narratives side by side asks for the same figure
    three times; only the first computes it (the worker), the interface
    thread's later asks are answered from the memo, with the same figure."""
    rnd = random.Random(9)
    alphabet = [chr(0x4E00 + i) for i in range(3000)]
    a = "".join(rnd.choice(alphabet) for _ in range(30_000))
    b = a[:15_000] + "".join(rnd.choice(alphabet) for _ in range(15_000))
    computed = []
    real = sim._similarity
    monkeypatch.setattr(sim, "_similarity", lambda x, y: computed.append(1) or real(x, y))
    first = sim.similarity(a, b)
    assert sim.similarity(a, b) == sim.similarity(a, b) == first == reference(a, b)
    assert len(computed) == 1
    sim.similarity(b, a)  # the other direction is another figure
    assert len(computed) == 2


# The long path encodes the texts at 1, 2 or 4 bytes a character (the pair's
# characters decide): each width, and lone surrogates, against the
# plain set definition. Small alphabets so that texts share substrings.
ALPHABETS = [
    "ab c1\n",                # ASCII: one byte a character
    "abé\xff",                # latin-1: two
    "abé公开1",                # the BMP: two
    "公\ud800\udfffa1",        # lone surrogates (a str may hold them): two, one each
    "a公𠀀\U0010ffff\ud800",   # beyond the BMP: four
]


@st.composite
def pair_of_texts(draw):
    alphabet = draw(st.sampled_from(ALPHABETS))
    text = st.text(alphabet=st.sampled_from(list(alphabet)), max_size=80)
    a = draw(text)
    b = draw(st.one_of(text, st.just(a[::-1]), st.just(a[3:] + a[:3]), st.just("")))
    return a, b


@settings(max_examples=500, deadline=None)
@given(pair_of_texts())
def test_long_path_equals_the_plain_set_definition(pair):
    a, b = pair
    if len(sim.normalise(a)) >= sim.N:
        assert long_path(a, b) == reference(a, b)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=()), min_size=5, max_size=60),
       st.text(st.characters(blacklist_categories=()), max_size=60))
def test_long_path_on_any_characters(a, b):
    if len(sim.normalise(a)) >= sim.N:
        assert long_path(a, b) == reference(a, b)
        assert long_path(a, a + b) == reference(a, a + b)


def test_long_latin_texts_take_the_long_path_with_the_same_result():
    rnd = random.Random(3)
    a = "".join(rnd.choice("abcdefgh ") for _ in range(sim._MEMO_MAX_CHARS * 2))
    b = a[5000:] + a[:5000]
    assert sim.similarity(a, b) == reference(a, b)
    wide = a + "\U0001F600"  # the same texts at four bytes a character
    assert sim.similarity(wide, b) == reference(wide, b) < sim.similarity(a, b)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4), st.text(alphabet=st.sampled_from(list("公开申请件年ab\U0001F600")), min_size=5, max_size=60),
       st.text(alphabet=st.sampled_from(list("公开申请件年ab\U0001F600")), max_size=60))
def test_long_path_cut_in_many_calls_equals_the_measure(per_call, a, b):
    """The struct calls cut at most _RUN substrings each (so a thread
    computing a 2 MB figure lets the interface run between them): with a
    handful per call, every cut falls inside these texts."""
    saved = sim._RUN
    sim._RUN = per_call
    try:
        if len(sim.normalise(a)) >= sim.N:
            assert long_path(a, b) == reference(a, b)
            assert long_path(a, a[2:] + b) == reference(a, a[2:] + b)
    finally:
        sim._RUN = saved
