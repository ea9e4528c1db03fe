"""The interactive chat: a question in, the answer (streamed when a model writes it) and its cited
sentences out. Follow-ups about "he" / "elle" go to the previous turn's speaker."""
from __future__ import annotations

import shutil
import sys
from typing import TextIO

from index.errors import WhosaidError

from .render import answer_text, quotes_text, speakers_text
from .types import Answer

HELP = """Ask a question about the indexed articles, e.g. "Who said Russia was helping China?".
Follow-ups work: "And what did he say about Taiwan?".
Commands: /quotes [speaker]  /speakers  /docs  /help  exit (or Ctrl-D) to leave."""


def run_chat(bot, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the REPL until exit or end of input; returns the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    docs = bot.documents()
    conversation = bot.conversation()
    print(f"whosaid — {len(docs)} article(s): {', '.join(d.name for d in docs) or 'none'}; "
          f"answerer: {bot.answerer}. Type /help for help, exit to leave.", file=stdout)
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
            if line.startswith("/"):
                print(_command(bot, line), file=stdout, flush=True)
            else:
                _answer(conversation, line, stdout)
        except WhosaidError as exc:
            print(f"whosaid: {exc}", file=stdout, flush=True)
        except KeyboardInterrupt:
            print("\n(cancelled)", file=stdout, flush=True)


def _answer(conversation, question: str, stdout: TextIO) -> None:
    """Stream the model's tokens, then replace them with the verified answer on a terminal."""
    streamed = ""
    live = stdout.isatty() and conversation.assistant.backend is not None
    for part in conversation.stream(question):
        if isinstance(part, Answer):
            if live and streamed:
                _erase(streamed, stdout)
            print(answer_text(part), file=stdout, flush=True)
        elif live:
            streamed += part
            print(part, end="", file=stdout, flush=True)


def _erase(text: str, stdout: TextIO) -> None:
    width = max(20, shutil.get_terminal_size().columns)
    rows = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
    stdout.write(f"\r\x1b[{rows - 1}A\x1b[J" if rows > 1 else "\r\x1b[J")


def _command(bot, line: str) -> str:
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
