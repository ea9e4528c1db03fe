"""Split clean article text into sentences with stable ids, offsets and paragraph numbers.

spaCy tokenises (it knows that ``M.``, ``J.-P.`` or ``U.S.`` are single tokens) and proposes
boundaries; rules then repair what its parser gets wrong on news text: a boundary needs
sentence-final punctuation, a lowercase continuation is never a new sentence, and a
quotation opened with « or “ is kept whole when it closes within the paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# Sentence-final punctuation, optionally followed by closing quotes or brackets.
_END = re.compile(r"[.!?…]+[\s]*[»\"”’')\]]*\s*$")
_CANDIDATE = re.compile(r"[.!?…]+(?:\s*[»\"”’')\]])*\s+")
_OPENERS = "«\"“‘'([—–- "
# Abbreviations the tokenizer may split off as "word" + ".".
_ABBREV = re.compile(
    r"(?:^|[\s(])(?:M|MM|Mme|Mmes|Mlle|Dr|Pr|Me|Mgr|St|Ste|Mr|Mrs|Ms|Prof|Gen|Gén|Col|Lt|Sgt|Capt|"
    r"Rev|Jr|Sr|No|Nos|art|cf|vol|p|pp|av|apr|env|etc|vs|Inc|Ltd|Co|Corp|Jan|Feb|Févr|Aug|Sept|Oct|Nov|Dec|"
    r"[A-ZÀ-Ý])\.$")
MAX_QUOTE_MERGE_CHARS = 700
QUOTE_PAIRS = (("«", "»"), ("“", "”"))


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document, addressed as ``doc#S<n>``."""

    doc: str
    n: int
    text: str
    start: int
    end: int
    paragraph: int

    @property
    def id(self) -> str:
        return sentence_id(self.doc, self.n)


def sentence_id(doc: str, n: int) -> str:
    """The stable id of sentence n (from 1) of a document."""
    return f"{doc}#S{n}"


def paragraphs(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (paragraph number from 1, start offset, paragraph text)."""
    pos = 0
    number = 0
    for block in text.split("\n\n"):
        start = text.index(block, pos) if block else pos
        pos = start + len(block)
        if block.strip():
            number += 1
            yield number, start, block


def _is_abbreviation_end(before: str, doc: "Doc", cut: int) -> bool:
    if _ABBREV.search(before.rstrip()):
        return True
    # A period the tokenizer kept inside a longer token ("J.-P.", "U.S.") is not an end.
    tok = _token_ending_at(doc, len(before.rstrip()))
    return tok is not None and len(tok.text) > 1 and tok.text.endswith(".") and not tok.is_punct


def _token_ending_at(doc: "Doc", char_end: int):
    for tok in doc:
        if tok.idx + len(tok.text) == char_end:
            return tok
        if tok.idx >= char_end:
            return None
    return None


def _starts_lowercase(after: str) -> bool:
    stripped = after.lstrip(_OPENERS + "\u2026.")
    return bool(stripped) and stripped[0].isalpha() and stripped[0].islower()


def _open_quote(segment: str) -> bool:
    return any(segment.count(o) > segment.count(c) for o, c in QUOTE_PAIRS)


def boundaries(text: str, doc: "Doc") -> list[int]:
    """Character offsets where a new sentence starts inside one paragraph (excluding 0)."""
    proposed: set[int] = set()
    if doc.has_annotation("SENT_START"):
        proposed.update(s.start_char for s in doc.sents if s.start_char > 0)
    proposed.update(m.end() for m in _CANDIDATE.finditer(text) if m.end() < len(text))
    cuts: list[int] = []
    last = 0
    for cut in sorted(proposed):
        before, after = text[last:cut], text[cut:]
        if not _END.search(before) or _starts_lowercase(after):
            continue
        if _is_abbreviation_end(text[:cut], doc, cut):
            continue
        if _open_quote(before) and _quote_closes_soon(before, after):
            continue
        cuts.append(cut)
        last = cut
    return cuts


def _quote_closes_soon(before: str, after: str) -> bool:
    for opener, closer in QUOTE_PAIRS:
        depth = before.count(opener) - before.count(closer)
        if depth > 0:
            close_at = after.find(closer)
            return close_at != -1 and len(before) + close_at <= MAX_QUOTE_MERGE_CHARS
    return False


def split_paragraph(text: str, doc: "Doc") -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one paragraph, whitespace trimmed."""
    edges = [0, *boundaries(text, doc), len(text)]
    spans = []
    for a, b in zip(edges, edges[1:]):
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if chunk.strip():
            spans.append((a + lead, a + trail))
    return spans


@dataclass(frozen=True)
class ParsedSentence:
    """A sentence with its spaCy span (for attribution)."""

    sentence: Sentence
    span: "Span"


def parse_sentences(doc_name: str, text: str, nlp) -> list[ParsedSentence]:
    """Split a whole article into parsed sentences numbered from 1 in reading order."""
    paras = list(paragraphs(text))
    out: list[ParsedSentence] = []
    docs = nlp.pipe((p for _, _, p in paras), batch_size=64)
    for (number, offset, ptext), pdoc in zip(paras, docs):
        for a, b in split_paragraph(ptext, pdoc):
            span = pdoc.char_span(a, b, alignment_mode="expand")
            sent = Sentence(doc=doc_name, n=len(out) + 1, text=ptext[a:b],
                            start=offset + a, end=offset + b, paragraph=number)
            out.append(ParsedSentence(sent, span))
    return out


def split_sentences(doc_name: str, text: str, nlp) -> list[Sentence]:
    """Split an article into Sentences (see parse_sentences)."""
    return [p.sentence for p in parse_sentences(doc_name, text, nlp)]
