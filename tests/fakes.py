"""Fakes for unit tests: a deterministic embedder (no model) and a blank spaCy pipeline."""
from __future__ import annotations

import hashlib
import math
import re

from langchain_core.embeddings import Embeddings

DIM = 64


class HashEmbeddings(Embeddings):
    """Bag of words hashed into 64 dimensions, L2-normalised: same words, close vectors."""

    name = "fake-hash"
    dimension = DIM

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * DIM
        for w in re.findall(r"\w+", text.lower()):
            h = int(hashlib.md5(w.encode()).hexdigest(), 16)
            v[h % DIM] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


def blank_nlp(lang: str = "fr"):
    """A tokenizer-only spaCy pipeline: fast, no parser, no model files."""
    import spacy

    return spacy.blank(lang)
