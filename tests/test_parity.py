"""Parity: one conversation script through the console, Slack and Teams, and what each surface did.

Slack runs as the real ASGI app under uvicorn, driven by signed requests, replying through the local Slack
emulator; Teams runs the real routes with JWT-checked activities, replying through the fake Bot Connector;
the console reads typed lines. Each surface's replies are reduced to the same summary — silence, or the
kind of reply and every citation it carries — and the three transcripts must be equal. A new issue
arriving is a step too: what each surface's messenger then sends the watching user (a Slack DM, a
Teams 1:1 card, a line at the console) is that step's reply.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from digestbot.app import build_conversations
from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.domain import Issue, Item, Section
from digestbot.edge.asgi import ServerThread
from digestbot.edge.console import ConsoleChat, ConsoleMessenger
from digestbot.edge.server import build_asgi_app
from digestbot.slack.messenger import SlackMessenger
from digestbot.slack.publisher import build_web_client
from digestbot.teams import TeamsMessenger, build_teams_publisher
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.fakes import FailingLibrary, fake_core, fake_settings
from tests.slack.support import BOT_TOKEN, DM, ISSUES, SIGNING_SECRET, SlackDriver, mention, message
from tests.teams import activities as act
from tests.teams.cards import texts
from tests.teams.connector import Connector, serve_connector
from tests.teams.identity import APP_ID, TENANT_ID, Identity, cloud_for, fixed_token
from tests.teams.support import teams_asgi

# The Teams SDK warns about its own deprecated BotClient each time it builds an API client; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")

SURFACES = ("console", "slack", "teams")
CITATION = re.compile(r"Weekly Security Digest, (\d{1,2} \w{3} \d{4}) · ([A-Z][\w /–-]*\w)")
ISSUE_HEADING = re.compile(r"Weekly Security Digest, (\d{1,2} \w{3} \d{4})(?! ·)")
TIMELINE = re.compile(r"^\w[^\n]*: \d+ items?, \d{1,2} \w{3} \d{4}", re.MULTILINE)
KINDS = (
    ("New in the", "watch notice"),
    ("Watching “", "watching"),
    ("No longer watching", "unwatched"),
    ("You watch nothing yet", "watches: none"),
    ("You watch 1 topic", "watches: 1"),
    ("something went wrong", "failed"),
    ("archive is empty", "empty archive"),
    ("Ask me about any issue", "help"),
    ("You're welcome", "thanked"),
    ("Unsubscribed:", "unsubscribed"),
    ("Subscribed:", "subscribed"),
    ("is subscribed", "status: subscribed"),
    ("is not subscribed", "status: not subscribed"),
    ("I found nothing", "nothing found"),
)


@dataclass(frozen=True)
class Step:
    """One line of the script: what is typed, as a follow-up in the last answer's thread or not, and
    how many times the chat platform delivers it (a redelivery must not be answered twice)."""

    text: str
    follow_up: bool = False
    deliveries: int = 1
    direct: bool = False  # written in a 1:1 chat with the bot (a Slack DM, a Teams personal chat)
    new_issue: bool = False  # not typed: a new issue arrives and watch notices go out


NEW_ISSUE = Issue(
    date=dt.date(2024, 7, 16),
    title="Weekly Security Digest",
    sections=(
        Section(
            "Cyber / Defense Technology",
            (Item("Ransomware crew Glasswing extorted a Veloria shipping firm."),),
        ),
        Section("Atmosphere of Protest", (Item("Dockworkers in the port of Tirel walked out over shifts."),)),
    ),
)


SCRIPT = (
    Step("help"),
    Step("latest"),
    Step("french elections"),
    Step("and ransomware?", follow_up=True),
    Step("subscribe"),
    Step("status"),
    Step("unsubscribe"),
    Step("status"),
    Step("ceasefire talks", deliveries=2),
    Step("timeline ransomware"),
    Step("timeline ransomware page 2"),
    Step("watch ransomware", direct=True),
    Step("watches"),
    Step("", new_issue=True),
    Step("", new_issue=True),  # the next run (or another replica) sends nothing more
    Step("unwatch ransomware"),
    Step("watches"),
    Step("thanks!"),
    Step("Hi there"),
)
EMPTY_SCRIPT = (
    Step("latest"),
    Step("ransomware"),
    Step("timeline ransomware"),
    Step("watches"),
    Step("help"),
)
FAILING_SCRIPT = (Step("ransomware"), Step("latest"), Step("timeline ransomware"), Step("help"))


class Surface(Protocol):
    """Plays one step on a surface and returns the text of every reply it made (none: silence)."""

    def say(self, step: Step) -> list[str]: ...


def summary(replies: list[str]) -> tuple[str, ...]:
    """What a surface did, in terms every surface shares: the kind of reply and its citations."""
    if not replies:
        return ("silent",)
    text = html.unescape("\n".join(replies)).replace("\\", "")
    cited = sorted({f"{day} · {section}" for day, section in CITATION.findall(text)})
    kind = next((name for marker, name in KINDS if marker in text), None)
    if kind is None and TIMELINE.search(text):
        return (f"{len(replies)} reply", "timeline", *timeline_entries(text), *cited)
    if kind is None and "Acme Corp’s Weekly Security Digest" in text:
        return (f"{len(replies)} reply", "latest issue")  # an overview here, the whole issue there
    return (f"{len(replies)} reply", kind or "answer", *cited)


def timeline_entries(text: str) -> list[str]:
    """A timeline's issue headings ("2 Jul 2024") and the sections its entries name under them (a full
    citation under an issue's heading would be a repetition: ``summary`` lists it apart)."""
    headings = sorted(set(ISSUE_HEADING.findall(text)))
    named = {section.name for issue in (*ISSUES, NEW_ISSUE) for section in issue.sections}
    return [*headings, *sorted(name for name in named if re.search(rf"(?<!· ){re.escape(name)}", text))]


def transcript(surface: Surface, script: tuple[Step, ...]) -> list[tuple[str, ...]]:
    return [summary(surface.say(step)) for step in script]


# -- the console ----------------------------------------------------------------------------------------


class ConsoleSurface:
    """Typed lines; a follow-up is typed after ``>``. A line is read once (there is no redelivery). Watch
    notices print at the prompt."""

    def __init__(self, core: Digestbot, conversations: Conversations) -> None:
        self.core, self.printed = core, io.StringIO()
        self.chat = ConsoleChat(conversations, io.StringIO(), self.printed, interactive=False)
        core.attach_messenger(ConsoleMessenger(self.chat))

    def say(self, step: Step) -> list[str]:
        if step.new_issue:
            before = self.printed.tell()
            arrive(self.core)
            return [text] if (text := self.printed.getvalue()[before:].strip()) else []
        return [self.chat.reply(f"> {step.text}" if step.follow_up else step.text)]


def arrive(core: Digestbot) -> None:
    """A new issue arrives and the watch notices go out (what the scheduler does after an ingest)."""
    core.archive.save_issue(NEW_ISSUE, source="2024-07-16.txt")
    core.notify_watches()


# -- Slack ----------------------------------------------------------------------------------------------


class SlackSurface:
    """Commands as ``/digest`` (private replies through the response URL); questions as @mentions in a
    channel, a follow-up as a reply in the answer's thread; replies read back from the emulator."""

    COMMANDS = frozenset(
        {"help", "latest", "subscribe", "unsubscribe", "status", "timeline", "watch", "unwatch"}
    )
    COMMANDS |= {"watches"}

    def __init__(self, driver: SlackDriver, emulator: SlackEmulator, core: Digestbot) -> None:
        self.driver, self.emulator, self.core = driver, emulator, core
        self.ts = (f"17000{n:05d}.000100" for n in itertools.count(1))
        self.thread: str | None = None

    def say(self, step: Step) -> list[str]:
        before = self._replies()
        if step.new_issue:
            arrive(self.core)  # the DMs are sent before this returns
        elif step.text.split(" ", 1)[0] in self.COMMANDS and not step.direct:
            expected = len(self.emulator.calls_to(RESPONSE_URL)) + 1
            self.driver.command(step.text)
            self.emulator.wait_for(RESPONSE_URL, expected)
        else:
            self._event(step)
        return [_slack_text(call) for call in self._replies()[len(before) :]]

    def _event(self, step: Step) -> None:
        ts = next(self.ts)
        if step.direct:
            event = message(step.text, ts, channel=DM)
        elif step.follow_up and self.thread is not None:
            event = message(step.text, ts, thread_ts=self.thread)
        else:
            event, self.thread = mention(f"<@UBOTEMU01> {step.text}", ts), ts
        posts = len(self.emulator.calls_to("chat.postMessage"))
        for retry in range(step.deliveries):
            self.driver.event(event, f"Ev{ts}", retry=retry)
        self.emulator.wait_for("chat.postMessage", posts + 1)
        # A redelivery would have been answered by now: a control DM, answered after it, proves it was not.
        posts = len(self.emulator.calls_to("chat.postMessage"))
        self.driver.event(message("status of nothing", next(self.ts), channel="D0CONTROL"), f"EvControl{ts}")
        self.emulator.wait_for("chat.postMessage", posts + 1)

    def _replies(self) -> list[Any]:
        replies = (RESPONSE_URL, "chat.postMessage")
        calls = [call for call in list(self.emulator.calls) if call.method in replies]
        return [call for call in calls if call.body.get("channel") != "D0CONTROL"]


def _slack_text(call: Any) -> str:
    return "\n".join([call.body.get("text", ""), *_strings(call.body.get("blocks", []))])


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in _strings(item) if key != "value"]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


# -- Teams ----------------------------------------------------------------------------------------------


class TeamsSurface:
    """Every step as an @mention in a channel (JWT-signed), a follow-up in the answer's channel thread;
    replies read back from the fake connector."""

    def __init__(self, client: TestClient, connector: Connector, identity: Identity, core: Digestbot) -> None:
        self.client, self.connector, self.identity, self.core = client, connector, identity, core
        self.roots = (f"17{n:011d}" for n in itertools.count(1))
        self.thread: str | None = None

    def say(self, step: Step) -> list[str]:
        before = len(self.connector.posts)
        if step.new_issue:
            arrive(self.core)
            return ["\n".join(texts(post.card)) for post in self.connector.posts[before:]]
        root = self.thread if step.follow_up and self.thread is not None else next(self.roots)
        where = act.personal() if step.direct else act.channel(thread=root)
        activity = act.message(self.connector.base_url, where, step.text, mention=not step.direct)
        token = {"Authorization": f"Bearer {self.identity.token(self.connector.base_url)}"}
        for _ in range(step.deliveries):
            assert self.client.post("/api/messages", json=activity, headers=token).status_code == 200
        if not step.follow_up:
            self.thread = root
        return ["\n".join(texts(post.card)) for post in self.connector.posts[before:]]


# -- running the surfaces -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def identity() -> Identity:
    return Identity()


@contextmanager
def slack_surface(core: Digestbot, conversations: Conversations, tmp_path: Path) -> Iterator[Surface]:
    with SlackEmulator() as emulator:
        settings = fake_settings(
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=emulator.api_url,
            data_dir=tmp_path,
        )
        core.attach_messenger(SlackMessenger(build_web_client(settings)))
        with ServerThread(build_asgi_app(settings, conversations)) as server:
            driver = SlackDriver(server.url, emulator)
            try:
                yield SlackSurface(driver, emulator, core)
            finally:
                driver.close()


@contextmanager
def teams_surface(
    core: Digestbot, conversations: Conversations, tmp_path: Path, identity: Identity
) -> Iterator[Surface]:
    settings = fake_settings(data_dir=tmp_path, teams_client_id=APP_ID, teams_tenant_id=TENANT_ID)
    with serve_connector(identity) as connector:
        cloud, token = cloud_for(connector.base_url), fixed_token(identity)
        core.attach_messenger(TeamsMessenger(build_teams_publisher(settings, cloud=cloud, token=token)))
        app = teams_asgi(settings, conversations, cloud=cloud, token=token)
        with TestClient(app, client=("203.0.113.7", 443)) as client:
            yield TeamsSurface(client, connector, identity, core)


@contextmanager
def console_surface(core: Digestbot, conversations: Conversations) -> Iterator[Surface]:
    yield ConsoleSurface(core, conversations)


Opener = Callable[[Digestbot, Conversations], AbstractContextManager[Surface]]


@pytest.fixture
def open_surface(tmp_path: Path, identity: Identity) -> Callable[[str], Opener]:
    def opener(name: str) -> Opener:
        def start(core: Digestbot, conversations: Conversations) -> AbstractContextManager[Surface]:
            if name == "slack":
                return slack_surface(core, conversations, tmp_path / "slack")
            if name == "teams":
                return teams_surface(core, conversations, tmp_path / "teams", identity)
            return console_surface(core, conversations)

        return start

    return opener


def run_script(
    open_surface: Callable[[str], Opener], tmp_path: Path, script: tuple[Step, ...], *, issues: bool = True,
    failing: bool = False,
) -> dict[str, list[tuple[str, ...]]]:  # fmt: skip
    """The script on each surface, each over a fresh core of its own."""
    done: dict[str, list[tuple[str, ...]]] = {}
    for name in SURFACES:
        core = fake_core(fake_settings(data_dir=tmp_path / f"core-{name}"), ISSUES if issues else ())
        conversations = _conversations(core, failing)
        with open_surface(name)(core, conversations) as surface:
            done[name] = transcript(surface, script)
        core.archive.db.close()
    return done


def _conversations(core: Digestbot, failing: bool) -> Conversations:
    if not failing:
        return build_conversations(core, fake_settings(timeline_page_items=1))
    return Conversations(FailingLibrary(core, RuntimeError("disk on fire")), core.chat)


def test_the_script_plays_the_same_on_every_surface(
    open_surface: Callable[[str], Opener], tmp_path: Path
) -> None:
    done = run_script(open_surface, tmp_path, SCRIPT)
    assert done["slack"] == done["console"]
    assert done["teams"] == done["console"]
    jul_2_elections, jul_2_cyber = "2 Jul 2024 · Elections", "2 Jul 2024 · Cyber / Defense Technology"
    assert done["console"] == [
        ("1 reply", "help"),
        ("1 reply", "latest issue"),
        ("1 reply", "answer", jul_2_elections),
        ("1 reply", "answer", jul_2_cyber),  # the follow-up stays in the thread's issue (2 Jul)
        ("1 reply", "subscribed"),
        ("1 reply", "status: subscribed"),
        ("1 reply", "unsubscribed"),
        ("1 reply", "status: not subscribed"),
        ("1 reply", "answer", "9 Jul 2024 · Israel – Gaza"),  # delivered twice, answered once
        ("1 reply", "timeline", "2 Jul 2024", "Cyber / Defense Technology"),  # oldest first, one a page
        ("1 reply", "timeline", "9 Jul 2024", "Cyber / Defense Technology"),  # under the issue: section only
        ("1 reply", "watching"),
        ("1 reply", "watches: 1"),
        ("1 reply", "watch notice", "16 Jul 2024 · Cyber / Defense Technology"),  # one DM, to the watcher
        ("silent",),
        ("1 reply", "unwatched"),
        ("1 reply", "watches: none"),
        ("1 reply", "thanked"),  # small talk is no question: not five unrelated items
        ("1 reply", "help"),
    ]


def test_an_empty_archive_plays_the_same_on_every_surface(
    open_surface: Callable[[str], Opener], tmp_path: Path
) -> None:
    done = run_script(open_surface, tmp_path, EMPTY_SCRIPT, issues=False)
    assert done["slack"] == done["teams"] == done["console"]
    assert done["console"] == [
        ("1 reply", "empty archive"),
        ("1 reply", "empty archive"),
        ("1 reply", "empty archive"),
        ("1 reply", "watches: none"),
        ("1 reply", "help"),
    ]


def test_a_failing_core_plays_the_same_on_every_surface(
    open_surface: Callable[[str], Opener], tmp_path: Path
) -> None:
    done = run_script(open_surface, tmp_path, FAILING_SCRIPT, failing=True)
    assert done["slack"] == done["teams"] == done["console"]
    assert done["console"] == [("1 reply", "failed")] * 3 + [("1 reply", "help")]
