"""Index articles: read, split, attribute, resolve speakers, embed, store."""
from __future__ import annotations

import time
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
from .store import Store, now_iso

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
    """Index articles in order. Sentences of consecutive articles are embedded together in large
    batches (the embedder is the bottleneck and batches well); each document is still written,
    and becomes visible, as one unit."""
    store.bind_embedder(embedder_name(embedder), getattr(embedder, "dimension", None), spec)
    reports: list[IndexReport] = []
    pending: list[tuple[Article, bool, str, list[StoredSentence], list, float]] = []
    seen: dict[str, str] = {}

    def emit(report: IndexReport) -> None:
        reports.append(report)
        if progress:
            progress(report)

    def flush() -> None:
        texts = [embedding_text(s) for *_, sentences, _, _ in pending for s in sentences]
        vectors = embedder.embed_documents(texts) if texts else []
        at = 0
        for article, replaced, lang, sentences, people, t0 in pending:
            info = DocumentInfo(name=article.name, sha256=article.sha256, sentences=len(sentences), language=lang,
                                source=article.source, indexed_at=now_iso(), title=article.title, date=article.date)
            store.write_document(info, sentences, vectors[at:at + len(sentences)], people)
            at += len(sentences)
            emit(IndexReport(article.name, "replaced" if replaced else "added", len(sentences),
                             attributed=sum(1 for s in sentences if s.speaker), seconds=time.perf_counter() - t0))
        pending.clear()

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
        pending.append((article, existing is not None, lang, sentences, people, t0))
        if sum(len(p[3]) for p in pending) >= EMBED_BATCH_SENTENCES:
            flush()
    flush()
    return reports
