"""Attribution that spans sentences: interview layouts and multi-sentence quotations.

- ``Name – role`` on a line of its own introduces the speaker of the lines that follow; those in the
  first person (I, we, our; je, nous, notre) are that person's words until the next such header.
- A quotation opened in one sentence and closed in a later one belongs to whoever is attributed in
  the quotation (usually at its close: ``…. …», a-t-il ajouté``).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from .attribution import PERSON_LABELS, RawAttribution
from .sentences import ParsedSentence

_HEADER_SEP = re.compile(r"^\s*(?P<name>[^–—:|,-]{3,60}?)\s+[–—:|-]\s+(?P<role>[^.!?]{2,120})$")
_FIRST_PERSON = re.compile(r"\b(i|we|our|ours|us|my|me|je|j['’]|nous|notre|nos|mon|ma|mes|moi)\b", re.I)
QUOTE_PAIRS = (("«", "»"), ("“", "”"))


def _header(p: ParsedSentence, paragraph_sentences: int) -> tuple[str, str] | None:
    """('Maria Lopez', 'mayor of Valencia') when a one-sentence paragraph is a 'Name – role' line."""
    if paragraph_sentences != 1:
        return None
    m = _HEADER_SEP.match(p.sentence.text)
    if not m:
        return None
    name = m.group("name").strip()
    people = [e for e in p.span.ents if e.label_ in PERSON_LABELS and e.text in name]
    if not people or len(name.split()) > 5:
        return None
    return name, m.group("role").strip()


def _quote_balance(text: str) -> int:
    return sum(text.count(o) - text.count(c) for o, c in QUOTE_PAIRS)


def apply_context(parsed: Sequence[ParsedSentence], raws: list[RawAttribution]) -> list[RawAttribution]:
    """Fill in sentences whose speaker is given by layout or by an enclosing quotation."""
    out = list(raws)
    per_paragraph: dict[int, int] = {}
    for p in parsed:
        per_paragraph[p.sentence.paragraph] = per_paragraph.get(p.sentence.paragraph, 0) + 1
    current: tuple[str, str] | None = None
    for i, p in enumerate(parsed):
        head = _header(p, per_paragraph[p.sentence.paragraph])
        if head is not None:
            current = head
            continue
        if current and out[i].speaker is None and _FIRST_PERSON.search(p.sentence.text):
            out[i] = RawAttribution(speaker=current[0], cue="–", kind="direct", description=current[1], person=True)
    # Quotations over several sentences.
    i = 0
    while i < len(parsed):
        if _quote_balance(parsed[i].sentence.text) > 0:
            group = [i]
            depth = _quote_balance(parsed[i].sentence.text)
            j = i + 1
            while j < len(parsed) and depth > 0 and j - i < 12:
                depth += _quote_balance(parsed[j].sentence.text)
                group.append(j)
                j += 1
            if depth <= 0:
                owner = next((out[k] for k in reversed(group) if out[k].speaker), None)
                if owner is not None:
                    for k in group:
                        if out[k].speaker is None:
                            out[k] = replace(owner, kind="direct")
            i = j
        else:
            i += 1
    return out
