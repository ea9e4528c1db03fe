"""Store, indexing and answering with fakes: a hashing embedder, a tokenizer-only pipeline, tmp Chroma."""
import json

import pytest

from index.errors import EmbedderMismatch, InputError, StoreError
from index.records import DocumentInfo, StoredSentence
from index.store import Store
from qa import Assistant
from qa.render import answer_json
from tests.fakes import HashEmbeddings, blank_nlp

ARTICLE = ("Le ministre a visité Moscou mardi pour une réunion officielle.\n"
           "La Russie aide la Chine à développer un système d’alerte avancée pour les missiles.\n"
           "Les deux pays organisent des exercices militaires conjoints chaque année.\n")


def open_bot(path, embedder=None):
    return Assistant.open(store=path, embedder=embedder or HashEmbeddings(), llm="none",
                          nlp_loader=lambda lang: blank_nlp(lang))


@pytest.fixture
def article(tmp_path):
    f = tmp_path / "art.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    return f


def test_index_is_idempotent_and_ids_are_deterministic(tmp_path, article):
    bot = open_bot(tmp_path / "s")
    first = bot.index([article])[0]
    assert (first.status, first.sentences) == ("added", 3)
    again = bot.index([article])[0]
    assert again.status == "unchanged"
    assert bot.store.collection.count() == 3 and bot.store.count() == 3
    got = bot.store.collection.get(include=["metadatas"])
    assert sorted(m["sid"] for m in got["metadatas"]) == ["art#S1", "art#S2", "art#S3"]
    version = bot.documents()[0].sha256[:16]
    assert sorted(got["ids"]) == [f"art#S{n}@{version}" for n in (1, 2, 3)]


def test_changed_file_replaces_its_sentences(tmp_path, article):
    bot = open_bot(tmp_path / "s")
    bot.index([article])
    article.write_text("Une seule phrase reste.\n", encoding="utf-8")
    assert bot.index([article])[0].status == "replaced"
    assert bot.store.collection.count() == 1 and bot.store.count() == 1


def test_same_content_under_another_name_is_not_stored_twice(tmp_path, article):
    twin = tmp_path / "copy.txt"
    twin.write_text(ARTICLE, encoding="utf-8")
    bot = open_bot(tmp_path / "s")
    bot.index([article])
    report = bot.index([twin])[0]
    assert report.status == "duplicate" and report.duplicate_of == "art"
    assert bot.store.count() == 3


def test_bad_path_stores_nothing(tmp_path, article):
    bot = open_bot(tmp_path / "s")
    with pytest.raises(InputError):
        bot.index([article, tmp_path / "missing.txt"])
    assert bot.store.count() == 0


def test_store_refuses_another_embedder(tmp_path, article):
    open_bot(tmp_path / "s").index([article])

    class Other(HashEmbeddings):
        name = "other"

    with pytest.raises(EmbedderMismatch, match="fake-hash"):
        open_bot(tmp_path / "s", Other())


def test_manifest_and_scalar_metadata(tmp_path, article):
    bot = open_bot(tmp_path / "s")
    bot.index([article])
    (doc,) = bot.documents()
    assert (doc.name, doc.sentences, doc.language) == ("art", 3, "fr")
    meta = bot.store.collection.get(where={"sid": "art#S2"})["metadatas"][0]
    assert meta["doc"] == "art" and meta["n"] == 2 and meta["paragraph"] == 2
    assert all(isinstance(v, (str, int, float, bool)) for v in meta.values())


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no whosaid store"):
        Assistant.open(store=tmp_path / "none", embedder=HashEmbeddings(), llm="none", create=False)


def test_damaged_database_is_a_clear_error(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "whosaid.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(tmp_path / "s")


def _attributed_store(path):
    """A store with attributions written directly (the fake pipeline cannot parse)."""
    emb = HashEmbeddings()
    store = Store(path)
    store.bind_embedder(emb.name, emb.dimension)
    rows = [
        ("Zhang Hong, chercheur, a parlé des forces de fusées stratégiques.", "Zhang Hong", "Zhang Hong", "chercheur"),
        ("La Russie aide la Chine à développer un système d’alerte avancée, a déclaré Zhang.", "Zhang", "Zhang Hong", None),
        ("La Russie soutient la Chine dans la question de Taiwan, a déclaré Song.", "Song", "Song Zhongping", None),
        ("Le président Xi Jinping dirige la coopération stratégique.", None, None, None),
    ]
    sents = [StoredSentence(id=f"a#S{i}", doc="a", n=i, text=t, paragraph=i, start=0, end=len(t), speaker=sp,
                            canonical_speaker=c, description=d, cue="a déclaré" if sp else None,
                            kind="indirect" if sp else None) for i, (t, sp, c, d) in enumerate(rows, 1)]
    people = [("Zhang Hong", ["Zhang"], "chercheur", True), ("Song Zhongping", ["Song"], None, True),
              ("Xi Jinping", [], None, True)]
    store.write_document(DocumentInfo("a", "h", 4, "fr", "a.txt", "now"), sents,
                         emb.embed_documents([s.text for s in sents]), people)
    return Assistant(store, emb)


def test_who_question_names_the_speaker_and_cites_verified_sentence(tmp_path, monkeypatch):
    import qa.extractive as ex

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 0.0)  # the hashing fake has no calibrated threshold
    bot = _attributed_store(tmp_path / "s")
    ans = bot.ask("Who said Russia aide la Chine à développer un système d’alerte avancée?")
    assert not ans.abstained and "Zhang Hong" in ans.text
    assert ans.citations[0].id == "a#S2" and ans.citations[0].speaker == "Zhang Hong"
    assert "[S2]" in ans.text
    assert all(c.id in ans.evidence for c in ans.citations)


def test_what_did_speaker_say_uses_any_alias(tmp_path, monkeypatch):
    import qa.extractive as ex

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 0.0)
    bot = _attributed_store(tmp_path / "s")
    ans = bot.ask("What did Song say about Taiwan?")
    assert [c.id for c in ans.citations] == ["a#S3"]
    assert bot.quotes(speaker="song")[0].id == "a#S3"
    assert {s.name for s in bot.speakers() if s.statements} == {"Zhang Hong", "Song Zhongping"}


def test_person_mentioned_but_never_quoted_abstains(tmp_path, monkeypatch):
    import qa.extractive as ex

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 0.0)
    bot = _attributed_store(tmp_path / "s")
    ans = bot.ask("What did Xi Jinping say about cooperation?")
    assert ans.abstained and ans.citations == () and "Xi Jinping" in ans.text


def test_below_threshold_abstains_and_json_contract(tmp_path, monkeypatch):
    import qa.extractive as ex

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 1.01)
    bot = _attributed_store(tmp_path / "s")
    ans = bot.ask("Quel temps fera-t-il demain ?")
    assert ans.abstained and ans.language == "fr"
    data = json.loads(answer_json(ans))
    assert set(data) >= {"question", "answer", "abstained", "citations"}
    assert data["abstained"] is True and data["citations"] == []


def test_json_citation_shape(tmp_path, monkeypatch):
    import qa.extractive as ex

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 0.0)
    data = json.loads(answer_json(_attributed_store(tmp_path / "s").ask("What did Song say about Taiwan?")))
    (c,) = data["citations"]
    assert {k: c[k] for k in ("id", "doc", "sentence", "speaker")} == {
        "id": "a#S3", "doc": "a", "sentence": 3, "speaker": "Song Zhongping"}


def test_empty_question_is_an_error(tmp_path):
    with pytest.raises(InputError):
        _attributed_store(tmp_path / "s").ask("   ")


def test_speakers_merge_across_documents_and_surname_questions(tmp_path, monkeypatch):
    import qa.extractive as ex

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 0.0)
    emb = HashEmbeddings()
    store = Store(tmp_path / "s")
    store.bind_embedder(emb.name, emb.dimension)
    for doc, name, text in (("fr", "Dmitri Peskov", "Ces livraisons ne changeraient rien, a estimé Dmitri Peskov."),
                            ("en", "Dmitry Peskov", "Dmitry Peskov said the move would prolong the conflict.")):
        s = StoredSentence(id=f"{doc}#S1", doc=doc, n=1, text=text, paragraph=1, start=0, end=len(text),
                           speaker=name, canonical_speaker=name, description="Kremlin spokesman", cue="said", kind="indirect")
        store.write_document(DocumentInfo(doc, doc, 1, "en", doc, "now"), [s], emb.embed_documents([text]),
                             [(name, [name], "Kremlin spokesman", True)])
    bot = Assistant(store, emb)
    (peskov,) = [s for s in bot.speakers() if "Peskov" in s.name]
    assert peskov.statements == 2 and set(peskov.names) == {"Dmitri Peskov", "Dmitry Peskov"}
    assert {q.id for q in bot.quotes(speaker="Peskov")} == {"fr#S1", "en#S1"}
    ans = bot.ask("What did Peskov say about the conflict?")
    assert {c.id for c in ans.citations} <= {"fr#S1", "en#S1"} and ans.citations
    assert "[en#S1]" in ans.text or "[fr#S1]" in ans.text     # several documents: full ids
    assert [s.name for s in bot.analyse("What did the Kremlin spokesman say?").speakers] == [peskov.name]


def test_short_questions_language():
    from index.nlp import detect_language

    assert detect_language("Qu'a dit Marquinhos ?") == "fr"
    assert detect_language("Who is Stephen Powis?") == "en"


def test_langchain_retriever_returns_sentence_documents(tmp_path):
    bot = _attributed_store(tmp_path / "s")
    docs = bot.retriever.invoke("What did Song say about Taiwan?")
    assert docs and docs[0].metadata["id"] == "a#S3" and docs[0].metadata["speaker"] == "Song Zhongping"
    assert docs[0].page_content.startswith("La Russie soutient la Chine")


def test_a_prolific_speaker_is_searched_by_topic_not_scanned(tmp_path, monkeypatch):
    import qa.extractive as ex
    import qa.retrieval as retrieval

    monkeypatch.setattr(ex, "RELEVANCE_THRESHOLD", 0.0)
    monkeypatch.setattr(retrieval, "SPEAKER_SCAN_LIMIT", 0)      # every named speaker counts as prolific
    bot = _attributed_store(tmp_path / "s")
    monkeypatch.setattr(bot.store, "by_speaker", lambda name: pytest.fail("scanned a prolific speaker"))
    ans = bot.ask("What did Song say about Taiwan?")
    assert [c.id for c in ans.citations] == ["a#S3"] and "Song Zhongping" in ans.text
    assert {i for i, _ in bot.store.dense(bot.embedder.embed_query("Taiwan"), 5, speakers=["Zhang Hong"])} == \
        {"a#S1", "a#S2"}
