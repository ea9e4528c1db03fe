"""Citation markers: write them, find them, and check them against the evidence."""
from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r"\[((?:[^\[\]#\s]+#)?S\d+)\]")


def marker(sentence_id: str, multi_doc: bool) -> str:
    """``[S10]`` when the store holds one document, ``[doc#S10]`` otherwise."""
    return f"[{sentence_id}]" if multi_doc else f"[{sentence_id.rsplit('#', 1)[1]}]"


def cited_ids(text: str, evidence_ids: list[str] | tuple[str, ...]) -> list[str]:
    """Ids cited in text, mapped to full ids; a bare ``S10`` maps to the evidence sentence with that number."""
    by_number: dict[str, list[str]] = {}
    for eid in evidence_ids:
        by_number.setdefault(eid.rsplit("#", 1)[1], []).append(eid)
    out = []
    for m in _MARK.finditer(text):
        ref = m.group(1)
        if "#" in ref:
            out.append(ref)
        else:
            out.extend(by_number.get(ref, [ref]) [:1])
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class CheckedText:
    """An answer text after the check: valid citations kept, invalid markers removed."""

    text: str
    valid: tuple[str, ...]
    removed: tuple[str, ...]


def check_citations(text: str, evidence_ids: list[str] | tuple[str, ...]) -> CheckedText:
    """Keep only citations of evidence sentences; drop every other marker from the text."""
    allowed = set(evidence_ids)
    valid: list[str] = []
    removed: list[str] = []

    def keep(m: re.Match) -> str:
        full = cited_ids(m.group(0), evidence_ids)
        if full and full[0] in allowed:
            valid.append(full[0])
            return m.group(0)
        removed.append(m.group(1))
        return "\x00"

    cleaned = re.sub(r"[ \t]*\x00", "", _MARK.sub(keep, text)).strip()
    return CheckedText(cleaned, tuple(dict.fromkeys(valid)), tuple(removed))
