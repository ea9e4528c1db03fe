"""The LLM answerer: evidence cards in, a cited answer out, then the checks that keep a weak or
misled model from presenting anything the evidence does not support."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

import prompts
from index.records import SpeakerInfo, StoredSentence

from .citations import check_citations, marker
from .question import _mentions

LANGUAGE_NAMES = {"fr": "French", "en": "English"}
DONT_KNOW = {"fr": "Les articles ne le disent pas.", "en": "The articles don't say."}
_CLAIM_END = re.compile(r"(?<=[.!?…])(?:\s*\[[^\]]+\])*\s+(?=[A-ZÀ-Ý«\"“(])")


def _card_text(text: str) -> str:
    # Keep the data inside its delimiters: no card can close <evidence> or open a new card.
    return text.replace("<", "‹").replace(">", "›").replace("«", "“").replace("»", "”")


def evidence_cards(sentences: Iterable[StoredSentence], multi_doc: bool) -> str:
    """One line per evidence sentence: id, attributed speaker, the sentence quoted."""
    lines = []
    for s in sentences:
        who = s.canonical_speaker.replace("; ", " & ") if s.canonical_speaker else "none"
        lines.append(f"{marker(s.id, multi_doc)} speaker: {who} | « {_card_text(s.text)} »")
    return "\n".join(lines)


def answer_chain(model) -> Runnable:
    """prompt | model | parser, with the prompt files from prompts/."""
    prompt = ChatPromptTemplate.from_messages([("system", prompts.load("answer_system")),
                                               ("human", prompts.load("answer_user"))])
    return prompt | model | StrOutputParser()


def prompt_inputs(question: str, language: str, cards: str) -> dict:
    return {"question": question, "evidence": cards, "language": LANGUAGE_NAMES.get(language, "English"),
            "dont_know": DONT_KNOW.get(language, DONT_KNOW["en"])}


@dataclass(frozen=True)
class Verified:
    """The model's answer after the checks."""

    text: str
    cited: tuple[str, ...]
    dropped_claims: int
    misattributions: int


def split_claims(text: str) -> list[str]:
    """Sentences of the model's answer, each with the citation markers that follow it."""
    return [c.strip() for c in _CLAIM_END.split(text.strip()) if c.strip()]


def verify(text: str, evidence: dict[str, StoredSentence], speakers: Iterable[SpeakerInfo]) -> Verified:
    """Keep only claims that cite evidence and name, if anyone, the speaker of what they cite."""
    known = [s for s in speakers if s.statements]
    kept: list[str] = []
    cited: list[str] = []
    dropped = misattributed = 0
    for claim in split_claims(text):
        checked = check_citations(claim, list(evidence))
        if not checked.valid:
            dropped += 1
            continue
        named = {n for info in _mentions(re.sub(r"\[[^\]]+\]", " ", checked.text), known) for n in info.names}
        attributed = {n for i in checked.valid for n in evidence[i].speakers}
        if named and attributed and not (named & attributed):
            # The claim puts one person's name on another person's words.
            misattributed += 1
            continue
        kept.append(checked.text)
        cited.extend(checked.valid)
    return Verified(" ".join(kept), tuple(dict.fromkeys(cited)), dropped, misattributed)
