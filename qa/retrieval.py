"""Hybrid retrieval: dense (Chroma) first, BM25 (SQLite FTS5) as a weighted boost, and the speaker
fields, so a statement is found by who said it even when its wording shares nothing with the question.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from index.records import StoredSentence
from index.store import Store

from .question import QuestionAnalysis

# Measured on the dev questions (bench/calibrate.py): a plain reciprocal-rank fusion with BM25
# lowered the multilingual model's recall; a small additive weight on the normalised BM25 score
# helps names and rare words without overriding the dense ranking.
DENSE_K = 40
LEXICAL_K = 40
LEXICAL_WEIGHT = 0.04
SPEAKER_BOOST = 0.06
# Very short fragments (captions, bylines: "Photo : eng.chinamil.com.cn") sit close to every query
# in e5's space; measured on off-topic questions they were the top hit. They rank lower.
SHORT_WORDS = 5
SHORT_PENALTY = 0.06
# Named speakers quoted more often than this, together, are not scanned whole (measured at 100k
# sentences: 900 ms for 2,340 statements); Chroma finds their statements nearest the topic instead.
SPEAKER_SCAN_LIMIT = 300
SPEAKER_K = 40


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence and why: the fused score and its parts."""

    sentence: StoredSentence
    score: float
    dense: float
    lexical: float
    speaker_match: bool


class HybridSearch:
    """Scores sentences for a question; the weights are the calibrated defaults."""

    def __init__(self, store: Store, embedder: Embeddings, lexical_weight: float = LEXICAL_WEIGHT,
                 speaker_boost: float = SPEAKER_BOOST) -> None:
        self.store = store
        self.embedder = embedder
        self.lexical_weight = lexical_weight
        self.speaker_boost = speaker_boost

    def search(self, q: QuestionAnalysis, limit: int = 10) -> list[Hit]:
        qvec = np.asarray(self.embedder.embed_query(q.text), dtype=np.float32)
        dense = dict(self.store.dense(qvec.tolist(), DENSE_K))
        lexical = dict(self.store.lexical(q.terms, LEXICAL_K))
        # A named speaker's statements are ranked by what the question asks about, not by
        # how much they repeat the name (the sentence that introduces them always would).
        by_topic = bool(q.speakers and q.topic and q.topic != q.text)
        tvec = np.asarray(self.embedder.embed_query(q.topic), dtype=np.float32) if by_topic else qvec
        names = [name for info in q.speakers for name in info.names]
        if sum(info.statements for info in q.speakers) > SPEAKER_SCAN_LIMIT:
            spoken = {i for i, _ in self.store.dense(tvec.tolist(), SPEAKER_K, speakers=names)}
        else:
            spoken = {s.id for name in names for s in self.store.by_speaker(name)}
        ids = list(dict.fromkeys([*dense, *lexical, *spoken]))
        missing = [i for i in ids if i not in dense]
        if missing:
            dense.update(self._similarities(qvec, missing))
        if spoken and by_topic:
            dense.update(self._similarities(tvec, sorted(spoken)))
        sentences = self.store.sentences(ids)
        top_lex = max(lexical.values(), default=0.0) or 1.0
        hits = []
        for i in ids:
            s = sentences.get(i)
            if s is None:  # vectors of a document the manifest does not list (an interrupted write)
                continue
            lex = lexical.get(i, 0.0) / top_lex
            match = i in spoken
            sim = dense.get(i, 0.0) - (SHORT_PENALTY if len(s.text.split()) < SHORT_WORDS else 0.0)
            score = sim + self.lexical_weight * lex + (self.speaker_boost if match else 0.0)
            hits.append(Hit(s, score, sim, lex, match))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]

    def _similarities(self, qvec: np.ndarray, ids: list[str]) -> dict[str, float]:
        out = {}
        for i, vec in self.store.vectors(ids).items():
            v = np.asarray(vec, dtype=np.float32)
            out[i] = float(v @ qvec / ((np.linalg.norm(v) * np.linalg.norm(qvec)) or 1.0))
        return out


class SentenceRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever (one Document per sentence)."""

    search_engine: Any
    analyse: Any
    limit: int = 10

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        q = self.analyse(query)
        return [hit_to_document(h) for h in self.search_engine.search(q, self.limit)]


def hit_to_document(hit: Hit) -> Document:
    s = hit.sentence
    return Document(page_content=s.text, id=s.id,
                    metadata={"id": s.id, "doc": s.doc, "n": s.n, "speaker": s.canonical_speaker,
                              "score": hit.score, "dense": hit.dense, "lexical": hit.lexical,
                              "speaker_match": hit.speaker_match})
