"""What a question asks: its language, the speakers it names, whether it asks who or what someone said."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Protocol, Sequence

from index.nlp import detect_language
from index.records import SpeakerInfo
from index.lexicon import STOPWORDS
from index.speaker_table import DESCRIPTION, PART, lookup_terms
from index.speakers import FUZZY_THRESHOLD, _same_name, fold, translit_key

_WHO = re.compile(r"^\s*(who\b(?!\s+(is|was|are)\b)|whom\b|qui\b(?!\s+(est|était|sont)\b)|which\s+(outlet|media|newspaper|"
                  r"agency|expert|official|person|people|source|ministry|channel)|quel(le)?s?\s+(média|expert|"
                  r"responsable|personne|agence|source|journal|chaîne|ministère))", re.I)
_IDENTITY = re.compile(r"^\s*(who\s+(is|was|are)|qui\s+(est|était|sont))\b", re.I)
_SAID = re.compile(r"\b(say|said|says|tell|told|state[sd]?|claim\w*|think|thinks|according|declare\w*|view|position|"
                   r"opinion|argue\w*|dit|dire|déclar\w*|selon|d['’]après|estim\w*|pens\w*|affirm\w*|ajout\w*|"
                   r"soulign\w*|indiqu\w*|position|avis)\b", re.I)
_WORD = re.compile(r"[\w’'-]+", re.U)


@dataclass(frozen=True)
class QuestionAnalysis:
    """The parts of a question retrieval and answering use."""

    text: str
    language: str
    asks_who: bool
    asks_identity: bool
    asks_said: bool
    speakers: tuple[SpeakerInfo, ...]      # names in the question that the store knows
    terms: tuple[str, ...]                 # content words for the lexical index
    topic: str = ""                        # the question without the speaker names it mentions


def content_terms(text: str) -> tuple[str, ...]:
    words = [w.strip("’'-") for w in _WORD.findall(text)]
    return tuple(dict.fromkeys(w for w in words if len(w) > 1 and w.lower() not in STOPWORDS))


class SpeakerIndex:
    """Speakers indexed by the transliteration keys of their name parts and by the words of their
    descriptions, so a question is matched against a few candidates, not every speaker.

    This one holds a list in memory; StoredSpeakerIndex asks the store's persisted tables.
    """

    def __init__(self, known: Iterable[SpeakerInfo]) -> None:
        self._by_term: dict[tuple[str, str], list[SpeakerInfo]] = {}
        for info in known:
            for term in lookup_terms(info):
                self._by_term.setdefault(term, []).append(info)
        self._keys: list[str] | None = [term for kind, term in self._by_term if kind == PART]

    def keys(self) -> list[str]:
        """Every name-part key (fuzzy matching runs over these)."""
        return self._keys or []

    def named(self, part_keys: list[str], words: list[str]) -> list[SpeakerInfo]:
        """Speakers with any of these name-part keys or description words."""
        found: dict[int, SpeakerInfo] = {}
        for term in [(PART, k) for k in part_keys] + [(DESCRIPTION, w) for w in words]:
            for info in self._by_term.get(term, ()):
                found[id(info)] = info
        return list(found.values())

    def candidates(self, words: list[str]) -> list[SpeakerInfo]:
        """Speakers with a name part close to a question word, or a description word in the question."""
        from rapidfuzz import fuzz, process

        keys = self.keys()
        parts: set[str] = set()
        for word in words:
            key = translit_key(word)
            if key:
                parts.add(key)
            if len(key) >= 4:
                parts.update(k for k, _, _ in process.extract(key, keys, scorer=fuzz.ratio,
                                                              score_cutoff=FUZZY_THRESHOLD, limit=20))
        return self.named(sorted(parts), words)


class SpeakerSource(Protocol):
    def speaker_keys(self) -> list[str]: ...
    def speakers_named(self, part_keys: Sequence[str], description_words: Sequence[str]) -> list[SpeakerInfo]: ...


class StoredSpeakerIndex(SpeakerIndex):
    """The store's speakers through its persisted lookup tables: a process loads only the list of
    name keys (for fuzzy matching), then fetches the few speakers a question names."""

    def __init__(self, source: SpeakerSource) -> None:
        self._source = source
        self._keys = None

    def keys(self) -> list[str]:
        if self._keys is None:
            self._keys = self._source.speaker_keys()
        return self._keys

    def named(self, part_keys: list[str], words: list[str]) -> list[SpeakerInfo]:
        return self._source.speakers_named(part_keys, words)


def _mentions(question: str, known: Iterable[SpeakerInfo] | SpeakerIndex) -> tuple[SpeakerInfo, ...]:
    words = [w for w in fold(question).split() if len(w) > 1 and w not in STOPWORDS]
    index = known if isinstance(known, SpeakerIndex) else SpeakerIndex(known)
    folded_question = " ".join(fold(question).split())
    found = []
    for info in index.candidates(words):
        for alias in (info.name, *info.aliases):
            parts = [p for p in fold(alias).split() if p not in STOPWORDS]
            if not parts:
                continue
            # A name matches when each of its parts is in the question (any spelling close enough),
            # or, for a person, when the question uses the surname alone ("Peskov").
            surname = info.is_person and len(parts) > 1 and len(parts[-1]) >= 4 and \
                any(_same_name(parts[-1], w) for w in words)
            if surname or all(any(_same_name(p, w) for w in words) for p in parts):
                found.append(info)
                break
        else:
            # "the mayor of Valencia": the description the article gives a speaker.
            desc = fold(info.description or "")
            if info.statements and len(desc.split()) >= 2 and len(desc) <= 60 and desc in folded_question:
                found.append(info)
    # The store's order: most quoted first.
    return tuple(sorted(found, key=lambda s: (-s.statements, s.name)))


def analyse_question(question: str, known: Iterable[SpeakerInfo] | SpeakerIndex = ()) -> QuestionAnalysis:
    """Analyse a question against the speakers the store knows."""
    q = question.strip()
    speakers = _mentions(q, known)
    topic = _without_names(q, speakers)
    return QuestionAnalysis(text=q, language=detect_language(q) if q else "en",
                            asks_who=bool(_WHO.search(q)), asks_identity=bool(_IDENTITY.search(q)),
                            asks_said=bool(_SAID.search(q)), speakers=speakers,
                            terms=content_terms(topic), topic=topic)


def _without_names(question: str, speakers: tuple[SpeakerInfo, ...]) -> str:
    """'What did Song say about Taiwan?' -> 'What did say about Taiwan?': rank a speaker's words by topic."""
    if not speakers:
        return question
    parts = {p for info in speakers for alias in (info.name, *info.aliases) for p in fold(alias).split()}
    kept = [w for w in question.split() if not any(_same_name(fold(w), p) for p in parts if fold(w))]
    return " ".join(kept) or question
