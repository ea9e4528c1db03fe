"""Splitting rules with a tokenizer-only pipeline (the real parser is covered in integration)."""
from index.sentences import split_sentences
from tests.fakes import blank_nlp

NLP = blank_nlp("fr")


def texts(text):
    return [s.text for s in split_sentences("d", text, NLP)]


def test_ids_offsets_and_paragraphs():
    text = "Une phrase. Une autre phrase.\n\nDeuxième paragraphe."
    sents = split_sentences("doc", text, NLP)
    assert [s.id for s in sents] == ["doc#S1", "doc#S2", "doc#S3"]
    assert [s.paragraph for s in sents] == [1, 1, 2]
    assert all(text[s.start:s.end] == s.text for s in sents)


def test_lowercase_continuation_is_not_a_new_sentence():
    assert texts("Le partenariat s’est poursuivi. se développer à un niveau élevé. Fin.") == [
        "Le partenariat s’est poursuivi. se développer à un niveau élevé.", "Fin."]


def test_quote_fragment_joins_previous_sentence():
    out = texts("Il a parlé des deux pays. ‘ forces armées, selon un communiqué du ministère. Ensuite.")
    assert out[0].endswith("selon un communiqué du ministère.") and len(out) == 2


def test_abbreviations_and_initials_do_not_end_sentences():
    out = texts("M. Faizy a rencontré Mme Dupont et J.-P. Martin hier. Le Dr. House est venu.")
    assert out == ["M. Faizy a rencontré Mme Dupont et J.-P. Martin hier.", "Le Dr. House est venu."]


def test_quotation_spanning_sentences_stays_whole():
    out = texts("« Nous sommes prêts. Nous allons agir », a déclaré le ministre. Puis il est parti.")
    assert out == ["« Nous sommes prêts. Nous allons agir », a déclaré le ministre.", "Puis il est parti."]


def test_english_sentences():
    nlp = blank_nlp("en")
    out = [s.text for s in split_sentences("d", 'Mr. Brown said no. "We will fight," he added. U.S. officials agreed.', nlp)]
    assert out == ["Mr. Brown said no.", '"We will fight," he added.', "U.S. officials agreed."]


def test_no_text_is_lost():
    text = "A. b c. D? E! « F. G » H.\n\nI… J"
    sents = split_sentences("d", text, NLP)
    joined = "".join(text[s.start:s.end] for s in sents).replace(" ", "").replace("\n", "")
    assert joined == text.replace(" ", "").replace("\n", "")
