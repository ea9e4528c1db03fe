"""The ``whosaid`` command line: index, ask, quotes, speakers, docs, chat.

Exit codes: 0 ok, 1 a user-facing error (message on stderr), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from index.errors import WhosaidError
from index.reader import DEFAULT_GLOB


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="DIR", help="store directory (default: $WHOSAID_HOME or a per-user dir)")
    common.add_argument("--embedder", metavar="SPEC",
                        help="e5-small (default), minilm or sentence-transformers:PATH; a store keeps the one it was built with")
    common.add_argument("--chroma-url", metavar="URL",
                        help="use a Chroma server (http://HOST:PORT; or $WHOSAID_CHROMA_URL) for the vectors")
    answering = argparse.ArgumentParser(add_help=False)
    answering.add_argument("--llm", metavar="SPEC",
                           help="none, auto (default, or $WHOSAID_LLM), llama-cpp:PATH.gguf, ollama:MODEL, openai:MODEL")
    p = argparse.ArgumentParser(prog="whosaid", description="Ask who said what in news articles; answers cite sentences.")
    p.add_argument("--version", action="version", version=f"whosaid {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    s = sub.add_parser("index", parents=[common], help="index article files or folders (idempotent)",
                       description="Index articles (.txt, .md, .html; folders recursively; - for stdin). "
                                   "Example: whosaid index data/ --glob '*.html'")
    s.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - to read one article on stdin")
    s.add_argument("--glob", default=DEFAULT_GLOB, help=f"file patterns inside folders (default: {DEFAULT_GLOB})")
    s.add_argument("--name", help="document name for an article read on stdin (default: stdin)")
    s = sub.add_parser("ask", parents=[common, answering], help="answer one question, or '-' for one per stdin line",
                       description="Answer a question. Example: whosaid ask 'Who said Russia was helping China?'")
    s.add_argument("question", nargs="+", help="the question, or - to read one question per line on stdin (JSON lines out)")
    s.add_argument("--json", action="store_true", help="print the answer as JSON")
    s = sub.add_parser("quotes", parents=[common], help="the attribution table",
                       description="List attributed sentences. Example: whosaid quotes --speaker Song")
    s.add_argument("--speaker", metavar="NAME")
    s.add_argument("--doc", metavar="NAME")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("speakers", parents=[common], help="canonical speakers with aliases and counts",
                       description="List speakers. Example: whosaid speakers --json")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("docs", parents=[common], help="indexed documents",
                       description="List documents. Example: whosaid docs --json")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("remove", parents=[common], help="remove a document",
                       description="Remove a document and its sentences. Example: whosaid remove my_article")
    s.add_argument("doc", metavar="DOC")
    sub.add_parser("chat", parents=[common, answering], help="interactive chat",
                   description="Chat. Example: whosaid chat --llm none")
    return p


def _assistant(args, create: bool = False):
    from .assistant import Assistant

    # Only ask and chat answer questions; the other commands never need a model.
    llm = (args.llm or "auto") if hasattr(args, "llm") else "none"
    return Assistant.open(store=args.store, embedder=args.embedder, create=create, llm=llm,
                          chroma_url=args.chroma_url)


def _cmd_index(args) -> int:
    from index.reader import expand_paths, read_article, read_stdin

    bot = _assistant(args, create=True)
    # Everything is read and checked before the first write: one bad input stores nothing.
    articles = [read_stdin(sys.stdin.buffer.read(), args.name or "stdin")] if "-" in args.paths else []
    files = [p for p in args.paths if p != "-"]
    if files:
        articles += [read_article(p) for p in expand_paths(files, args.glob)]
    bot.index_articles(articles, progress=_report)
    return 0


def _report(r) -> None:
    if r.status == "duplicate":
        print(f"{r.doc}: same content as '{r.duplicate_of}', not stored again", flush=True)
    elif r.status == "unchanged":
        print(f"{r.doc}: unchanged ({r.sentences} sentences already indexed)", flush=True)
    else:
        print(f"{r.doc}: {r.status} {r.sentences} sentences, {r.attributed} attributed ({r.seconds:.1f} s)", flush=True)


def _cmd_ask(args) -> int:
    from .render import answer_json, answer_text

    bot = _assistant(args)
    if args.question == ["-"]:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                print(answer_json(bot.ask(line.strip())), flush=True)
            except WhosaidError as exc:
                print(json.dumps({"question": line.strip(), "error": str(exc)}, ensure_ascii=False), flush=True)
        return 0
    answer = bot.ask(" ".join(args.question))
    print(answer_json(answer) if args.json else answer_text(answer))
    return 0


def _cmd_quotes(args) -> int:
    from .render import quotes_text

    rows = _assistant(args).quotes(speaker=args.speaker, doc=args.doc)
    if args.json:
        print(json.dumps([r.to_quote_dict() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(quotes_text(rows))
    return 0


def _cmd_speakers(args) -> int:
    from .render import speakers_text

    rows = _assistant(args).speakers()
    print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=1) if args.json else speakers_text(rows))
    return 0


def _cmd_docs(args) -> int:
    from dataclasses import asdict

    rows = _assistant(args).documents()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1))
    else:
        for r in rows:
            title = f" — {r.title}" if r.title else ""
            print(f"{r.name}{title}: {r.sentences} sentences, {r.language}, sha256 {r.sha256[:12]}, "
                  f"indexed {r.indexed_at} ({r.source})")
        if not rows:
            print("No documents.")
    return 0


def _cmd_remove(args) -> int:
    if not _assistant(args).remove(args.doc):
        raise WhosaidError(f"no document named '{args.doc}'; see `whosaid docs`.")
    print(f"{args.doc}: removed")
    return 0


def _cmd_chat(args) -> int:
    from .repl import run_chat

    return run_chat(_assistant(args))


COMMANDS = {"index": _cmd_index, "ask": _cmd_ask, "quotes": _cmd_quotes, "speakers": _cmd_speakers,
            "docs": _cmd_docs, "remove": _cmd_remove, "chat": _cmd_chat}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    from index.nlp import set_offline_env

    set_offline_env()
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except WhosaidError as exc:
        print(f"whosaid: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("whosaid: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
