"""Terminal renderings with rich (colour on a terminal; plain text when piped or NO_COLOR is set),
and exports of quotes and speakers as json, csv or markdown."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.records import SpeakerInfo, StoredSentence

from .types import Answer

_MARK = re.compile(r"\[(?:[^\[\]#\s]+#)?S\d+\]")


def console(stderr: bool = False, file=None) -> Console:
    """A console that styles only real terminals (rich honours NO_COLOR and TERM=dumb itself)."""
    return Console(stderr=stderr, file=file, highlight=False, soft_wrap=False)


def answer_renderable(answer: Answer) -> Text:
    """The answer with speakers and citation markers highlighted, then its citations, one per line."""
    out = Text()
    body = Text(answer.text)
    body.highlight_regex(_MARK, "bold cyan")
    for c in answer.citations:
        if c.speaker:
            body.highlight_words([c.speaker], "bold yellow")
    if answer.abstained:
        body.stylize("italic")
    out.append_text(body)
    if answer.citations:
        out.append("\n\nSources\n", style="dim")
        for c in answer.citations:
            label = c.id if "#" in c.id and _multi(answer) else c.id.rsplit("#", 1)[1]
            out.append(f"  [{label}] ", style="bold cyan")
            out.append(c.speaker or "—", style="bold yellow" if c.speaker else "dim")
            out.append(f" — « {c.text} »\n")
    return out


def _multi(answer: Answer) -> bool:
    return len({c.doc for c in answer.citations} | {e.rsplit("#", 1)[0] for e in answer.evidence}) > 1


def answer_text(answer: Answer, width: int = 100) -> str:
    """Plain text of an answer (what a pipe or a file receives)."""
    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, highlight=False).print(answer_renderable(answer))
    return buf.getvalue().rstrip("\n")


def answer_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), ensure_ascii=False)


QUOTE_FIELDS = ("id", "speaker", "canonical_speaker", "cue", "kind", "source", "text")
SPEAKER_FIELDS = ("name", "statements", "aliases", "description", "docs")


def quotes_table(rows: Sequence[StoredSentence]) -> Table:
    t = Table(show_lines=False, expand=True)
    t.add_column("id", style="cyan", no_wrap=True)
    t.add_column("speaker", style="bold yellow", max_width=24)
    t.add_column("cue / kind", style="dim", max_width=22)
    t.add_column("sentence", ratio=1, min_width=40)
    for r in rows:
        extra = f"{r.cue or ''} · {r.kind or ''}" + (" · coref" if r.coref else "") + (f"\n{r.source}" if r.source else "")
        t.add_row(r.id, r.canonical_speaker or r.speaker or "—", extra, r.text)
    return t


def speakers_table(rows: Sequence[SpeakerInfo]) -> Table:
    t = Table(expand=True)
    t.add_column("speaker", style="bold yellow")
    t.add_column("statements", justify="right")
    t.add_column("also called", style="dim", max_width=30)
    t.add_column("description", ratio=1, min_width=30)
    for s in rows:
        t.add_row(s.name, str(s.statements), ", ".join(s.aliases), s.description or "")
    return t


def export(rows: Sequence[dict], fields: Sequence[str], fmt: str) -> str:
    """rows as json, csv or a markdown table (lists joined with '; ')."""
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=1)
    flat = [{f: "; ".join(v) if isinstance(v, (list, tuple)) else ("" if v is None else v)
             for f, v in ((f, r.get(f)) for f in fields)} for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(fields), lineterminator="\n")
        w.writeheader()
        w.writerows(flat)
        return buf.getvalue().rstrip("\n")
    if fmt == "markdown":
        def cell(v) -> str:
            return str(v).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(fields) + " |", "|" + "---|" * len(fields)]
        lines += ["| " + " | ".join(cell(r[f]) for f in fields) + " |" for r in flat]
        return "\n".join(lines)
    raise ValueError(fmt)
