"""Batched, pipelined writes: every document lands whole, the lexical index follows replacements and
removals by key, and a format-2 store is migrated in place."""
import sqlite3

import pytest

from index import pipeline
from index.errors import BackendError
from index.reader import article_from_text
from index.store import Store
from qa import Assistant
from tests.fakes import HashEmbeddings, blank_nlp


def open_bot(path, embedder=None):
    return Assistant.open(store=path, embedder=embedder or HashEmbeddings(), llm="none",
                          nlp_loader=lambda lang: blank_nlp(lang))


def articles(n: int, sentences: int = 5) -> list:
    return [article_from_text(f"doc{i:03d}", "\n".join(f"Le ministre {i} a parlé du sujet numéro {j} avec la presse."
                                                     for j in range(sentences))) for i in range(n)]


def fts_rows(store: Store) -> int:
    return store._db.execute("SELECT count(*) FROM sentences_fts").fetchone()[0]


def test_many_articles_are_written_whole_with_their_own_vectors(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "EMBED_BATCH_SENTENCES", 16)     # several batches in flight
    emb = HashEmbeddings()
    bot = open_bot(tmp_path / "s", emb)
    arts = articles(23)
    reports = bot.index_articles(arts)
    assert [r.doc for r in reports] == [a.name for a in arts] and {r.status for r in reports} == {"added"}
    assert bot.store.count() == 23 * 5 == bot.store.collection.count() == fts_rows(bot.store)
    ids = ["doc007#S3", "doc022#S5", "doc000#S1"]
    stored = bot.store.sentences(ids)
    for sid, vec in bot.store.vectors(ids).items():
        assert vec == pytest.approx(emb.embed_query(stored[sid].text))


class FailingEmbeddings(HashEmbeddings):
    """Fails on its third call, as a backend that goes away mid-run would."""

    def __init__(self) -> None:
        self.calls = 0

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls == 3:
            raise BackendError("embedder went away")
        return super().embed_documents(texts)


def test_an_embedder_failure_mid_run_leaves_only_whole_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "EMBED_BATCH_SENTENCES", 10)
    emb = FailingEmbeddings()
    bot = open_bot(tmp_path / "s", emb)
    with pytest.raises(BackendError):
        bot.index_articles(articles(12))
    docs = bot.documents()
    assert 0 < len(docs) < 12 and bot.store.count() == 5 * len(docs) == fts_rows(bot.store)
    assert all(len(bot.store.neighbours(bot.store.sentences([f"{d.name}#S1"])[f"{d.name}#S1"], 0, 10)) == 5
               for d in docs)
    again = open_bot(tmp_path / "s").index_articles(articles(12))      # a rerun completes the job
    assert sum(r.status == "added" for r in again) == 12 - len(docs) and bot.store.count() == 60


def test_lexical_index_follows_replacement_and_removal(tmp_path):
    bot = open_bot(tmp_path / "s")
    bot.index_articles([article_from_text("a", "Le porte-parole évoque les zeppelins.\nRien d'autre.")])
    assert [i for i, _ in bot.store.lexical(["zeppelins"], 5)] == ["a#S1"]
    bot.index_articles([article_from_text("a", "Le porte-parole évoque les dirigeables.")])
    assert bot.store.lexical(["zeppelins"], 5) == [] and fts_rows(bot.store) == 1
    assert [i for i, _ in bot.store.lexical(["dirigeables"], 5)] == ["a#S1"]
    assert bot.remove("a") and fts_rows(bot.store) == 0 and bot.store.collection.count() == 0


def test_a_format_2_store_is_migrated_in_place(tmp_path):
    bot = open_bot(tmp_path / "s")
    bot.index_articles(articles(3) + [article_from_text("z", "Les zeppelins reviennent, a dit Paul Martin.")])
    bot.store.close()
    # Rebuild what format 2 looked like: no recorded FTS rowids, FTS rowids unrelated to sentences.
    db = sqlite3.connect(tmp_path / "s" / "whosaid.db")
    with db:
        db.execute("ALTER TABLE sentences DROP COLUMN fts_rowid")
        db.execute("DELETE FROM sentences_fts")
        db.execute("INSERT INTO sentences_fts (rowid, id, text) SELECT rowid + 1000, id, text FROM sentences")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'format'")
    db.close()
    bot = open_bot(tmp_path / "s")
    assert bot.store._meta("format") == "3"
    assert [i for i, _ in bot.store.lexical(["zeppelins"], 5)] == ["z#S1"]
    bot.index_articles([article_from_text("z", "Les dirigeables reviennent, a dit Paul Martin.")])
    assert bot.store.lexical(["zeppelins"], 5) == [] and fts_rows(bot.store) == bot.store.count() == 16
