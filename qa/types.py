"""Answers and citations: frozen results with a JSON form."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """A cited sentence: ``id`` is ``doc#S<n>``."""

    id: str
    doc: str
    sentence: int
    text: str
    speaker: str | None = None
    speaker_as_written: str | None = None
    cue: str | None = None


@dataclass(frozen=True)
class Answer:
    """An answer with the sentences it cites; ``abstained`` when the articles don't say."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    answerer: str = "extractive"
    model: str | None = None
    language: str = "en"
    evidence: tuple[str, ...] = field(default=(), compare=False)
    fallback: bool = False                 # the model's answer failed the checks; this is the extractive one
    checks: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        """The Answer JSON contract."""
        return {"question": self.question, "answer": self.text, "abstained": self.abstained,
                "citations": [asdict(c) for c in self.citations], "answerer": self.answerer,
                "model": self.model, "fallback": self.fallback, "checks": dict(self.checks),
                "language": self.language, "evidence": list(self.evidence)}
