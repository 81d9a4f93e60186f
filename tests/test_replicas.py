"""Two real `digestbot serve` replicas on one PostgreSQL, with the real model and the Slack emulator.

- The weekly run (the start-up catch-up) fires on both; one is SIGKILLed in the middle of posting an issue;
  the other takes its claim over once the lease runs out, finds the post in the channel, completes its
  thread: every channel ends up with the issue exactly once, every watcher with its notice exactly once,
  every home viewer's home published at least once (the guarantee of home refreshes), showing it.
- An issue ingested by a separate `digestbot ingest` is answered by a replica within 10 s, from the vectors
  that process stored (the replica's log says it embedded nothing); both replicas see it and race to send
  its watch notices and home refreshes: each notice arrives exactly once, each home shows the issue.
- A Slack event retried to the other replica is answered once.
- Another ingested issue: the replica sending its watch notice is SIGKILLed while Slack takes it; the other,
  having found the notice held, runs again once the lease ends, finds it in the direct messages and
  sends nothing more: the watcher has it exactly once, without waiting for a restart or the next cycle.

The tests share one pair of replicas and run in file order: the first one watches the start-up delivery.
Each replica uses its own bot token, only so the emulator's log tells which replica made a call.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from digestbot.delivery.outbox import notice_key
from digestbot.parse import parse_document
from digestbot.store import Archive, Database
from digestbot.store.models import SendState
from digestbot.store.outbox import Outbox
from digestbot.testing.slack_emulator import Call, SlackEmulator
from tests.outbox_support import Audience, home_publishes, notice_keys, notice_to, seed_audience
from tests.postgres import PostgresServer, free_port
from tests.slack.support import SlackDriver, message

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SECRET = "replica-signing-secret"
CHANNELS = ["C0REPL001", "C0REPL002", "C0REPL003"]
LEASE_SECONDS = 3
DELIVERED = """Northwind Risk’s Weekly Security Digest - March 4, 2031

Global Security Matters

International Affairs

  • Oskeria’s parliament passed a law obliging foreign-funded NGOs to register.
    • Similar laws elsewhere in the region were used to close independent newsrooms.

Cyber / Defense Technology

  • The Sable Crane group stole draft budget documents from Quentara’s finance ministry.

Atmosphere of Protest

  • Dockworkers in the port of Tirel walked out over a new shift system.
"""
INGESTED = """Northwind Risk’s Weekly Security Digest - March 11, 2031

Global Security Matters

Cyber / Defense Technology

  • Ransomware encrypted the ticketing and signalling systems of Veloria’s state railway; trains stood
    still for two days.
    • The Zentrovax crew claimed the attack and demands payment in a week.
"""
NOTICED = """Northwind Risk’s Weekly Security Digest - March 18, 2031

Global Security Matters

Cyber / Defense Technology

  • Ransomware stopped the freight trains of Veloria’s state railway again, this time at the port of Tirel.
    • The railway had restored its signalling systems only a week earlier.
"""
SECTIONS = 3  # of DELIVERED: one thread reply each
MAR_4, MAR_11, MAR_18 = dt.date(2031, 3, 4), dt.date(2031, 3, 11), dt.date(2031, 3, 18)
WATCHED = {"U0REPLW01": "Sable Crane finance ministry", "U0REPLW02": "ransomware railway"}  # one each
VIEWERS = ("U0REPLV01", "U0REPLV02")


def wait_until(
    condition: Callable[[], Any], timeout: float, what: str, cluster: Cluster | None = None
) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            seen = "" if cluster is None else f"; {cluster.heard()}"
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{seen}")
        time.sleep(0.05)
    return found


@dataclass
class Replica:
    """One `digestbot serve` process: its own port, index directory, log file and bot token."""

    name: str
    env: dict[str, str]
    cwd: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def token(self) -> str:
        return self.env["DIGESTBOT_SLACK_BOT_TOKEN"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['DIGESTBOT_PORT']}"

    @property
    def log(self) -> Path:
        return self.cwd / f"{self.name}.log"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "digestbot", "serve"], env=self.env, cwd=self.cwd, stderr=log
            )

    def serves(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 180) -> None:
        def ready() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()[-3000:]
            return self.serves()

        wait_until(ready, timeout, f"replica {self.name} to serve")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Cluster:
    """A database with one issue to deliver, the emulator, and two replicas (started by the tests)."""

    url: str
    emulator: SlackEmulator
    root: Path
    audience: Audience = field(default_factory=lambda: Audience((), ()))
    replicas: dict[str, Replica] = field(default_factory=dict)

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
        return {**env, "HF_HUB_OFFLINE": "1", "DIGESTBOT_DATABASE_URL": self.url}

    def add(self, name: str) -> Replica:
        env = {
            **self.base_env(),
            "DIGESTBOT_DATA_DIR": str(self.root / name),
            "DIGESTBOT_SLACK_BOT_TOKEN": f"xoxb-replica-{name}",
            "DIGESTBOT_SLACK_SIGNING_SECRET": SECRET,
            "DIGESTBOT_SLACK_API_URL": self.emulator.api_url,
            "DIGESTBOT_PORT": str(free_port()),
            "DIGESTBOT_CHANNELS": json.dumps(CHANNELS),
            "DIGESTBOT_SCHEDULE": "0 9 1 1 *",  # far away: only the start-up catch-up run delivers
            "DIGESTBOT_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
            "DIGESTBOT_ARCHIVE_POLL_SECONDS": "1",
        }
        self.replicas[name] = Replica(name, env, self.root)
        return self.replicas[name]

    def store(self, text: str) -> None:
        """Save an issue through the store, without its vectors: the replicas embed them as they start
        (both at once, converging on one row per vector), which spares the tests a model load."""
        db = Database(self.url)
        Archive(db).save_issue(parse_document(text.encode(), source="issue.txt"), source="issue.txt")
        db.close()

    def ingest(self, name: str, text: str) -> None:
        """`digestbot ingest` in a process of its own (it embeds and stores the passages)."""
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "digestbot", "--data-dir", str(self.root / "ingest"), "ingest", str(path)],
            env=self.base_env(),
            cwd=self.root,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def running(self) -> list[Replica]:
        return [r for r in self.replicas.values() if r.process is not None and r.process.poll() is None]

    def serving(self) -> list[Replica]:
        """The replicas answering HTTP now."""
        return [replica for replica in self.running() if replica.serves()]

    def heard(self) -> str:
        """What the watchers and home viewers got, and the replicas' last log lines (for a failure)."""
        notices = {
            w.recipient.user_id: notice_keys(self.emulator, w.recipient.user_id)
            for w in self.audience.watches
        }
        homes = {user: str(self.emulator.views.get(user))[:200] for user in self.audience.viewers}
        logs = {r.name: r.log.read_text()[-2000:] for r in self.replicas.values() if r.log.exists()}
        return f"notices {notices}, homes {homes}, logs {logs}"

    def by_token(self, token: str | None) -> Replica:
        return next(replica for replica in self.replicas.values() if replica.token == token)


@pytest.fixture(scope="module")
def cluster(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    name = postgres.create_database()
    with SlackEmulator() as emulator:
        emulator.delays["chat.postMessage"] = 0.2
        cluster = Cluster(postgres.url(name), emulator, tmp_path_factory.mktemp("replicas"))
        cluster.store(DELIVERED)
        cluster.audience = seed_audience(cluster.url, WATCHED, MAR_4 - dt.timedelta(days=7), VIEWERS)
        cluster.add("a")
        cluster.add("b")
        try:
            yield cluster
        finally:
            for replica in cluster.replicas.values():
                replica.stop()
    postgres.drop_database(name)


def homes_show(emulator: SlackEmulator, day: str) -> bool:
    """Every viewer's home was published (at least once: the kind's guarantee), the last one showing the
    issue of that day."""
    return all(day in str(emulator.views.get(user)) for user in VIEWERS)


def notified_once(cluster: Cluster) -> None:
    """No watcher got any notice twice, whichever replica sent it (exactly once: Slack can look); every
    home was published."""
    for watch in cluster.audience.watches:
        keys = notice_keys(cluster.emulator, watch.recipient.user_id)
        assert len(keys) == len(set(keys)), keys
    assert all(home_publishes(cluster.emulator, user) >= 1 for user in VIEWERS)


def thread_replies(emulator: SlackEmulator) -> list[Call]:
    return [call for call in emulator.calls_to("chat.postMessage") if call.body.get("thread_ts")]


def places(emulator: SlackEmulator, channel: str) -> list[str]:
    replies = emulator.messages(channel, top_level=False)
    return sorted(m["metadata"]["event_payload"]["place"] for m in replies if "thread_ts" in m)


def test_a_replica_killed_mid_delivery_leaves_each_channel_with_the_issue_once(cluster: Cluster) -> None:
    emulator = cluster.emulator
    for replica in cluster.replicas.values():
        replica.start()
    first = wait_until(lambda: thread_replies(emulator), 180, "a replica to post an issue's thread")[0]
    victim = cluster.by_token(first.token)
    victim.kill()
    channel = first.body["channel"]
    by_victim = [c for c in emulator.calls_to("chat.postMessage") if c.token == victim.token]
    assert len([c for c in by_victim if c.body["channel"] == channel]) < 1 + SECTIONS, "killed too late"

    sable = cluster.audience.watches[0]

    def complete() -> bool:
        return (
            all(
                len(emulator.messages(c)) == 1 and len(emulator.messages(c, top_level=False)) == 1 + SECTIONS
                for c in CHANNELS
            )
            and notice_key(sable.id, MAR_4) in notice_keys(emulator, sable.recipient.user_id)
            and homes_show(emulator, "4 Mar 2031")
        )

    # The notice waits for the survivor's index (it embeds the issue as it starts): minutes, under load.
    wait_until(complete, 180, "every channel to have the whole issue, its watcher and homes too", cluster)
    time.sleep(2)  # nothing more may arrive
    for name in CHANNELS:
        tops = emulator.messages(name)
        assert [m["metadata"]["event_payload"]["issue"] for m in tops] == ["digestbot-issue-2031-03-04"], name
        assert places(emulator, name) == [f"s{n}p0" for n in range(SECTIONS)], name
    notified_once(cluster)
    [survivor] = cluster.running()
    looked = [c for c in emulator.calls_to("conversations.history") if c.body.get("channel") == channel]
    assert [c.token for c in looked] == [survivor.token], "the survivor looked in the channel before posting"
    victim.start()  # back for the next tests, loading while they run


def test_an_issue_ingested_elsewhere_is_answered_within_ten_seconds(cluster: Cluster) -> None:
    replica = wait_until(cluster.serving, 180, "a replica to serve")[0]
    slack = SlackDriver(replica.url, cluster.emulator, secret=SECRET)
    dm = "D0FRESH01"
    cluster.ingest("2031-03-11.txt", INGESTED)
    ingested = time.monotonic()
    asked = 0

    def answered_about_it() -> bool:
        nonlocal asked
        asked += 1
        sent = len(answers(cluster.emulator, dm))
        question = message(
            "did ransomware hit Veloria's state railway?", f"1800000000.{asked:06d}", channel=dm
        )
        slack.event(question, f"EvFresh{asked}")
        wait_until(lambda: len(answers(cluster.emulator, dm)) > sent, 10, "an answer")
        return "11 Mar 2031" in json.dumps(answers(cluster.emulator, dm)[-1].body, ensure_ascii=False)

    wait_until(answered_about_it, 10, "the other process's issue to be answered")
    assert time.monotonic() - ingested < 10
    railway = cluster.audience.watches[1]

    def announced() -> bool:
        keys = notice_keys(cluster.emulator, railway.recipient.user_id)
        return notice_key(railway.id, MAR_11) in keys and homes_show(cluster.emulator, "11 Mar 2031")

    wait_until(announced, 120, "the new issue's watch notice and home refreshes", cluster)
    time.sleep(2)  # the other replica has had time to send them too, had the outbox let it
    notified_once(cluster)
    rebuilt = [
        line for line in replica.log.read_text().splitlines() if "index rebuilt (archive changed)" in line
    ]
    assert rebuilt and all(" 0 embedded)" in line for line in rebuilt), rebuilt
    slack.close()


def answers(emulator: SlackEmulator, channel: str) -> list[Call]:
    return [call for call in emulator.calls_to("chat.postMessage") if call.body.get("channel") == channel]


def test_a_slack_retry_sent_to_the_other_replica_is_answered_once(cluster: Cluster) -> None:
    one, other = cluster.replicas["a"], cluster.replicas["b"]
    for replica in (one, other):
        replica.wait_ready()
    dm = "D0RETRY01"
    event = message("what did Oskeria's parliament pass?", "1800000100.000001", channel=dm)
    drivers = [SlackDriver(replica.url, cluster.emulator, secret=SECRET) for replica in (one, other)]
    assert drivers[0].event(event, "EvRetried").status_code == 200
    assert drivers[1].event(event, "EvRetried", retry=1).status_code == 200
    wait_until(lambda: answers(cluster.emulator, dm), 20, "the answer")
    time.sleep(2)  # the other replica has had time to answer too, had it not seen the event
    assert len(answers(cluster.emulator, dm)) == 1
    for driver in drivers:
        driver.close()


def test_a_replica_killed_mid_notice_leaves_its_watcher_with_it_once(cluster: Cluster) -> None:
    emulator = cluster.emulator
    for replica in cluster.replicas.values():
        replica.wait_ready()
    railway = cluster.audience.watches[1]
    dm = emulator.dm_channel(railway.recipient.user_id)
    before = len(answers(emulator, dm))
    logged = {replica.name: len(replica.log.read_text()) for replica in cluster.replicas.values()}
    emulator.delays["chat.postMessage"] = 2.0  # Slack takes the notice slowly: its sender dies meanwhile
    cluster.ingest("2031-03-18.txt", NOTICED)
    [call] = wait_until(lambda: answers(emulator, dm)[before:], 120, "a replica to send the notice", cluster)
    victim = cluster.by_token(call.token)
    victim.kill()
    db = Database(cluster.url)
    outbox, notice = Outbox(db), notice_to(railway, MAR_18)
    assert outbox.state(notice) is SendState.SENDING, "killed too late"
    [survivor] = cluster.running()

    def settled() -> bool:
        return outbox.state(notice) is SendState.SENT and homes_show(emulator, "18 Mar 2031")

    # The lease (3 s), then the survivor's follow-up run: no restart, no cycle, no ingest comes.
    wait_until(settled, 60, "the other replica to take the notice over", cluster)
    db.close()
    emulator.delays["chat.postMessage"] = 0.2
    keys = notice_keys(emulator, railway.recipient.user_id)
    assert keys.count(notice_key(railway.id, MAR_18)) == 1
    notified_once(cluster)
    looked = [c for c in emulator.calls_to("conversations.history") if c.body.get("channel") == dm]
    assert survivor.token in [c.token for c in looked], "the survivor looked for the notice before sending"
    assert "1 found already sent" in survivor.log.read_text()[logged[survivor.name] :]
