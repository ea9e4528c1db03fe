"""Property-based: the splitter and the reader never crash and never lose text on arbitrary Unicode."""
from hypothesis import given, settings
from hypothesis import strategies as st

from index.reader import clean_text
from index.sentences import split_sentences
from tests.fakes import blank_nlp

NLP = blank_nlp("fr")
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400) | st.text(
    alphabet=list("abc ABC.!?«»“”\"'‘’-—:;,\n…M.J"), max_size=300)


def _squash(s: str) -> str:
    return "".join(s.split())


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_splitter_never_crashes_and_keeps_every_character(raw):
    text = clean_text(raw)
    sents = split_sentences("d", text, NLP)
    assert [s.n for s in sents] == list(range(1, len(sents) + 1))
    assert all(text[s.start:s.end] == s.text and s.text.strip() for s in sents)
    assert _squash("".join(s.text for s in sents)) == _squash(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_clean_text_is_stable(raw):
    once = clean_text(raw)
    assert clean_text(once) == once
