"""The console chat: the same commands and questions as Slack and Teams, typed at a prompt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TextIO

from digestbot.commands import HELP_TEXT, Verb, parse_command
from digestbot.core import Digestbot
from digestbot.domain import Issue
from digestbot.errors import DigestbotError
from digestbot.render.plain import answer_text, issue_overview
from digestbot.settings import Settings
from digestbot.store import Destination

log = logging.getLogger(__name__)

PROMPT = "digest> "
QUIT_WORDS = {"quit", "exit", ":q", "/quit", "/exit"}
SUBSCRIPTION_NOTE = "In the console, scheduled posts always print here; subscriptions are for chat channels."


def samples_dir() -> Path:
    """The bundled fictional sample archive shipped inside the package."""
    return Path(str(resources.files("digestbot") / "samples"))


class ConsoleChat:
    """Reads lines, answers them through the core, writes replies. Streams are injected for tests."""

    def __init__(self, core: Digestbot, stdin: TextIO, stdout: TextIO, *, interactive: bool = True) -> None:
        self.core = core
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive

    def run(self) -> None:
        """The prompt loop, until EOF or a quit word."""
        self._say(f"digestbot console — {len(self.core.issues())} issues in the archive. Type /digest help.")
        while True:
            if self.interactive:
                self.stdout.write(PROMPT)
                self.stdout.flush()
            line = self.stdin.readline()
            if not line or line.strip().lower() in QUIT_WORDS:
                return
            if line.strip():
                self._say(self.reply(line))

    def reply(self, line: str) -> str:
        """The reply to one line: ``/digest …`` or a bare question."""
        text = line.strip()
        if text.lower().startswith("/digest"):
            text = text[len("/digest") :]
        command = parse_command(text)
        try:
            return self._handlers()[command.verb](command.question)
        except DigestbotError as exc:
            return f"Sorry: {exc}"

    def _handlers(self) -> dict[Verb, Callable[[str], str]]:
        return {
            Verb.HELP: lambda _: HELP_TEXT,
            Verb.LATEST: lambda _: self._latest(),
            Verb.SUBSCRIBE: lambda _: SUBSCRIPTION_NOTE,
            Verb.UNSUBSCRIBE: lambda _: SUBSCRIPTION_NOTE,
            Verb.STATUS: lambda _: SUBSCRIPTION_NOTE,
            Verb.ASK: lambda question: answer_text(self.core.ask(question)),
        }

    def _latest(self) -> str:
        issue = self.core.latest()
        return "The archive is empty." if issue is None else issue_overview(issue)

    def post(self, text: str) -> None:
        """Print a scheduled post (the console is the delivery destination when no chat is configured)."""
        self._say(text)

    def _say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


class ConsolePublisher:
    """Weekly delivery to the console: scheduled posts print at the prompt."""

    platform = "console"

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    def find_post(self, dest: Destination, issue: Issue) -> str | None:
        """A console keeps no history to look in."""
        return None

    def post_issue(self, dest: Destination, issue: Issue) -> str:
        """Print the issue's overview."""
        self.chat.post(f"\nNew issue: {issue_overview(issue)}\n(ask me about it, or type /digest latest)")
        return issue.date.isoformat()


def run_console(core: Digestbot, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    """The console chat with the weekly schedule running beside it (its posts print here)."""
    from digestbot.scheduler import build_scheduler

    chat = ConsoleChat(core, stdin, stdout, interactive=stdin.isatty())
    if core.deliverer is not None:
        core.deliverer.attach(ConsolePublisher(chat), [Destination("console", "console")])
    load_samples_if_empty(core)
    core.engine.ensure_index()
    scheduler = build_scheduler(core, settings)
    scheduler.start()
    try:
        chat.run()
    finally:
        scheduler.shutdown(wait=False)


def load_samples_if_empty(core: Digestbot) -> bool:
    """Fill an empty archive with the bundled samples, so a new user gets answers at once."""
    if core.issues():
        return False
    log.info("the archive is empty: loading the bundled sample digests from %s", samples_dir())
    report = core.ingest([str(samples_dir())])
    for failure in report.failed:
        log.warning("sample not loaded: %s", failure.error)
    return True
