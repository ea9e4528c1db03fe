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
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import EmbedderMismatch, StoreError
from . import speaker_table
from .records import DocumentInfo, SpeakerInfo, StoredSentence

FORMAT_VERSION = 3
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
    cue TEXT, source TEXT, kind TEXT, coref INTEGER NOT NULL DEFAULT 0, fts_rowid INTEGER);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc, n);
CREATE TABLE IF NOT EXISTS sentence_speakers (id TEXT NOT NULL, doc TEXT NOT NULL, speaker TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sentence_speakers_speaker ON sentence_speakers(speaker);
CREATE INDEX IF NOT EXISTS sentence_speakers_doc ON sentence_speakers(doc);
CREATE TABLE IF NOT EXISTS people (
    doc TEXT NOT NULL, name TEXT NOT NULL, aliases TEXT NOT NULL, description TEXT, is_person INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS people_doc ON people(doc);
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
            self._db.executescript(_SCHEMA + speaker_table.SCHEMA)
            self._migrate()
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

    def _migrate(self) -> None:
        """Bring a format-2 store up to date in place: FTS rows get their own rowid recorded in
        ``sentences`` so a document's lexical rows are deleted by key, not by scanning the index;
        the cross-document speaker groups are computed once and kept from then on."""
        found = self._meta("format")
        if found == "2":
            with self._db:
                self._db.execute("ALTER TABLE sentences ADD COLUMN fts_rowid INTEGER")
                self._db.execute("DELETE FROM sentences_fts")
                self._db.execute("INSERT INTO sentences_fts (rowid, id, text) SELECT rowid, id, text || ' ' || "
                                 "coalesce(speaker, '') || ' ' || coalesce(canonical_speaker, '') FROM sentences")
                self._db.execute("UPDATE sentences SET fts_rowid = rowid")
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (str(FORMAT_VERSION),))
            found = str(FORMAT_VERSION)
        if found == str(FORMAT_VERSION) and speaker_table.needs_rebuild(self._db):
            with self._db:
                speaker_table.rebuild(self._db)

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
        """Replace one document atomically (see write_documents)."""
        self.write_documents([DocumentWrite(info, tuple(sentences), tuple(vectors), tuple(people))])

    def write_documents(self, batch: Sequence["DocumentWrite"]) -> None:
        """Add or replace documents; each is atomic as readers see it.

        Vectors go to Chroma under ids versioned by the content hash, so a new version never
        overwrites the vectors of the one readers still use; then one SQLite transaction switches
        the manifest to the new versions; then older versions' vectors are deleted. Killed at any
        point, readers see the old version or the new one, never a mix; the next run completes it.
        Vectors of the whole batch go in large upserts: Chroma's cost is mostly per call.
        """
        batch = list(batch)
        if not batch:
            return
        ids, vecs, texts, metas = [], [], [], []
        for w in batch:
            version = w.info.sha256[:VERSION_CHARS]
            if len(w.vectors) != len(w.sentences):
                raise ValueError(f"{w.info.name}: {len(w.sentences)} sentences but {len(w.vectors)} vectors")
            ids += [vector_id(s.id, version) for s in w.sentences]
            vecs += [list(v) for v in w.vectors]
            texts += [s.text for s in w.sentences]
            metas += [_chroma_metadata(s, version) for s in w.sentences]
        for i in range(0, len(ids), UPSERT_BATCH):
            self.collection.upsert(ids=ids[i:i + UPSERT_BATCH], embeddings=vecs[i:i + UPSERT_BATCH],
                                   documents=texts[i:i + UPSERT_BATCH], metadatas=metas[i:i + UPSERT_BATCH])
        with self._db:
            speakers: list[str] = []
            for w in batch:
                speakers += self._delete_rows(w.info.name)
                self._insert_rows(w)
                speakers += [p[0] for p in w.people] + [sp for s in w.sentences for sp in s.speakers]
            speaker_table.refresh(self._db, speakers)
        # One call drops the older versions of these documents, including vectors an interrupted
        # run left behind for content that has changed since.
        docs = [w.info.name for w in batch]
        versions = [w.info.sha256[:VERSION_CHARS] for w in batch]
        self.collection.delete(where={"$and": [{"doc": {"$in": docs}}, {"version": {"$nin": versions}}]})

    def _insert_rows(self, w: "DocumentWrite") -> None:
        rows = []
        for s in w.sentences:
            # The FTS rowid is recorded so the document's lexical rows are later deleted by key.
            cur = self._db.execute("INSERT INTO sentences_fts (id, text) VALUES (?, ?)",
                                   (s.id, f"{s.text} {s.speaker or ''} {s.canonical_speaker or ''}"))
            rows.append((*_row(s), cur.lastrowid))
        self._db.executemany(f"INSERT INTO sentences ({', '.join(_SENTENCE_COLUMNS)}, fts_rowid) VALUES "
                             f"({', '.join('?' * (len(_SENTENCE_COLUMNS) + 1))})", rows)
        self._db.executemany("INSERT INTO sentence_speakers VALUES (?, ?, ?)",
                             [(s.id, s.doc, sp) for s in w.sentences for sp in s.speakers])
        self._db.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?)",
                             [(w.info.name, name, json.dumps(sorted(aliases)), desc, int(is_person))
                              for name, aliases, desc, is_person in w.people])
        self._db.execute(f"INSERT OR REPLACE INTO documents ({_DOC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         astuple(w.info))

    def _delete_rows(self, doc: str) -> list[str]:
        """Delete a document's rows by key (every table is indexed by document); returns the
        speaker names it had, whose groups need refreshing."""
        names = [n for (n,) in self._db.execute("SELECT name FROM people WHERE doc = ? UNION "
                                                "SELECT speaker FROM sentence_speakers WHERE doc = ?", (doc, doc))]
        self._db.execute("DELETE FROM sentences_fts WHERE rowid IN (SELECT fts_rowid FROM sentences WHERE doc = ?)", (doc,))
        for table in ("sentences", "sentence_speakers", "people"):
            self._db.execute(f"DELETE FROM {table} WHERE doc = ?", (doc,))
        self._db.execute("DELETE FROM documents WHERE name = ?", (doc,))
        return names

    def remove_document(self, name: str) -> bool:
        """Remove a document's sentences and vectors; False when it was not there."""
        if self.document(name) is None:
            return False
        with self._db:
            speaker_table.refresh(self._db, self._delete_rows(name))
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

    def dense(self, vector: Sequence[float], k: int, speakers: Sequence[str] = ()) -> list[tuple[str, float]]:
        """(sentence id, cosine similarity) of the k nearest sentences of the current versions,
        optionally only among those attributed to these canonical speakers."""
        total = self.count()
        if total == 0:
            return []
        where = {"canonical_speaker": {"$in": list(speakers)}} if speakers else None
        res = self.collection.query(query_embeddings=[list(vector)], n_results=min(k, total), where=where,
                                    include=["distances"])
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
        """Every canonical speaker and every person named, with statement counts (kept at write time)."""
        return speaker_table.read_all(self._db)

    def speaker_keys(self) -> list[str]:
        """The transliteration keys of every speaker's name parts (for fuzzy matching)."""
        return speaker_table.part_keys(self._db)

    def speakers_named(self, part_keys: Sequence[str], description_words: Sequence[str]) -> list[SpeakerInfo]:
        """The speakers with any of these name-part keys or description words."""
        return speaker_table.by_terms(self._db, list(part_keys), list(description_words))

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


@dataclass(frozen=True)
class DocumentWrite:
    """One document to write: its manifest entry, sentences, their vectors and the people it names."""

    info: DocumentInfo
    sentences: tuple[StoredSentence, ...]
    vectors: tuple[Sequence[float], ...]
    people: tuple[tuple[str, Sequence[str], str | None, bool], ...] = ()


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
