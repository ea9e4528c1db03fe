"""Canonical speakers for one document: names, titles, transliterations and pronouns.

``Song`` -> ``Song Zhongping`` (a part of a full name introduced before), ``Shoigu`` =
``Choïgou`` = ``Sergueï Choïgou`` (accent-folded, transliteration-normalised, fuzzy-matched with
rapidfuzz), ``M. Faizy`` -> ``Sultan Faizy`` (titles stripped), ``la porte-parole`` -> the person
described as such, ``Il a également souligné`` -> the previous compatible speaker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz import fuzz
from unidecode import unidecode

from .attribution import RawAttribution
from .lexicon import FEMININE_TITLES, INSTITUTIONS, MASCULINE_TITLES, TITLES

FUZZY_THRESHOLD = 82
DEFINITE_WINDOW = 2   # sentences within which a definite description can refer back to a speaker
COLLECTIVE = {"experts", "observateurs", "analystes", "responsables", "sources", "officials", "analysts",
              "observers", "diplomates", "diplomats", "témoins", "witnesses", "habitants", "residents"}


@dataclass(frozen=True)
class Attribution:
    """Who speaks in a sentence, as written and resolved."""

    speaker: str | None = None
    canonical_speaker: str | None = None
    description: str | None = None
    cue: str | None = None
    source: str | None = None
    kind: str | None = None
    coref: bool = False

    @property
    def speakers(self) -> tuple[str, ...]:
        """The individual canonical speakers (a joint statement has several)."""
        return tuple(s for s in (self.canonical_speaker or "").split("; ") if s)


@dataclass
class Person:
    """A person or body the document names; aliases are the forms seen."""

    canonical: str
    aliases: set[str] = field(default_factory=set)
    description: str | None = None
    gender: str | None = None
    is_person: bool = True
    last_seen: int = -1


def fold(text: str) -> str:
    """Lowercase, strip accents and punctuation: 'Choïgou' -> 'choigou'."""
    return re.sub(r"[^a-z0-9 ]+", " ", unidecode(text).lower()).strip()


def translit_key(text: str) -> str:
    """A rough transliteration key so French and English spellings of one name meet."""
    key = fold(text)
    for a, b in (("tch", "ch"), ("ch", "sh"), ("ou", "u"), ("dj", "j"), ("kh", "h"), ("y", "i"),
                 ("ck", "k"), ("ph", "f"), ("w", "v"), ("ei", "i"), ("ie", "i")):
        key = key.replace(a, b)
    key = re.sub(r"(.)\1+", r"\1", key)
    return re.sub(r"e\b", "", key)


def strip_titles(name: str) -> tuple[str, str | None]:
    """'M. Faizy' -> ('Faizy', 'Masc'); 'la porte-parole' -> ('porte-parole', None)."""
    words = name.split()
    gender = None
    while len(words) > 1 and words[0].lower() in TITLES:
        w = words.pop(0).lower()
        gender = gender or ("Fem" if w in FEMININE_TITLES else "Masc" if w in MASCULINE_TITLES else None)
    core = " ".join(words)
    core = re.sub(r"^(l['’]|d['’])", "", core)
    return core, gender


def _same_name(a: str, b: str) -> bool:
    ka, kb = translit_key(a), translit_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 4 and fuzz.ratio(ka, kb) >= FUZZY_THRESHOLD)


def same_full_name(a: str, b: str) -> bool:
    """Two full names of one person: every word of the shorter matches a word of the longer."""
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return all(any(_same_name(w, v) for v in long_) for w in short)


class SpeakerResolver:
    """Resolves the speakers of one document's sentences, in reading order."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self._last_speakers: list[tuple[Person, bool]] = []   # (person, plural group?)

    def register_mention(self, name: str, position: int) -> Person | None:
        """Record a named person (a PER entity) even if they never speak."""
        core, gender = strip_titles(name)
        if len(fold(core)) < 2:
            return None
        return self._find_or_add(core, position, gender=gender, create=True)

    def _find_or_add(self, core: str, position: int, gender: str | None = None, create: bool = True,
                     is_person: bool = True) -> Person | None:
        parts = core.split()
        best: Person | None = None
        for person in self.people:
            full = person.canonical
            if _same_name(core, full) or any(_same_name(core, a) for a in person.aliases):
                best = person
                break
            if len(parts) == 1 and is_person and person.is_person and any(
                    _same_name(core, token) for token in full.split()):
                if best is None or person.last_seen > best.last_seen:
                    best = person
        if best is None and len(parts) > 1 and is_person:
            # "Sergueï Choïgou" first seen after "Choïgou": upgrade the short form.
            for person in self.people:
                if len(person.canonical.split()) == 1 and any(_same_name(person.canonical, p) for p in parts):
                    person.aliases.add(person.canonical)
                    person.canonical = core
                    best = person
                    break
        if best is None:
            if not create:
                return None
            best = Person(canonical=core, is_person=is_person)
            self.people.append(best)
        best.aliases.add(core)
        best.last_seen = max(best.last_seen, position)
        best.gender = best.gender or gender
        return best

    def _by_role(self, core: str) -> Person | None:
        """'la porte-parole' -> the latest person whose description contains that role."""
        key = fold(core)
        if not key:
            return None
        matches = [p for p in self.people if p.description and key in fold(p.description)]
        return max(matches, key=lambda p: p.last_seen) if matches else None

    def _by_definite_description(self, raw: RawAttribution, position: int) -> Person | None:
        """'le technicien espagnol a expliqué' right after a named person speaks: that person."""
        if not raw.definite_role or raw.definite_role in INSTITUTIONS or raw.members:
            return None
        for person, plural in reversed(self._last_speakers[-1:]):
            if not plural and person.is_person and position - person.last_seen <= DEFINITE_WINDOW:
                if raw.gender and person.gender and raw.gender != person.gender:
                    return None
                return person
        return None

    def _by_pronoun(self, raw: RawAttribution) -> tuple[Person, ...]:
        for person, plural in reversed(self._last_speakers):
            if plural != raw.plural:
                continue
            if raw.gender and person.gender and raw.gender != person.gender and not raw.plural:
                continue
            return (person,)
        if raw.plural:
            group = [p for p, pl in self._last_speakers[-2:] if not pl]
            return tuple(group) if len(group) == 2 else ()
        return ()

    def resolve(self, raw: RawAttribution, position: int) -> Attribution:
        """The final Attribution for one sentence at a position (sentence number)."""
        if raw.speaker is None:
            return Attribution()
        coref = False
        people: tuple[Person, ...] = ()
        if raw.pronoun:
            people = self._by_pronoun(raw)
            coref = bool(people)
        else:
            names = raw.members or (raw.speaker,)
            resolved = []
            for name in names:
                core, gender = strip_titles(name)
                is_person = raw.person or (len(raw.members) > 0) or core[:1].isupper()
                if not core[:1].isupper():
                    role = self._by_role(core) or self._by_definite_description(raw, position)
                    if role is not None:
                        resolved.append(role)
                        coref = True
                        continue
                person = self._find_or_add(core, position, gender=gender or raw.gender, is_person=is_person)
                if person is not None:
                    if person.canonical != core:
                        coref = coref or len(core.split()) < len(person.canonical.split())
                    if raw.description and not person.description:
                        person.description = raw.description
                    resolved.append(person)
            people = tuple(resolved)
        canonical = "; ".join(dict.fromkeys(p.canonical for p in people)) or None
        for p in people:
            p.last_seen = position
        if people:
            self._last_speakers.append((people[0], False) if len(people) == 1 else (people[0], True))
            if len(people) > 1:
                self._last_speakers.extend((p, False) for p in people[1:])
                self._last_speakers.append((people[0], True))
        return Attribution(speaker=raw.speaker, canonical_speaker=canonical,
                           description=raw.description or (people[0].description if len(people) == 1 else None),
                           cue=raw.cue, source=raw.source, kind=raw.kind, coref=coref)


def resolve_document(raws: Iterable[tuple[int, RawAttribution, list[str]]]) -> tuple[list[Attribution], list[Person]]:
    """Resolve a document: items are (sentence number, raw attribution, PER entity texts)."""
    resolver = SpeakerResolver()
    out = []
    for position, raw, mentions in raws:
        for m in mentions:
            resolver.register_mention(m, position)
        out.append(resolver.resolve(raw, position))
    return out, resolver.people
