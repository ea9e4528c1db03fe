"""Read article files into clean text with paragraph breaks."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

SUPPORTED_SUFFIXES = (".txt", ".md", ".text", ".markdown")


@dataclass(frozen=True)
class Article:
    """A document ready to split: its name, clean text and content hash."""

    name: str
    text: str
    source: str
    sha256: str


def clean_text(raw: str) -> str:
    """Normalise Unicode, line endings and blank runs; keep one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\ufeff", "").replace("\u00a0", " ").replace("\u202f", " ")
    # Control characters other than newline and tab carry no meaning in an article.
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if "" not in lines:
        # No blank lines at all: one line is one paragraph (the usual shape of pasted news).
        return "\n\n".join(line for line in lines if line)
    # Blank lines separate paragraphs; single line breaks inside a block are soft wraps.
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(p for p in paragraphs if p)


def _markdown_to_text(text: str) -> str:
    """Strip the Markdown markup that would otherwise end up inside sentences."""
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"^\s{0,3}[-*+>]\s+", "", text, flags=re.M)
    return text


def doc_name_for(path: Path) -> str:
    """The document name used in ids: the file name without its last suffix."""
    return path.stem or path.name


def article_from_text(name: str, raw: str, source: str = "<text>") -> Article:
    """Build an Article from text already in memory."""
    text = clean_text(raw)
    if not text.strip():
        raise InputError(f"{source}: the file is empty; nothing to index.")
    return Article(name=name, text=text, source=source,
                   sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def read_article(path: str | Path) -> Article:
    """Read one .txt or .md file (UTF-8) into an Article; raise InputError with a clear reason."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file.")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; pass the article files inside it.")
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(f"{p}: unsupported file type '{p.suffix or '(none)'}'; "
                         f"whosaid reads {', '.join(SUPPORTED_SUFFIXES)} files.")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read the file ({exc.strerror or exc}).") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{p}: looks like a binary file, not text.")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not valid UTF-8 (byte {exc.start}); save it as UTF-8 and retry.") from None
    if p.suffix.lower() in (".md", ".markdown"):
        raw = _markdown_to_text(raw)
    return article_from_text(doc_name_for(p), raw, source=str(p))
