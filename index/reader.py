"""Read article files into clean text with paragraph breaks.

Accepts .txt / .md (UTF-8, UTF-8 with BOM, Latin-1, Windows-1252 and other encodings detected by
charset-normalizer) and saved web pages (.html / .htm: the article's main text only, extracted by
trafilatura, with title and date kept). Refuses, with a reason, what is not an article.
"""
from __future__ import annotations

import fnmatch
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import InputError

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
DEFAULT_GLOB = "*.txt,*.md,*.markdown,*.html,*.htm"
# A news article is tens of kilobytes; 20 MB is a dump, not an article. Refused rather than
# streamed: one document must be parsed and stored as a unit for indexing to stay atomic.
MAX_BYTES = 20 * 1024 * 1024
WESTERN_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")


@dataclass(frozen=True)
class Article:
    """A document ready to split: its name, clean text, content hash and page metadata."""

    name: str
    text: str
    source: str
    sha256: str
    title: str | None = None
    date: str | None = None


def clean_text(raw: str) -> str:
    """Normalise Unicode, line endings and blank runs; keep one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\ufeff", "").replace("\u00a0", " ").replace("\u202f", " ").replace("\u2028", "\n")
    # Control characters other than newline and tab carry no meaning in an article.
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs", "Co"))
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


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or many control bytes, in the first 8 KB: not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and control / len(head) > 0.05


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM) first; otherwise the encoding charset-normalizer finds."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise InputError(f"{source}: cannot tell the text encoding; save it as UTF-8 and retry.")
    best = matches[0]
    # On short texts the detector often cannot tell Windows-1252 from its Central-European
    # neighbours; for French and English news the Western encodings win any near-tie.
    western = [m for m in matches if m.encoding in WESTERN_ENCODINGS and m.chaos <= best.chaos + 0.1]
    return str(western[0] if western else best)


def html_to_article_text(html: str, source: str) -> tuple[str, str | None, str | None]:
    """(main text, title, date) of a saved web page, without menus, comments or share buttons."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    # A page of menus yields a few stray words ("Home | World"): an article has at least one real sentence.
    if not text or not any(len(line.split()) >= 4 for line in text.splitlines()):
        raise InputError(f"{source}: no article text found in this web page.")
    meta = trafilatura.extract_metadata(html)
    return text, (meta.title if meta else None), (meta.date if meta else None)


def article_from_text(name: str, raw: str, source: str = "<text>", title: str | None = None,
                      date: str | None = None) -> Article:
    """Build an Article from text already in memory."""
    text = clean_text(raw)
    if not text.strip():
        raise InputError(f"{source}: the file is empty; nothing to index.")
    if not any(c.isalpha() for c in text):
        raise InputError(f"{source}: no words in this file; nothing to index.")
    return Article(name=name, text=text, source=source, title=title, date=date,
                   sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def article_from_bytes(name: str, data: bytes, source: str, kind: str) -> Article:
    """Decode and clean bytes of a given kind ('text', 'markdown' or 'html')."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{source}: {len(data) / 1e6:.0f} MB is too large for an article "
                         f"(limit {MAX_BYTES // (1024 * 1024)} MB); split it into articles.")
    if not data.strip():
        raise InputError(f"{source}: the file is empty; nothing to index.")
    if looks_binary(data):
        raise InputError(f"{source}: looks like a binary file, not text.")
    raw = decode(data, source)
    title = date = None
    if kind == "html":
        raw, title, date = html_to_article_text(raw, source)
    elif kind == "markdown":
        raw = _markdown_to_text(raw)
    return article_from_text(name, raw, source=source, title=title, date=date)


def _kind(suffix: str, data: bytes = b"") -> str:
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if not suffix and data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def read_article(path: str | Path) -> Article:
    """Read one article file; raise InputError with a clear reason."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file.")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; pass the article files inside it.")
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(f"{p}: unsupported file type '{p.suffix or '(none)'}'; "
                         f"whosaid reads {', '.join(SUPPORTED_SUFFIXES)} files.")
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError(f"{p}: {p.stat().st_size / 1e6:.0f} MB is too large for an article "
                             f"(limit {MAX_BYTES // (1024 * 1024)} MB); split it into articles.")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read the file ({exc.strerror or exc}).") from None
    return article_from_bytes(doc_name_for(p), data, str(p), _kind(p.suffix.lower()))


def read_stdin(data: bytes, name: str = "stdin") -> Article:
    """An article piped on standard input (HTML is recognised by its first tag)."""
    return article_from_bytes(name, data, "<stdin>", _kind("", data))


def expand_paths(paths: Iterable[str | Path], glob: str = DEFAULT_GLOB) -> list[Path]:
    """Files named, plus the files under directories (recursively) that match the glob patterns."""
    patterns = [g.strip() for g in glob.split(",") if g.strip()]
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and any(fnmatch.fnmatch(f.name, g) for g in patterns))
            if not found:
                raise InputError(f"{p}: no files matching {glob} in this directory.")
            out.extend(found)
        else:
            out.append(p)
    return list(dict.fromkeys(out))
