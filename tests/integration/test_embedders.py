"""Both bundled embedders, offline, through the Python API and a real persistent Chroma."""
import pytest

from index.embeddings import make_embedder
from qa import Assistant

from .conftest import SAMPLE


@pytest.mark.parametrize("spec, name", [("e5-small", "e5-small"), ("minilm", "sentence-transformers:all-MiniLM-L6-v2")])
def test_embedder_loads_offline_and_embeds(spec, name):
    emb = make_embedder(spec)
    assert emb.name == name
    docs = emb.embed_documents(["La Russie aide la Chine.", "Il pleut."])
    assert len(docs) == 2 and len(docs[0]) == emb.dimension == 384
    q = emb.embed_query("Russia helps China")
    assert sum(a * b for a, b in zip(q, docs[0])) > sum(a * b for a, b in zip(q, docs[1]))


def test_sentence_transformers_store_end_to_end(tmp_path):
    bot = Assistant.open(store=tmp_path / "st", embedder="minilm")
    assert bot.index([SAMPLE])[0].sentences == 22
    reopened = Assistant.open(store=tmp_path / "st")   # the store's own embedder is used
    assert reopened.embedder.name == "sentence-transformers:all-MiniLM-L6-v2"
    ans = reopened.ask("What did Song Zhongping say about Taiwan?")
    assert not ans.abstained and any("Taiwan" in c.text for c in ans.citations)
