"""Conversation state for follow-ups: "And what did he say about Taiwan?" asks about the speaker of
the previous turn, with or without a model (the question is rewritten before retrieval)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from .types import Answer

if TYPE_CHECKING:
    from .assistant import Assistant

_PRONOUN = re.compile(r"\b(he|she|him|her|his|they|them|il|elle|lui|ils|elles|celui-ci|celle-ci)\b", re.I)
_CLITIC = re.compile(r"-(?:t-)?(il|elle|ils|elles)\b", re.I)


class Conversation:
    """Asks through an Assistant and remembers the speakers of the last answer."""

    def __init__(self, assistant: "Assistant") -> None:
        self.assistant = assistant
        self.last_speakers: tuple[str, ...] = ()
        self.history: list[Answer] = []

    def resolve(self, question: str) -> str:
        """Replace a pronoun with the previous turn's speaker when the question names nobody."""
        if not self.last_speakers or self.assistant.analyse(question).speakers:
            return question
        name = " & ".join(self.last_speakers)
        if _CLITIC.search(question):
            # "Qu'a-t-il dit sur Taïwan ?" -> "Qu'a dit sur Taïwan ? (Song Zhongping)": the name is what matters.
            return f"{_CLITIC.sub('', question, count=1)} ({name})"
        if _PRONOUN.search(question):
            return _PRONOUN.sub(lambda m: f"{name}'s" if m.group(1).lower() == "his" else name, question, count=1)
        return question

    def _remember(self, answer: Answer) -> None:
        self.history.append(answer)
        asked = [s.name for s in self.assistant.analyse(answer.question).speakers if s.statements]
        cited = [c.speaker for c in answer.citations if c.speaker]
        if asked or cited:
            self.last_speakers = tuple(dict.fromkeys(asked or cited[:1]))

    def ask(self, question: str) -> Answer:
        answer = self.assistant.ask(self.resolve(question))
        self._remember(answer)
        return answer

    def stream(self, question: str) -> Iterator[str | Answer]:
        for part in self.assistant.stream(self.resolve(question)):
            if isinstance(part, Answer):
                self._remember(part)
            yield part
