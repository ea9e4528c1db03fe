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
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=("table", "json", "csv", "markdown"), default="table",
                     help="output format (default: a table)")
    fmt.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    s = sub.add_parser("quotes", parents=[common, fmt], help="the attribution table: who said what",
                       description="List attributed sentences. Example: whosaid quotes --speaker Song --format csv")
    s.add_argument("--speaker", metavar="NAME", help="any spelling or alias of a speaker")
    s.add_argument("--doc", metavar="NAME")
    s = sub.add_parser("speakers", parents=[common, fmt], help="canonical speakers with aliases and counts",
                       description="List speakers. Example: whosaid speakers --format markdown")
    s.add_argument("--all", action="store_true", help="also people the articles name but never quote")
    s = sub.add_parser("completion", help="print a shell completion script",
                       description="Print a completion script. Example: whosaid completion bash > ~/.whosaid-complete.bash")
    s.add_argument("shell", choices=("bash", "zsh", "tcsh"))
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
    if not sys.stderr.isatty() or len(articles) < 2:
        bot.index_articles(articles, progress=_report)
        return 0
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # The bar goes to stderr; what was added still goes to stdout, one line per document.
    with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TextColumn("articles"),
                  TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("index", total=len(articles))

        def step(report) -> None:
            bar.advance(task)
            if sys.stdout.isatty():
                bar.console.print(_report_line(report), highlight=False)
            else:
                _report(report)

        bot.index_articles(articles, progress=step)
    return 0


def _report_line(r) -> str:
    if r.status == "duplicate":
        return f"{r.doc}: same content as '{r.duplicate_of}', not stored again"
    if r.status == "unchanged":
        return f"{r.doc}: unchanged ({r.sentences} sentences already indexed)"
    return f"{r.doc}: {r.status} {r.sentences} sentences, {r.attributed} attributed ({r.seconds:.1f} s)"


def _report(r) -> None:
    print(_report_line(r), flush=True)


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
    from .render import QUOTE_FIELDS, console, export, quotes_table

    rows = _assistant(args).quotes(speaker=args.speaker, doc=args.doc)
    if args.format == "table":
        console().print(quotes_table(rows) if rows else "No attributed sentences.")
    else:
        fields = ("id", "doc", "sentence", *QUOTE_FIELDS[1:], "description", "coref")
        print(export([r.to_quote_dict() for r in rows], fields, args.format))
    return 0


def _cmd_speakers(args) -> int:
    from .render import SPEAKER_FIELDS, console, export, speakers_table

    rows = [s for s in _assistant(args).speakers() if s.statements or args.all]
    if args.format == "table":
        console().print(speakers_table(rows) if rows else "No speakers.")
    else:
        print(export([r.to_dict() for r in rows], SPEAKER_FIELDS + ("variants", "is_person"), args.format))
    return 0


def _cmd_completion(args) -> int:
    import shtab

    print(shtab.complete(_parser(), shell=args.shell))
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
            "docs": _cmd_docs, "remove": _cmd_remove, "chat": _cmd_chat, "completion": _cmd_completion}


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
