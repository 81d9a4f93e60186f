"""The console chat: the same commands and questions as Slack and Teams, typed at a prompt.

Each line becomes a ``Message`` for the conversation core; its outcome is printed as text. ``more N``
shows item N of the last answer in full (the console's "Details" button), ``more`` alone the next page of
the last timeline; a line starting with ``>`` is a reply in the last answer's thread (a follow-up, about
that answer's issue first). Scheduled posts print here while the console is subscribed (it is on the first
run; ``unsubscribe`` stops them), and so do the notices of the console user's watches.
"""

from __future__ import annotations

import itertools
import logging
import re
import uuid
from importlib import resources
from pathlib import Path
from typing import TextIO

from digestbot.conversation import Answered, Conversations, Latest, Message, Outcome, Timeline
from digestbot.core import Digestbot
from digestbot.delivery.delivery import Post
from digestbot.delivery.watching import Notice
from digestbot.domain import Destination
from digestbot.render.plain import issue_overview, outcome_text, watch_notice_text
from digestbot.render.timeline import next_page
from digestbot.render.words import plural
from digestbot.settings import Settings

log = logging.getLogger(__name__)

SURFACE = "console"
PLACE = Destination(SURFACE, "console")
PROMPT = "digest> "
QUIT_WORDS = {"quit", "exit", ":q", "/quit", "/exit"}
_MORE = re.compile(r"^more\s+(\d{1,3})$", re.IGNORECASE)


def console_log_file(settings: Settings) -> Path:
    """Where a console chat writes its log lines: ``console.log`` in the data directory (or ``data/``)."""
    return (settings.data_dir if settings.data_dir is not None else Path("data")) / "console.log"


def samples_dir() -> Path:
    """The bundled fictional sample archive shipped inside the package."""
    return Path(str(resources.files("digestbot") / "samples"))


class ConsoleChat:
    """Reads lines, answers them through the conversation core, writes replies. Streams are injected."""

    def __init__(
        self, conversations: Conversations, stdin: TextIO, stdout: TextIO, *, interactive: bool = True,
        greeting: str = "digestbot console. Type /digest help.",
    ) -> None:  # fmt: skip
        self.conversations = conversations
        self.stdin, self.stdout = stdin, stdout
        self.interactive = interactive
        self.greeting = greeting
        self._last: Outcome | None = None
        self._session = uuid.uuid4().hex[:8]  # thread ids unique across console runs
        self._replies = itertools.count(1)
        self._thread: str | None = None  # the thread of the last answer

    def run(self) -> None:
        """The prompt loop, until EOF or a quit word."""
        self._say(self.greeting)
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
        """The reply to one line: ``/digest …``, a bare question, or ``more N``."""
        text = line.strip()
        if text.lower().startswith("/digest"):
            text = text[len("/digest") :]
        more = _MORE.match(text.strip())
        if more is not None:
            return self._more(int(more.group(1)))
        if text.strip().lower() == "more":
            text = (next_page(self._last) if isinstance(self._last, Timeline) else None) or ""
            if not text:
                return "“more” shows the next page of a timeline: ask for one first (timeline ransomware)."
        follow_up = text.lstrip().startswith(">")
        thread = self._thread if follow_up else None
        reply_thread = thread or f"console-{self._session}-{next(self._replies)}"
        message = Message(
            SURFACE,
            PLACE,
            "console",
            text.lstrip().removeprefix(">"),
            thread=thread,
            reply_thread=reply_thread,
            direct=True,
        )
        outcome = self.conversations.handle(message)
        self._last = outcome
        if isinstance(outcome, Answered | Latest):
            self._thread = reply_thread
        return outcome_text(outcome)

    def _more(self, number: int) -> str:
        last = self._last
        if not isinstance(last, Answered) or not last.answer.found:
            return "Ask a question first; then “more 1” shows its first item in full."
        items = last.answer.items
        if not 1 <= number <= len(items):
            return f"The last answer has {plural(len(items), 'item')}: more 1 to more {len(items)}."
        return outcome_text(self.conversations.details([items[number - 1].hit.item_id]))

    def post(self, text: str) -> None:
        """Print a scheduled post."""
        self._say(text)

    def _say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


class ConsolePublisher:
    """Weekly delivery to the console: scheduled posts print at the prompt."""

    platform = SURFACE
    can_look = False  # nothing printed can be looked up again

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    def find(self, post: Post) -> str | None:
        """A console keeps no history to look in."""
        return None

    def send(self, post: Post) -> str:
        """Print the issue's overview."""
        issue = post.issue
        self.chat.post(f"\nNew issue: {issue_overview(issue)}\n(ask me about it, or type /digest latest)")
        return issue.date.isoformat()


class ConsoleMessenger:
    """Watch notices for the console user: printed at the prompt."""

    platform = SURFACE
    can_look = False  # nothing printed can be looked up again

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    def find(self, notice: Notice) -> str | None:
        """A console keeps no history to look in."""
        return None

    def send(self, notice: Notice) -> str:
        """Print the notice."""
        self.chat.post(f"\n{watch_notice_text(notice)}")
        return notice.key


def run_console(
    core: Digestbot, conversations: Conversations, settings: Settings, stdin: TextIO, stdout: TextIO,
    *, log_file: Path | None = None,
) -> None:  # fmt: skip
    """The console chat with the weekly schedule running beside it (its posts print here); the greeting
    names ``log_file``, where the log lines went instead of the screen."""
    from digestbot.edge.scheduler import build_scheduler

    if load_samples_if_empty(core):
        conversations.installed(PLACE)  # a first run: show scheduled posts here until unsubscribed
    logs = f" Log: {log_file}." if log_file is not None else ""
    greeting = f"digestbot console — {len(core.issues())} issues in the archive.{logs} Type /digest help."
    chat = ConsoleChat(conversations, stdin, stdout, interactive=stdin.isatty(), greeting=greeting)
    core.attach_publisher(ConsolePublisher(chat))
    core.attach_messenger(ConsoleMessenger(chat))
    core.warm_up()
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
