"""The interactive chat: a question in, the answer and its cited sentences out."""
from __future__ import annotations

import sys
from typing import TextIO

from index.errors import WhosaidError

from .render import answer_text, quotes_text, speakers_text

HELP = """Ask a question about the indexed articles, e.g. "Who said Russia was helping China?".
Commands: /quotes [speaker]  /speakers  /docs  /help  exit (or Ctrl-D) to leave."""


def run_chat(bot, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the REPL until exit or end of input; returns the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    docs = bot.documents()
    print(f"whosaid — {len(docs)} article(s): {', '.join(d.name for d in docs) or 'none'}; answerer: extractive. "
          f"Type /help for help, exit to leave.", file=stdout)
    interactive = stdin.isatty()
    while True:
        if interactive:
            try:
                line = input("> ")
            except EOFError:
                print(file=stdout)
                return 0
            except KeyboardInterrupt:
                print(file=stdout)
                continue
        else:
            print("> ", end="", file=stdout, flush=True)
            line = stdin.readline()
            if not line:
                print(file=stdout)
                return 0
        line = line.strip()
        if not line:
            continue
        if line.lower() in ("exit", "quit", "/exit", "/quit"):
            return 0
        try:
            print(_handle(bot, line), file=stdout, flush=True)
        except WhosaidError as exc:
            print(f"whosaid: {exc}", file=stdout, flush=True)


def _handle(bot, line: str) -> str:
    if line.startswith("/"):
        cmd, _, arg = line.partition(" ")
        if cmd == "/help":
            return HELP
        if cmd == "/quotes":
            return quotes_text(bot.quotes(speaker=arg.strip() or None))
        if cmd == "/speakers":
            return speakers_text(bot.speakers())
        if cmd == "/docs":
            return "\n".join(f"{d.name}: {d.sentences} sentences" for d in bot.documents()) or "No documents."
        return f"unknown command {cmd}; type /help."
    return answer_text(bot.ask(line))
