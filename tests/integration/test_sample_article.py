"""The real French pipeline on the sample article: splits and attributions against our gold."""
import pytest

from index.nlp import load_pipeline
from index.pipeline import analyse
from index.reader import read_article
from index.sentences import parse_sentences

from .conftest import SAMPLE

# Our gold attributions for the sample article: sentence number -> canonical speaker(s).
GOLD = {5: "Li Shangfu; Sergueï Choïgou", 6: "ministère chinois de la Défense", 7: "Song Zhongping",
        8: "Song Zhongping", 9: "Zhang Hong", 10: "Zhang Hong", 11: "experts", 12: "observateurs",
        13: "Li Shangfu; Sergueï Choïgou", 14: "Song Zhongping", 16: "Song Zhongping", 17: "Zhang Hong",
        18: "Li Shangfu", 19: "Sergueï Choïgou", 20: "Sergueï Choïgou", 21: "RT", 22: "observateurs"}


@pytest.fixture(scope="module")
def parsed():
    art = read_article(SAMPLE)
    ps = parse_sentences(art.name, art.text, load_pipeline("fr"))
    _, sentences, _ = analyse(art)
    return ps, sentences


def test_sentence_traps(parsed):
    ps, _ = parsed
    texts = [p.sentence.text for p in ps]
    assert len(texts) == 22
    assert any("s’est poursuivi. se développer" in t and t.endswith("Défense nationale.") for t in texts)
    assert any(t.startswith("Li a déclaré") and t.endswith("ministère russe de la Défense mardi.") for t in texts)
    assert texts[9].startswith("La Russie a précédemment annoncé")  # [S10], as the product brief cites it
    assert not any(t[0].islower() or t.startswith("‘") for t in texts)


def test_speaker_precision_and_recall_on_gold(parsed):
    _, atts = parsed
    predicted = {i + 1: a.canonical_speaker for i, a in enumerate(atts) if a.canonical_speaker}
    correct = sum(1 for n, sp in predicted.items() if GOLD.get(n) == sp)
    precision = correct / len(predicted)
    recall = correct / len(GOLD)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, predicted)


def test_description_source_and_coreference(parsed):
    _, atts = parsed
    assert atts[6].description == "un expert militaire chinois et commentateur de télévision"
    assert atts[6].source == "au Chine Direct"
    assert atts[19].coref and atts[19].speaker == "Il" and atts[19].canonical_speaker == "Sergueï Choïgou"
    assert atts[18].source and "communiqué" in atts[18].source
