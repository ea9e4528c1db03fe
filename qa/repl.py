"""The interactive chat on prompt_toolkit: history, line editing, bracketed paste, tab completion of
slash commands and speaker names; answers rendered with rich, streamed when a model writes them.
Ctrl-C cancels the current answer (not the session); Ctrl-D or `exit` leaves."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, TextIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from index.errors import WhosaidError

from .render import answer_renderable, console, quotes_table, speakers_table
from .types import Answer

COMMANDS = {
    "/help": "this help",
    "/sources": "the full sentences cited by the last answer, with their speakers",
    "/quotes": "/quotes [speaker] — attributed sentences, of one speaker if named",
    "/speakers": "speakers with their aliases and number of statements",
    "/docs": "indexed articles",
    "/add": "/add PATH — index a file or folder from the chat",
    "/model": "/model [SPEC] — show or switch the answerer (none, auto, llama-cpp:PATH, ollama:M, openai:M)",
    "/json": "the last answer as JSON",
    "/exit": "leave (also exit, Ctrl-D)",
}


def history_file() -> Path:
    from platformdirs import user_state_dir

    path = Path(user_state_dir("whosaid")) / "chat_history"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class Chat:
    """One chat session: the conversation, the last answer, and the slash commands."""

    def __init__(self, bot, out: Console) -> None:
        self.bot = bot
        self.out = out
        self.conversation = bot.conversation()
        self.last: Answer | None = None

    def banner(self) -> str:
        docs = self.bot.documents()
        names = ", ".join(d.name for d in docs[:5]) + (f" and {len(docs) - 5} more" if len(docs) > 5 else "")
        return (f"whosaid — {len(docs)} article(s): {names or 'none (use /add PATH)'}; "
                f"answerer: {self.bot.answerer}. /help for help, Ctrl-D to leave.")

    def handle(self, line: str) -> bool:
        """Handle one line; False when the user leaves."""
        line = line.strip()
        if not line:
            return True
        if line.lower() in ("exit", "quit", "/exit", "/quit"):
            return False
        try:
            if line.startswith("/"):
                self.command(line)
            else:
                self.answer(line)
        except WhosaidError as exc:
            self.out.print(f"[red]whosaid:[/red] {escape(str(exc))}")
        except KeyboardInterrupt:
            self.out.print("\n[dim](cancelled)[/dim]")
        return True

    def answer(self, question: str) -> None:
        live = self.out.is_terminal and self.bot.backend is not None
        streamed = ""
        for part in self.conversation.stream(question):
            if isinstance(part, Answer):
                if live and streamed:
                    _erase(streamed, self.out)
                self.last = part
                self.out.print(answer_renderable(part))
            elif live:
                streamed += part
                self.out.file.write(part)
                self.out.file.flush()

    def command(self, line: str) -> None:
        cmd, _, arg = line.partition(" ")
        arg = arg.strip()
        if cmd == "/help":
            for name, text in COMMANDS.items():
                self.out.print(Text.assemble((f"{name:<10}", "bold cyan"), " ", text))
            self.out.print("Ask anything else as a question; follow-ups like \"and what did he say about X?\" work.")
        elif cmd == "/sources":
            if not self.last:
                self.out.print("No sources: ask a question first.")
            elif not self.last.citations:
                self.out.print("The last answer cites no sentence.")
            for c in (self.last.citations if self.last else ()):
                line = Text.assemble((f"[{c.id}] ", "bold cyan"), (c.speaker or "—", "bold yellow"))
                if c.speaker_as_written and c.speaker_as_written != c.speaker:
                    line.append(f" (as written: {c.speaker_as_written})", style="dim")
                line.append(f"\n  « {c.text} »")
                self.out.print(line)
        elif cmd == "/quotes":
            rows = self.bot.quotes(speaker=arg or None)
            self.out.print(quotes_table(rows) if rows else "No attributed sentences.")
        elif cmd == "/speakers":
            rows = [s for s in self.bot.speakers() if s.statements]
            self.out.print(speakers_table(rows) if rows else "No speakers.")
        elif cmd == "/docs":
            for d in self.bot.documents():
                self.out.print(Text(f"{d.name}{' — ' + d.title if d.title else ''}: {d.sentences} sentences ({d.language})"))
        elif cmd == "/add":
            if not arg:
                raise WhosaidError("usage: /add PATH")
            for r in self.bot.index([arg]):
                self.out.print(Text(f"{r.doc}: {r.status} ({r.sentences} sentences)"))
        elif cmd == "/model":
            if arg:
                self.bot.set_answerer(arg)
            self.out.print(Text(f"answerer: {self.bot.answerer}"))
        elif cmd == "/json":
            self.out.print_json(json.dumps(self.last.to_dict(), ensure_ascii=False) if self.last else "{}")
        else:
            self.out.print(Text(f"unknown command {cmd}; /help lists them."))


def _erase(text: str, out: Console) -> None:
    width = max(20, out.width)
    rows = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
    out.file.write(f"\r\x1b[{rows - 1}A\x1b[J" if rows > 1 else "\r\x1b[J")


def _completer(chat: Chat):
    from prompt_toolkit.completion import Completer, Completion

    class SlashAndNames(Completer):
        def get_completions(self, document, complete_event):
            text = document.text_before_cursor
            word = document.get_word_before_cursor(WORD=True)
            if text.startswith("/") and " " not in text:
                for name in COMMANDS:
                    if name.startswith(text):
                        yield Completion(name, start_position=-len(text), display_meta=COMMANDS[name][:40])
                return
            if len(word) >= 1 and word[:1].isalpha():
                for s in chat.bot.speakers():
                    for name in (s.name, *s.aliases):
                        if name.lower().startswith(word.lower()) and name != word:
                            yield Completion(name, start_position=-len(word))
    return SlashAndNames()


def run_chat(bot, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the chat until exit; a terminal gets the full prompt, a pipe a plain line loop."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    chat = Chat(bot, console(file=stdout))
    chat.out.print(Text(chat.banner()))
    if stdin.isatty() and stdout.isatty():
        return _interactive(chat)
    return _plain(chat, stdin, stdout)


def _interactive(chat: Chat) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    session = PromptSession(history=FileHistory(str(history_file())), completer=_completer(chat),
                            complete_while_typing=False, enable_history_search=True)
    while True:
        try:
            line = session.prompt("whosaid> ")
        except KeyboardInterrupt:
            continue              # Ctrl-C at the prompt clears the line
        except EOFError:
            return 0
        if not chat.handle(line):
            return 0


def _plain(chat: Chat, stdin: TextIO, stdout: TextIO, prompt: Callable[[], None] | None = None) -> int:
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        if not chat.handle(line):
            return 0
