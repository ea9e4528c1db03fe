"""What a question asks: its language, the speakers it names, whether it asks who or what someone said."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from index.nlp import detect_language
from index.records import SpeakerInfo
from index.speakers import FUZZY_THRESHOLD, _same_name, fold, translit_key

_WHO = re.compile(r"^\s*(who\b(?!\s+(is|was|are)\b)|whom\b|qui\b(?!\s+(est|était|sont)\b)|which\s+(outlet|media|newspaper|"
                  r"agency|expert|official|person|people|source|ministry|channel)|quel(le)?s?\s+(média|expert|"
                  r"responsable|personne|agence|source|journal|chaîne|ministère))", re.I)
_IDENTITY = re.compile(r"^\s*(who\s+(is|was|are)|qui\s+(est|était|sont))\b", re.I)
_SAID = re.compile(r"\b(say|said|says|tell|told|state[sd]?|claim\w*|think|thinks|according|declare\w*|view|position|"
                   r"opinion|argue\w*|dit|dire|déclar\w*|selon|d['’]après|estim\w*|pens\w*|affirm\w*|ajout\w*|"
                   r"soulign\w*|indiqu\w*|position|avis)\b", re.I)
_WORD = re.compile(r"[\w’'-]+", re.U)
STOPWORDS = set("""
a an the of to in on at for and or but is are was were be been what who whom which when where why how did do does
about with by from that this these those it its as he she they them his her their there than then so if not no
say said says tell told according
le la les l un une des de du d et ou mais est sont été que qui quoi quel quelle quels quelles où quand comment
pourquoi a ont au aux en dans sur par pour avec ce cette ces il elle ils elles leur leurs son sa ses se qu
dit déclaré selon après sujet propos
""".split())


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
    """The store's speakers, indexed by the transliteration keys of their name parts and by the words
    of their descriptions, so a question is matched against a few candidates, not every speaker."""

    def __init__(self, known: Iterable[SpeakerInfo]) -> None:
        self.by_part: dict[str, list[SpeakerInfo]] = {}
        self.by_desc_word: dict[str, list[SpeakerInfo]] = {}
        for info in known:
            for alias in (info.name, *info.aliases):
                for part in fold(alias).split():
                    if part not in STOPWORDS:
                        self.by_part.setdefault(translit_key(part), []).append(info)
            desc = fold(info.description or "")
            if info.statements and 2 <= len(desc.split()) and len(desc) <= 60:
                for word in set(desc.split()) - STOPWORDS:
                    self.by_desc_word.setdefault(word, []).append(info)
        self._keys = list(self.by_part)

    def candidates(self, words: list[str]) -> list[SpeakerInfo]:
        """Speakers with a name part close to a question word, or a description word in the question."""
        from rapidfuzz import fuzz, process

        found: dict[int, SpeakerInfo] = {}
        for word in words:
            key = translit_key(word)
            hits = [key] if key in self.by_part else []
            if len(key) >= 4:
                hits += [k for k, _, _ in process.extract(key, self._keys, scorer=fuzz.ratio,
                                                          score_cutoff=FUZZY_THRESHOLD, limit=20)]
            for k in hits:
                for info in self.by_part.get(k, ()):
                    found[id(info)] = info
            for info in self.by_desc_word.get(word, ()):
                found[id(info)] = info
        return list(found.values())


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
