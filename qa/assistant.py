"""The public entry point: open a store, index articles, ask questions, list quotes and speakers."""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from langchain_core.embeddings import Embeddings
from langchain_core.runnables import Runnable

from index.embeddings import DEFAULT_EMBEDDER, embedder_name, make_embedder, spec_name
from index.errors import InputError, StoreError
from index.nlp import load_pipeline, set_offline_env
from index.pipeline import IndexReport, index_articles
from index.reader import DEFAULT_GLOB, Article, expand_paths, read_article
from index.records import DocumentInfo, SpeakerInfo, StoredSentence
from index.speakers import _same_name, fold
from index.store import Store, default_store_dir

from .answering import AnswerPipeline
from .extractive import relevance_threshold
from .llm import ChatBackend, make_chat_model
from .question import QuestionAnalysis, StoredSpeakerIndex, analyse_question
from .retrieval import HybridSearch, SentenceRetriever
from .types import Answer

if TYPE_CHECKING:
    from .conversation import Conversation

MAX_QUESTION_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")


class Assistant:
    """Question answering over indexed articles, with verified sentence citations.

    >>> from qa import Assistant                                    # doctest: +SKIP
    >>> bot = Assistant.open(store="/tmp/store")                    # doctest: +SKIP
    >>> bot.index(["data/chine_russie_defense.fr.txt"])             # doctest: +SKIP
    >>> bot.ask("Who said Russia was helping China?").text          # doctest: +SKIP
    'It was Zhang Hong (…). …'
    """

    def __init__(self, store: Store, embedder: Embeddings | str | None = None,
                 nlp_loader: Callable[[str], Any] | None = None, backend: ChatBackend | None = None) -> None:
        self.store = store
        self.backend = backend
        self._pipeline: AnswerPipeline | None = None
        self._nlp_loader = nlp_loader or load_pipeline
        self._embedder_arg = embedder
        self._embedder: Embeddings | None = embedder if isinstance(embedder, Embeddings) else None
        self._embedder_spec: str | None = None
        if store.embedder:
            # Compare names before loading any model, so a mismatch is refused at once.
            store.bind_embedder(spec_name(embedder) if isinstance(embedder, str) else
                                embedder_name(embedder) if embedder is not None else store.embedder)
        self._speakers: list[SpeakerInfo] | None = None
        self._speaker_index: StoredSpeakerIndex | None = None

    @classmethod
    def open(cls, store: str | Path | Store | None = None, embedder: Embeddings | str | None = None,
             llm: Any = "auto", client: Any = None, create: bool = True,
             nlp_loader: Callable[[str], Any] | None = None, chroma_url: str | None = None) -> "Assistant":
        """Open (or create) a store.

        ``embedder``: a spec, an Embeddings object, or None for the store's own.
        ``llm``: None or 'none' (extractive), 'auto', 'llama-cpp:PATH', 'ollama:MODEL', 'openai:MODEL',
        or any LangChain chat model object.
        """
        set_offline_env()
        backend = _backend(llm)
        if not isinstance(store, Store):
            store = Store(store or default_store_dir(), client=client, create=create,
                          chroma_url=chroma_url or os.environ.get("WHOSAID_CHROMA_URL") or None)
        return cls(store, embedder, nlp_loader, backend)

    # -- embedder ---------------------------------------------------------------------------
    @property
    def embedder(self) -> Embeddings:
        if self._embedder is None:
            spec = self._embedder_arg if isinstance(self._embedder_arg, str) else None
            self._embedder = make_embedder(spec or self.store.embedder_spec or DEFAULT_EMBEDDER)
            self._embedder_spec = spec or self.store.embedder_spec or DEFAULT_EMBEDDER
        return self._embedder

    # -- indexing ---------------------------------------------------------------------------
    def index(self, paths: Iterable[str | Path], glob: str = DEFAULT_GLOB,
              progress: Callable[[IndexReport], None] | None = None) -> list[IndexReport]:
        """Index files and directories (recursively, files matching ``glob``); idempotent.

        Every file is read and checked before anything is written, so one bad file stores nothing.
        """
        articles = [read_article(p) for p in expand_paths(paths, glob)]
        return self.index_articles(articles, progress)

    def index_articles(self, articles: Sequence[Article],
                       progress: Callable[[IndexReport], None] | None = None) -> list[IndexReport]:
        """Index articles already read (e.g. from stdin with ``index.reader.read_stdin``)."""
        if not articles:
            raise InputError("no files to index.")
        with self.store.writer():
            reports = index_articles(articles, self.store, self.embedder, self._nlp_loader, spec=self._embedder_spec,
                                     progress=progress)
        self._speakers = self._speaker_index = None
        return reports

    def remove(self, doc: str) -> bool:
        """Remove a document; False when the store has no document of that name."""
        with self.store.writer():
            removed = self.store.remove_document(doc)
        self._speakers = self._speaker_index = None
        return removed

    # -- reading ----------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def speakers(self) -> list[SpeakerInfo]:
        """Canonical speakers and named people, most statements first."""
        if self._speakers is None:
            self._speakers = self.store.speakers()
        return self._speakers

    def quotes(self, speaker: str | None = None, doc: str | None = None) -> list[StoredSentence]:
        """Attributed sentences, filtered by speaker (any alias or spelling) and document."""
        rows = self.store.quotes(doc)
        if speaker:
            wanted = self._match_speakers(speaker)
            rows = [r for r in rows if wanted & set(r.speakers)]
        return rows

    def _match_speakers(self, name: str) -> set[str]:
        key = fold(name)
        out = set()
        for info in self.speakers():
            for alias in (info.name, *info.aliases):
                if _same_name(name, alias) or key == fold(alias) or (
                        all(any(_same_name(p, a) for a in fold(alias).split()) for p in key.split())):
                    out.update(info.names)
        return out

    # -- asking -----------------------------------------------------------------------------
    def analyse(self, question: str) -> QuestionAnalysis:
        if self._speaker_index is None:
            self._speaker_index = StoredSpeakerIndex(self.store)
        return analyse_question(question, self._speaker_index)

    @property
    def pipeline(self) -> AnswerPipeline:
        if self._pipeline is None:
            search = HybridSearch(self.store, self.embedder)
            self._pipeline = AnswerPipeline(search, self.analyse, self.speakers, self._multi_doc,
                                            relevance_threshold(embedder_name(self.embedder)), self.backend)
        return self._pipeline

    @property
    def retriever(self) -> SentenceRetriever:
        """The hybrid search as a LangChain retriever, for your own LCEL chains."""
        return SentenceRetriever(search_engine=self.pipeline.search, analyse=self.analyse)

    @property
    def chain(self) -> Runnable:
        """question -> Answer, as an LCEL chain (prepare | answer; the LLM part is prompt | model | parser)."""
        return self.pipeline.chain

    def set_answerer(self, spec: Any) -> None:
        """Switch the answerer (a spec like 'none' or 'ollama:llama3.2', or a chat model)."""
        self.backend = _backend(spec)
        self._pipeline = None

    @property
    def answerer(self) -> str:
        """'extractive' or the chat model's name."""
        return self.backend.name if self.backend else "extractive"

    def _multi_doc(self) -> bool:
        return self.store.document_count() > 1

    def _checked_question(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("the question is empty.")
        if self.store.count() == 0:
            raise StoreError(f"the store at {self.store.path} is empty; index an article first "
                             f"(whosaid index --store {self.store.path} FILE).")
        # Terminal escapes and control characters (pasted noise) carry nothing; very long input is cut.
        cleaned = _ANSI.sub(" ", question)
        cleaned = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in cleaned)
        if not cleaned.strip():
            raise InputError("the question is empty.")
        if not any(c.isalpha() for c in cleaned):
            raise InputError("the question has no words.")
        return " ".join(cleaned.split())[:MAX_QUESTION_CHARS]

    def ask(self, question: str) -> Answer:
        """Answer one question from the indexed articles."""
        return self.chain.invoke(self._checked_question(question))

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Yield the answer's text as it is generated, then the verified Answer.

        >>> for part in bot.stream("Who said it?"):          # doctest: +SKIP
        ...     print(part if isinstance(part, str) else part.citations, end="")
        """
        return self.pipeline.stream(self._checked_question(question))

    def conversation(self) -> "Conversation":
        """A conversation that remembers who was discussed, for follow-ups ("and what did he say…")."""
        from .conversation import Conversation

        return Conversation(self)




def _backend(llm: Any) -> ChatBackend | None:
    if llm is None or isinstance(llm, ChatBackend):
        return llm
    if isinstance(llm, str):
        return make_chat_model(llm)
    return ChatBackend(llm, getattr(llm, "model_name", None) or type(llm).__name__)
