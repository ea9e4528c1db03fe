"""Ingestion: reading, sentences, attribution, speakers, embeddings, the Chroma store and lexical index."""
from .errors import BackendError, EmbedderMismatch, InputError, StoreError, WhosaidError
from .pipeline import IndexReport, index_article
from .reader import Article, read_article
from .records import DocumentInfo, SpeakerInfo, StoredSentence
from .store import Store, default_store_dir

__all__ = ["Article", "BackendError", "DocumentInfo", "EmbedderMismatch", "IndexReport", "InputError",
           "SpeakerInfo", "Store", "StoreError", "StoredSentence", "WhosaidError", "default_store_dir",
           "index_article", "read_article"]
