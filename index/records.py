"""Frozen records that come out of the store."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class StoredSentence:
    """A sentence as stored, with its attribution."""

    id: str
    doc: str
    n: int
    text: str
    paragraph: int
    start: int
    end: int
    speaker: str | None = None
    canonical_speaker: str | None = None
    description: str | None = None
    cue: str | None = None
    source: str | None = None
    kind: str | None = None
    coref: bool = False

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(s for s in (self.canonical_speaker or "").split("; ") if s)

    def to_quote_dict(self) -> dict:
        """The Quote JSON contract."""
        d = asdict(self)
        d["sentence"] = d.pop("n")
        return {k: d[k] for k in ("id", "doc", "sentence", "text", "speaker", "canonical_speaker", "cue",
                                  "source", "kind", "description", "coref", "paragraph")}


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document in the manifest."""

    name: str
    sha256: str
    sentences: int
    language: str
    source: str
    indexed_at: str
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class SpeakerInfo:
    """A canonical speaker (or a person only mentioned) across the store."""

    name: str
    aliases: tuple[str, ...]
    description: str | None
    statements: int
    docs: tuple[str, ...]
    is_person: bool
    variants: tuple[str, ...] = ()      # canonical names of the same person in other documents

    @property
    def names(self) -> tuple[str, ...]:
        """Every canonical name this speaker's statements are stored under."""
        return (self.name, *self.variants)

    def to_dict(self) -> dict:
        return asdict(self)
