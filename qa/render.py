"""Plain-text and JSON renderings of answers, quotes and speakers for the terminal."""
from __future__ import annotations

import json
import textwrap

from index.records import SpeakerInfo, StoredSentence

from .types import Answer


def answer_text(answer: Answer, width: int = 100) -> str:
    """The answer, then each cited sentence with its speaker."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            head = f"  [{c.id}] {c.speaker or '—'}: "
            lines.append(textwrap.fill(f"« {c.text} »", width=width, initial_indent=head,
                                       subsequent_indent=" " * 6))
    return "\n".join(lines)


def answer_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), ensure_ascii=False)


def quotes_text(rows: list[StoredSentence], width: int = 100) -> str:
    out = []
    for r in rows:
        who = r.canonical_speaker or r.speaker or "—"
        meta = ", ".join(x for x in (r.cue, r.kind, r.source and f"source: {r.source}",
                                     "coreference" if r.coref else None) if x)
        out.append(textwrap.fill(f"[{r.id}] {who} ({meta}): « {r.text} »", width=width, subsequent_indent="    "))
    return "\n".join(out) if out else "No attributed sentences."


def speakers_text(rows: list[SpeakerInfo]) -> str:
    out = []
    for s in rows:
        aliases = f" — also: {', '.join(s.aliases)}" if s.aliases else ""
        desc = f" — {s.description}" if s.description else ""
        out.append(f"{s.name}: {s.statements} statement(s){aliases}{desc}")
    return "\n".join(out) if out else "No speakers."
