"""Index articles: read, split, attribute, resolve speakers, embed, store."""
from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

from langchain_core.embeddings import Embeddings

from .attribution import attribute
from .discourse import apply_context
from .embeddings import embedder_name
from .errors import InputError
from .nlp import detect_language, load_pipeline
from .reader import Article
from .records import DocumentInfo, StoredSentence
from .sentences import parse_sentences
from .speakers import resolve_document
from .store import DocumentWrite, Store, now_iso

PERSON_LABELS = ("PER", "PERSON")


@dataclass(frozen=True)
class IndexReport:
    """What indexing one article did: status is added, replaced, unchanged or duplicate."""

    doc: str
    status: str
    sentences: int
    attributed: int = 0
    seconds: float = 0.0
    duplicate_of: str | None = None


def analyse(article: Article, nlp_loader: Callable = load_pipeline) -> tuple[str, list[StoredSentence], list]:
    """Split and attribute an article: (language, sentences with attribution, people named)."""
    lang = detect_language(article.text)
    parsed = parse_sentences(article.name, article.text, nlp_loader(lang))
    if not parsed:
        raise InputError(f"{article.source}: no sentences found; nothing to index.")
    raws = apply_context(parsed, [attribute(p.span, lang) for p in parsed])
    items = [(p.sentence.n, raw, [e.text for e in p.span.ents if e.label_ in PERSON_LABELS])
             for p, raw in zip(parsed, raws)]
    attributions, people = resolve_document(items)
    sentences = [StoredSentence(id=p.sentence.id, doc=p.sentence.doc, n=p.sentence.n, text=p.sentence.text,
                                paragraph=p.sentence.paragraph, start=p.sentence.start, end=p.sentence.end,
                                speaker=a.speaker, canonical_speaker=a.canonical_speaker, description=a.description,
                                cue=a.cue, source=a.source, kind=a.kind, coref=a.coref)
                 for p, a in zip(parsed, attributions)]
    named = [(p.canonical, sorted(p.aliases), p.description, p.is_person) for p in people]
    return lang, sentences, named


def embedding_text(sentence: StoredSentence) -> str:
    """What gets embedded for a sentence: the sentence itself."""
    return sentence.text


EMBED_BATCH_SENTENCES = 256


def index_article(article: Article, store: Store, embedder: Embeddings,
                  nlp_loader: Callable = load_pipeline, spec: str | None = None) -> IndexReport:
    """Index one article into the store; idempotent for unchanged content."""
    return index_articles([article], store, embedder, nlp_loader, spec)[0]


def index_articles(articles: Sequence[Article], store: Store, embedder: Embeddings,
                   nlp_loader: Callable = load_pipeline, spec: str | None = None,
                   progress: Callable[[IndexReport], None] | None = None) -> list[IndexReport]:
    """Index articles in order; each document is written, and becomes visible, as one unit.

    Sentences of consecutive articles are embedded together in large batches, on a worker thread:
    while the embedder (which releases the GIL and uses every core) works on one batch, this
    thread parses and attributes the next and writes the previous one, so the single-threaded
    spaCy and store work fills the gaps instead of adding to the wall time.
    """
    store.bind_embedder(embedder_name(embedder), getattr(embedder, "dimension", None), spec)
    reports: list[IndexReport] = []
    pending: list[_Analysed] = []
    seen: dict[str, str] = {}

    def emit(report: IndexReport) -> None:
        reports.append(report)
        if progress:
            progress(report)

    def write(batch: list[_Analysed], vectors: list[list[float]]) -> None:
        writes, at = [], 0
        for a in batch:
            info = DocumentInfo(name=a.article.name, sha256=a.article.sha256, sentences=len(a.sentences),
                                language=a.lang, source=a.article.source, indexed_at=now_iso(),
                                title=a.article.title, date=a.article.date)
            writes.append(DocumentWrite(info, tuple(a.sentences), tuple(vectors[at:at + len(a.sentences)]),
                                        tuple(a.people)))
            at += len(a.sentences)
        store.write_documents(writes)
        for a in batch:
            emit(IndexReport(a.article.name, "replaced" if a.replaced else "added", len(a.sentences),
                             attributed=sum(1 for s in a.sentences if s.speaker),
                             seconds=time.perf_counter() - a.started))

    # On an exception, leaving this block waits for the worker's call (a C call cannot be
    # cancelled) and drops its batch; every document reported so far is stored whole.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="whosaid-embed") as pool:
        inflight: tuple[list[_Analysed], Future] | None = None

        def hand_over() -> None:
            """Start embedding the pending batch, then write the one the worker just finished."""
            nonlocal inflight
            done = inflight
            vectors = done[1].result() if done else None     # the embedder takes one batch at a time
            inflight = None
            if pending:
                batch = list(pending)
                pending.clear()
                inflight = (batch, pool.submit(embedder.embed_documents,
                                               [embedding_text(s) for a in batch for s in a.sentences]))
            if done:
                write(done[0], vectors)

        for article in articles:
            t0 = time.perf_counter()
            existing = store.document(article.name)
            if existing is not None and existing.sha256 == article.sha256:
                emit(IndexReport(article.name, "unchanged", existing.sentences, seconds=time.perf_counter() - t0))
                continue
            twin = seen.get(article.sha256) or store.find_by_hash(article.sha256)
            if twin is not None and twin != article.name:
                emit(IndexReport(article.name, "duplicate", 0, duplicate_of=twin, seconds=time.perf_counter() - t0))
                continue
            seen[article.sha256] = article.name
            lang, sentences, people = analyse(article, nlp_loader)
            pending.append(_Analysed(article, existing is not None, lang, sentences, people, t0))
            if sum(len(a.sentences) for a in pending) >= EMBED_BATCH_SENTENCES:
                hand_over()
        while inflight is not None or pending:
            hand_over()
    return reports


@dataclass(frozen=True)
class _Analysed:
    """An article split and attributed, waiting for its vectors."""

    article: Article
    replaced: bool
    lang: str
    sentences: list[StoredSentence]
    people: list
    started: float
