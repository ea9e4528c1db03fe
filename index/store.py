"""The store: Chroma holds one vector per sentence; a SQLite file beside it holds the manifest,
the sentences with their attribution, the people each document names, and an FTS5 (BM25)
lexical index. SQLite's FTS5 is persistent, incremental and transactional, so adding an article
costs time in proportion to the article and nothing is rebuilt per process.
"""
from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import astuple
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import EmbedderMismatch, StoreError
from .records import DocumentInfo, SpeakerInfo, StoredSentence

FORMAT_VERSION = 2
COLLECTION = "sentences"
VERSION_CHARS = 16
UPSERT_BATCH = 1000
_DOC_COLUMNS = "name, sha256, sentences, language, source, indexed_at, title, date"
_SENTENCE_COLUMNS = ("id", "doc", "n", "text", "paragraph", "start", "end_", "speaker", "canonical_speaker",
                     "description", "cue", "source", "kind", "coref")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, sentences INTEGER NOT NULL, language TEXT NOT NULL,
    source TEXT NOT NULL, indexed_at TEXT NOT NULL, title TEXT, date TEXT);
CREATE TABLE IF NOT EXISTS sentences (
    id TEXT PRIMARY KEY, doc TEXT NOT NULL, n INTEGER NOT NULL, text TEXT NOT NULL, paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL, end_ INTEGER NOT NULL, speaker TEXT, canonical_speaker TEXT, description TEXT,
    cue TEXT, source TEXT, kind TEXT, coref INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc, n);
CREATE TABLE IF NOT EXISTS sentence_speakers (id TEXT NOT NULL, doc TEXT NOT NULL, speaker TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sentence_speakers_speaker ON sentence_speakers(speaker);
CREATE TABLE IF NOT EXISTS people (
    doc TEXT NOT NULL, name TEXT NOT NULL, aliases TEXT NOT NULL, description TEXT, is_person INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2');
"""


def default_store_dir() -> Path:
    """``$WHOSAID_HOME`` or the per-user data directory."""
    import os

    if os.environ.get("WHOSAID_HOME"):
        return Path(os.environ["WHOSAID_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("whosaid")) / "store"


def _chroma_client(path: Path, url: str | None = None):
    """A persistent Chroma inside the store, or an HttpClient for a Chroma server (embeddings stay here)."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if url:
        from urllib.parse import urlparse

        u = urlparse(url if "://" in url else f"http://{url}")
        if not u.hostname:
            raise StoreError(f"bad Chroma URL '{url}'; expected http://HOST:PORT.")
        return chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                                   ssl=u.scheme == "https", settings=settings)
    return chromadb.PersistentClient(path=str(path / "chroma"), settings=settings)


class Store:
    """A whosaid store in a directory (``client`` lets tests or a server mode pass their own Chroma)."""

    def __init__(self, path: str | Path, client: Any = None, create: bool = True, chroma_url: str | None = None) -> None:
        self.path = Path(path).expanduser()
        db_file = self.path / "whosaid.db"
        if not db_file.exists():
            if not create:
                raise StoreError(f"no whosaid store at {self.path}; index an article first "
                                 f"(whosaid index --store {self.path} FILE).")
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the store directory {self.path}: {exc.strerror}.") from None
        try:
            self._db = sqlite3.connect(db_file, timeout=30, check_same_thread=False)
            # WAL: readers (ask) keep working while one writer (index) commits.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store database {db_file} is damaged or not a whosaid store ({exc}); "
                             f"move it away and index your articles again.") from None
        self._check_format()
        self._client = client
        self._chroma_url = chroma_url
        self._collection = None
        if self._meta("collection") is None:
            # One collection per store, so several stores can share one Chroma server.
            import uuid

            with self._db:
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('collection', ?)",
                                 (f"whosaid-{uuid.uuid4().hex[:16]}",))

    # -- metadata ---------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _check_format(self) -> None:
        try:
            found = self._meta("format")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store database in {self.path} is damaged ({exc}); "
                             f"move the store away and index your articles again.") from None
        if found is None:
            with self._db:
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT_VERSION),))
        elif int(found) != FORMAT_VERSION:
            raise StoreError(f"the store at {self.path} has format {found}, this whosaid reads format "
                             f"{FORMAT_VERSION}; index your articles into a new --store.")

    @property
    def embedder(self) -> str | None:
        """The embedder that built this store (None for an empty store)."""
        return self._meta("embedder")

    @property
    def embedder_spec(self) -> str | None:
        """The spec that loads this store's embedder (a local model path stays loadable)."""
        return self._meta("embedder_spec") or self.embedder

    def bind_embedder(self, name: str, dimension: int | None = None, spec: str | None = None) -> None:
        """Record the embedder on first use; refuse a different one afterwards."""
        recorded = self.embedder
        if recorded is None:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('embedder', ?)", (name,))
                if spec:
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('embedder_spec', ?)", (spec,))
                if dimension:
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('dimension', ?)", (str(dimension),))
        elif recorded != name:
            raise EmbedderMismatch(
                f"the store at {self.path} was built with the embedder '{recorded}', not '{name}'; "
                f"use --embedder {recorded.removeprefix('sentence-transformers:')} (or leave it out), "
                f"or index into a new --store.")

    # -- chroma -----------------------------------------------------------------------------
    @property
    def collection(self):
        if self._collection is None:
            try:
                if self._client is None:
                    self._client = _chroma_client(self.path, self._chroma_url)
                self._collection = self._client.get_or_create_collection(
                    self.collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
            except StoreError:
                raise
            except Exception as exc:  # chromadb raises its own types for a damaged store or a down server
                where = f"the Chroma server at {self._chroma_url}" if self._chroma_url else f"the Chroma index in {self.path}"
                hint = ("is it running?" if self._chroma_url else
                        "if it is damaged, move the store away and index your articles again.")
                raise StoreError(f"cannot open {where}: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}; "
                                 f"{hint}") from None
        return self._collection

    @property
    def collection_name(self) -> str:
        return self._meta("collection") or COLLECTION

    # -- documents --------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        rows = self._db.execute(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY name").fetchall()
        return [DocumentInfo(*r) for r in rows]

    def document_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def document(self, name: str) -> DocumentInfo | None:
        row = self._db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE name = ?", (name,)).fetchone()
        return DocumentInfo(*row) if row else None

    def find_by_hash(self, sha256: str) -> str | None:
        row = self._db.execute("SELECT name FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def write_document(self, info: DocumentInfo, sentences: Sequence[StoredSentence],
                       vectors: Sequence[Sequence[float]], people: Iterable[tuple[str, Sequence[str], str | None, bool]]) -> None:
        """Replace a document atomically, as readers see it.

        Vectors go to Chroma under ids versioned by the content hash, so a new version never
        overwrites the vectors of the one readers still use; then one SQLite transaction switches
        the manifest to the new version; then the old version's vectors are deleted. Killed at any
        point, readers see the old version or the new one, never a mix; the next run completes it.
        """
        version = info.sha256[:VERSION_CHARS]
        for i in range(0, len(sentences), UPSERT_BATCH):
            chunk = sentences[i:i + UPSERT_BATCH]
            self.collection.upsert(ids=[vector_id(s.id, version) for s in chunk],
                                   embeddings=[list(v) for v in vectors[i:i + UPSERT_BATCH]],
                                   documents=[s.text for s in chunk],
                                   metadatas=[_chroma_metadata(s, version) for s in chunk])
        with self._db:
            self._delete_rows(info.name)
            self._db.executemany(f"INSERT INTO sentences ({', '.join(_SENTENCE_COLUMNS)}) VALUES "
                                 f"({', '.join('?' * len(_SENTENCE_COLUMNS))})",
                                 [_row(s) for s in sentences])
            self._db.executemany("INSERT INTO sentences_fts (id, text) VALUES (?, ?)",
                                 [(s.id, f"{s.text} {s.speaker or ''} {s.canonical_speaker or ''}") for s in sentences])
            self._db.executemany("INSERT INTO sentence_speakers VALUES (?, ?, ?)",
                                 [(s.id, s.doc, sp) for s in sentences for sp in s.speakers])
            self._db.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?)",
                                 [(info.name, name, json.dumps(sorted(aliases)), desc, int(is_person))
                                  for name, aliases, desc, is_person in people])
            self._db.execute(f"INSERT OR REPLACE INTO documents ({_DOC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             astuple(info))
        self.collection.delete(where={"$and": [{"doc": info.name}, {"version": {"$ne": version}}]})

    def _delete_rows(self, doc: str) -> None:
        self._db.execute("DELETE FROM sentences_fts WHERE id IN (SELECT id FROM sentences WHERE doc = ?)", (doc,))
        for table in ("sentences", "sentence_speakers", "people"):
            self._db.execute(f"DELETE FROM {table} WHERE doc = ?", (doc,))
        self._db.execute("DELETE FROM documents WHERE name = ?", (doc,))

    def remove_document(self, name: str) -> bool:
        """Remove a document's sentences and vectors; False when it was not there."""
        if self.document(name) is None:
            return False
        with self._db:
            self._delete_rows(name)
        self.collection.delete(where={"doc": name})
        return True

    # -- reading ----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM sentences").fetchone()[0])

    def sentences(self, ids: Sequence[str]) -> dict[str, StoredSentence]:
        """Stored sentences by id (only documents in the manifest)."""
        out: dict[str, StoredSentence] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            rows = self._db.execute(f"SELECT {', '.join(_SENTENCE_COLUMNS)} FROM sentences WHERE id IN "
                                    f"({', '.join('?' * len(chunk))})", chunk).fetchall()
            out.update((r[0], _sentence(r)) for r in rows)
        return out

    def neighbours(self, sentence: StoredSentence, before: int = 1, after: int = 1) -> list[StoredSentence]:
        rows = self._db.execute(f"SELECT {', '.join(_SENTENCE_COLUMNS)} FROM sentences WHERE doc = ? AND n BETWEEN ? "
                                f"AND ? ORDER BY n", (sentence.doc, sentence.n - before, sentence.n + after)).fetchall()
        return [_sentence(r) for r in rows]

    def _versions(self, docs: Iterable[str]) -> dict[str, str]:
        names = list(set(docs))
        if not names:
            return {}
        rows = self._db.execute(f"SELECT name, sha256 FROM documents WHERE name IN ({', '.join('?' * len(names))})",
                                names).fetchall()
        return {name: sha[:VERSION_CHARS] for name, sha in rows}

    def dense(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(sentence id, cosine similarity) of the k nearest sentences of the current versions."""
        total = self.count()
        if total == 0:
            return []
        res = self.collection.query(query_embeddings=[list(vector)], n_results=min(k, total), include=["distances"])
        pairs = [(vid.rpartition("@"), 1.0 - float(d)) for vid, d in zip(res["ids"][0], res["distances"][0])]
        current = self._versions(sid.rpartition("#")[0] for (sid, _, _), _ in pairs)
        # Vectors of a version the manifest does not list (an interrupted write) are not evidence.
        return [(sid, sim) for (sid, _, ver), sim in pairs if current.get(sid.rpartition("#")[0]) == ver]

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of sentences (current versions) by sentence id."""
        current = self._versions(i.rpartition("#")[0] for i in ids)
        wanted = [vector_id(i, current[i.rpartition("#")[0]]) for i in ids if i.rpartition("#")[0] in current]
        if not wanted:
            return {}
        got = self.collection.get(ids=wanted, include=["embeddings"])
        return {vid.rpartition("@")[0]: list(vec) for vid, vec in zip(got["ids"], got["embeddings"])}

    def lexical(self, terms: Sequence[str], k: int) -> list[tuple[str, float]]:
        """(id, BM25 score, higher is better) for sentences matching any of the terms."""
        clean = [t.replace('"', "") for t in terms if t.strip('"')]
        if not clean:
            return []
        query = " OR ".join(f'"{t}"' for t in clean)
        try:
            rows = self._db.execute("SELECT id, bm25(sentences_fts) FROM sentences_fts WHERE sentences_fts MATCH ? "
                                    "ORDER BY bm25(sentences_fts) LIMIT ?", (query, k)).fetchall()
        except sqlite3.OperationalError:
            return []
        return [(i, -float(s)) for i, s in rows]

    def by_speaker(self, canonical: str) -> list[StoredSentence]:
        """All statements attributed to one canonical speaker, in reading order."""
        rows = self._db.execute(f"SELECT {', '.join('s.' + c for c in _SENTENCE_COLUMNS)} FROM sentences s JOIN "
                                f"sentence_speakers p ON p.id = s.id WHERE p.speaker = ? ORDER BY s.doc, s.n",
                                (canonical,)).fetchall()
        return [_sentence(r) for r in rows]

    def quotes(self, doc: str | None = None) -> list[StoredSentence]:
        """Every attributed sentence, optionally of one document, in reading order."""
        sql = f"SELECT {', '.join(_SENTENCE_COLUMNS)} FROM sentences WHERE speaker IS NOT NULL"
        args: tuple = ()
        if doc:
            sql += " AND doc = ?"
            args = (doc,)
        return [_sentence(r) for r in self._db.execute(sql + " ORDER BY doc, n", args).fetchall()]

    def speakers(self) -> list[SpeakerInfo]:
        """Every canonical speaker and every person named, with statement counts."""
        counts: dict[str, int] = {}
        docs: dict[str, set[str]] = {}
        for speaker, doc, n in self._db.execute("SELECT speaker, doc, count(*) FROM sentence_speakers GROUP BY speaker, doc"):
            counts[speaker] = counts.get(speaker, 0) + n
            docs.setdefault(speaker, set()).add(doc)
        merged: dict[str, dict] = {}
        for doc, name, aliases, desc, is_person in self._db.execute("SELECT doc, name, aliases, description, is_person FROM people"):
            entry = merged.setdefault(name, {"aliases": set(), "description": None, "docs": set(), "is_person": bool(is_person)})
            entry["aliases"].update(json.loads(aliases))
            entry["description"] = entry["description"] or desc
            entry["docs"].add(doc)
        out = []
        for group in _same_person_groups(merged):
            # The most quoted spelling names the group; the others stay searchable as variants.
            group.sort(key=lambda n: (-counts.get(n, 0), n))
            name = group[0]
            aliases = set().union(*(merged[n]["aliases"] for n in group)) | set(group)
            out.append(SpeakerInfo(
                name=name, aliases=tuple(sorted(aliases - {name})),
                description=next((merged[n]["description"] for n in group if merged[n]["description"]), None),
                statements=sum(counts.get(n, 0) for n in group),
                docs=tuple(sorted(set().union(*(merged[n]["docs"] | docs.get(n, set()) for n in group)))),
                is_person=merged[name]["is_person"], variants=tuple(group[1:])))
        return sorted(out, key=lambda s: (-s.statements, s.name))

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Serialise writers across processes (Chroma is thread-safe, not process-safe)."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path / ".write.lock"))
        try:
            lock.acquire(timeout=600)
        except Timeout:
            raise StoreError(f"another whosaid process has been writing to {self.path} for 10 minutes; "
                             f"try again when it is done.") from None
        try:
            yield
        finally:
            lock.release()

    def close(self) -> None:
        self._db.close()


def _same_person_groups(entries: dict[str, dict]) -> list[list[str]]:
    """Group canonical names that spell one person across documents ('Dmitri Peskov' = 'Dmitry Peskov').

    Names are blocked by the transliteration key of their last word, so the fuzzy comparison stays
    within small blocks however many people the store holds.
    """
    from .speakers import same_full_name, translit_key

    blocks: dict[str, list[str]] = {}
    for name, e in entries.items():
        key = translit_key(name.split()[-1]) if e["is_person"] and len(name.split()) > 1 else f"\x00{name}"
        blocks.setdefault(key, []).append(name)
    groups: list[list[str]] = []
    for names in blocks.values():
        pending = list(names)
        while pending:
            first = pending.pop(0)
            group = [first] + [n for n in pending if same_full_name(first, n)]
            pending = [n for n in pending if n not in group]
            groups.append(group)
    return groups


def _row(s: StoredSentence) -> tuple:
    return (s.id, s.doc, s.n, s.text, s.paragraph, s.start, s.end, s.speaker, s.canonical_speaker, s.description,
            s.cue, s.source, s.kind, int(s.coref))


def _sentence(r: Sequence) -> StoredSentence:
    return StoredSentence(id=r[0], doc=r[1], n=r[2], text=r[3], paragraph=r[4], start=r[5], end=r[6], speaker=r[7],
                          canonical_speaker=r[8], description=r[9], cue=r[10], source=r[11], kind=r[12],
                          coref=bool(r[13]))


def vector_id(sentence_id: str, version: str) -> str:
    """The Chroma id of a sentence's vector: the sentence id and its document's content version."""
    return f"{sentence_id}@{version}"


def _chroma_metadata(s: StoredSentence, version: str) -> dict[str, Any]:
    """Scalar metadata only (Chroma's rule): lists become '; '-joined strings, None becomes ''."""
    return {"doc": s.doc, "n": s.n, "sid": s.id, "version": version, "paragraph": s.paragraph, "start": s.start, "end": s.end,
            "speaker": s.speaker or "", "canonical_speaker": s.canonical_speaker or "", "cue": s.cue or "",
            "source": s.source or "", "kind": s.kind or "", "coref": s.coref}


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
