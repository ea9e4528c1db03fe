"""The store's cross-document speakers, kept up to date as documents are written.

Documents name people under their own spellings ('Dmitri Peskov', 'Dmitry Peskov'); the store groups
spellings of one person and keeps one row per group. Grouping every name of the store on each
process start costs time that grows with the archive (measured: 10 s for 22,000 names), so it is
done here, at write time, for the names a document adds or loses only:

- ``speaker_names``: every canonical name in ``people`` with its block (the transliteration key
  of its surname) and its group leader. A new name joins the first group, in order of creation,
  whose leader it matches (``same_full_name``); otherwise it leads a new group. That is the greedy
  grouping in name order, done incrementally: a name is compared with the leaders of its block only.
- ``speakers``: one SpeakerInfo per group, recomputed from the group's rows when a member changes.
- ``speaker_terms``: the words a question can name a group by (transliteration keys of name parts,
  description words), so a question looks up a few candidates instead of loading every speaker.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Iterable

from .lexicon import STOPWORDS
from .records import SpeakerInfo
from .speakers import fold, same_full_name, translit_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS speaker_names (
    seq INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, block TEXT NOT NULL, leader TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS speaker_names_block ON speaker_names(block, seq);
CREATE INDEX IF NOT EXISTS speaker_names_leader ON speaker_names(leader);
CREATE TABLE IF NOT EXISTS speakers (
    leader TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL, description TEXT,
    statements INTEGER NOT NULL, docs TEXT NOT NULL, is_person INTEGER NOT NULL, variants TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS speaker_terms (term TEXT NOT NULL, kind TEXT NOT NULL, leader TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS speaker_terms_term ON speaker_terms(kind, term);
CREATE INDEX IF NOT EXISTS speaker_terms_leader ON speaker_terms(leader);
CREATE INDEX IF NOT EXISTS people_name ON people(name);
"""
PART, DESCRIPTION = "part", "desc"


def block_key(name: str, is_person: bool) -> str:
    """Names that may spell one person share a block: people by surname key, others by full name."""
    return translit_key(name.split()[-1]) if is_person and len(name.split()) > 1 else f"\x00{name}"


def refresh(db: sqlite3.Connection, names: Iterable[str]) -> None:
    """Bring groups and speaker rows up to date for names whose rows were added or deleted.

    Call inside the transaction that changed ``people`` / ``sentence_speakers``.
    """
    touched_leaders: set[str] = set()
    regroup: set[str] = set()
    for name in dict.fromkeys(names):
        known = db.execute("SELECT block, leader FROM speaker_names WHERE name = ?", (name,)).fetchone()
        first = db.execute("SELECT is_person FROM people WHERE name = ? ORDER BY rowid LIMIT 1", (name,)).fetchone()
        if known and not first:                      # no document names it any more
            db.execute("DELETE FROM speaker_names WHERE name = ?", (name,))
            touched_leaders.add(known[1])
            if known[1] == name:                     # its followers need a new leader
                regroup.add(known[0])
        elif known:
            touched_leaders.add(known[1])
        elif first:
            touched_leaders.add(_join(db, name, block_key(name, bool(first[0]))))
    for block in regroup:
        touched_leaders |= _regroup(db, block)
    for leader in touched_leaders:
        _write_group(db, leader)


def lookup_terms(info: SpeakerInfo) -> set[tuple[str, str]]:
    """(kind, term) pairs a question may name this speaker by: name parts by transliteration key;
    description words when the description is short enough to be quoted in a question."""
    out = {(PART, translit_key(part)) for alias in (info.name, *info.aliases)
           for part in fold(alias).split() if part not in STOPWORDS}
    desc = fold(info.description or "")
    if info.statements and 2 <= len(desc.split()) and len(desc) <= 60:
        out |= {(DESCRIPTION, word) for word in set(desc.split()) - STOPWORDS}
    return out


def needs_rebuild(db: sqlite3.Connection) -> bool:
    """People are stored but not grouped (a store written before these tables existed)."""
    return bool(db.execute("SELECT EXISTS(SELECT 1 FROM people) AND NOT EXISTS(SELECT 1 FROM speaker_terms)")
                .fetchone()[0])


def rebuild(db: sqlite3.Connection) -> None:
    """Group every name of the store from scratch."""
    for table in ("speaker_names", "speakers", "speaker_terms"):
        db.execute(f"DELETE FROM {table}")
    refresh(db, [n for (n,) in db.execute("SELECT name FROM people GROUP BY name ORDER BY min(rowid)")])


_COLUMNS = "name, aliases, description, statements, docs, is_person, variants"


def read_all(db: sqlite3.Connection) -> list[SpeakerInfo]:
    """Every group, most statements first."""
    return _infos(db.execute(f"SELECT {_COLUMNS} FROM speakers ORDER BY statements DESC, name").fetchall())


def part_keys(db: sqlite3.Connection) -> list[str]:
    """Every name-part key, for fuzzy matching of a question's words."""
    return [t for (t,) in db.execute("SELECT DISTINCT term FROM speaker_terms WHERE kind = ?", (PART,))]


def by_terms(db: sqlite3.Connection, parts: list[str], words: list[str]) -> list[SpeakerInfo]:
    """The groups named by any of these part keys or description words."""
    leaders: set[str] = set()
    for kind, terms in ((PART, parts), (DESCRIPTION, words)):
        for i in range(0, len(terms), 500):
            chunk = terms[i:i + 500]
            leaders.update(r for (r,) in db.execute(
                f"SELECT leader FROM speaker_terms WHERE kind = ? AND term IN ({', '.join('?' * len(chunk))})",
                (kind, *chunk)))
    out: list[SpeakerInfo] = []
    names = sorted(leaders)
    for i in range(0, len(names), 500):
        chunk = names[i:i + 500]
        out += _infos(db.execute(f"SELECT {_COLUMNS} FROM speakers WHERE leader IN ({', '.join('?' * len(chunk))})",
                                 chunk).fetchall())
    return sorted(out, key=lambda s: (-s.statements, s.name))


def _infos(rows: list) -> list[SpeakerInfo]:
    return [SpeakerInfo(name=n, aliases=tuple(json.loads(a)), description=d, statements=s, docs=tuple(json.loads(docs)),
                        is_person=bool(p), variants=tuple(json.loads(v))) for n, a, d, s, docs, p, v in rows]


def _join(db: sqlite3.Connection, name: str, block: str) -> str:
    leaders = [n for (n,) in db.execute("SELECT name FROM speaker_names WHERE block = ? AND leader = name "
                                        "ORDER BY seq", (block,))]
    leader = _first_match(leaders, name) or name
    db.execute("INSERT INTO speaker_names (name, block, leader) VALUES (?, ?, ?)", (name, block, leader))
    return leader


def _first_match(leaders: list[str], name: str) -> str | None:
    """The first group leader, in creation order, that spells the same person as name."""
    return next((lead for lead in leaders if same_full_name(lead, name)), None)


def _regroup(db: sqlite3.Connection, block: str) -> set[str]:
    """Group a block again in creation order; returns old and new leaders."""
    members = db.execute("SELECT seq, name, leader FROM speaker_names WHERE block = ? ORDER BY seq", (block,)).fetchall()
    old = {leader for _, _, leader in members}
    leaders: list[str] = []
    for seq, name, _ in members:
        leader = _first_match(leaders, name)
        if leader is None:
            leaders.append(name)
            leader = name
        db.execute("UPDATE speaker_names SET leader = ? WHERE seq = ?", (leader, seq))
    return old | set(leaders)


def _write_group(db: sqlite3.Connection, leader: str) -> None:
    db.execute("DELETE FROM speakers WHERE leader = ?", (leader,))
    db.execute("DELETE FROM speaker_terms WHERE leader = ?", (leader,))
    members = [n for (n,) in db.execute("SELECT name FROM speaker_names WHERE leader = ? ORDER BY seq", (leader,))]
    if not members:
        return
    marks = ", ".join("?" * len(members))
    counts = dict(db.execute(f"SELECT speaker, count(*) FROM sentence_speakers WHERE speaker IN ({marks}) "
                             f"GROUP BY speaker", members).fetchall())
    aliases: set[str] = set(members)
    docs: set[str] = {d for (d,) in db.execute(f"SELECT DISTINCT doc FROM sentence_speakers WHERE speaker IN ({marks})",
                                               members)}
    description: dict[str, str] = {}
    is_person: dict[str, bool] = {}
    for doc, name, names, desc, person in db.execute(
            f"SELECT doc, name, aliases, description, is_person FROM people WHERE name IN ({marks}) ORDER BY rowid",
            members):
        aliases.update(json.loads(names))
        docs.add(doc)
        is_person.setdefault(name, bool(person))
        if desc and name not in description:
            description[name] = desc
    # The most quoted spelling names the group; the others stay searchable as variants.
    ordered = sorted(members, key=lambda n: (-counts.get(n, 0), n))
    head = ordered[0]
    info = SpeakerInfo(name=head, aliases=tuple(sorted(aliases - {head})),
                       description=next((description[n] for n in ordered if n in description), None),
                       statements=sum(counts.values()), docs=tuple(sorted(docs)),
                       is_person=is_person.get(head, False), variants=tuple(ordered[1:]))
    db.execute("INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (leader, info.name, json.dumps(info.aliases), info.description, info.statements, json.dumps(info.docs),
                int(info.is_person), json.dumps(info.variants)))
    db.executemany("INSERT INTO speaker_terms VALUES (?, ?, ?)",
                   [(term, kind, leader) for kind, term in lookup_terms(info)])
