"""Migration 0005 carries both old ledgers into the outbox: a database at 0004 holding deliveries and watch
notices in every state upgrades in place, and each row then claims as it did before (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, MetaData, create_engine, inspect

from digestbot.domain import Recipient, Watch
from digestbot.store import Database, migrations
from digestbot.store.models import Kind, SendState
from digestbot.store.outbox import Claim, Outbox
from tests.outbox_support import notice_to, post_to

DAY = dt.date(2031, 3, 4)
STAMP = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)  # in the past: the dead claims have expired
ALICE = Recipient("slack", "U0ALICE01", "T0EMU0001")


def at_0004_with_both_ledgers(url: str) -> Engine:
    """A database at revision 0004 with an issue, a watch, two deliveries and three watch notices."""
    engine = create_engine(url)
    migrations.upgrade(engine, "0004")
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as connection:
        issue = connection.execute(
            t["issues"].insert().returning(t["issues"].c.id),
            {"date": DAY, "title": "Digest", "source": "x.txt", "content_hash": "h" * 64,
             "ingested_at": STAMP, "updated_at": STAMP},
        ).scalar_one()  # fmt: skip
        watcher = connection.execute(
            t["watchers"].insert().returning(t["watchers"].c.id),
            {
                "platform": "slack",
                "user_id": ALICE.user_id,
                "tenant_id": ALICE.tenant_id,
                "updated_at": STAMP,
            },
        ).scalar_one()
        watches = [
            connection.execute(
                t["watches"].insert().returning(t["watches"].c.id),
                {
                    "watcher_id": watcher,
                    "topic": topic,
                    "topic_key": topic,
                    "since": None,
                    "created_at": STAMP,
                },
            ).scalar_one()
            for topic in ("ransomware", "drones", "ports")
        ]
        deliveries = [
            {"issue_id": issue, "platform": "slack", "channel_id": "C1", "state": "posted",
             "message_ref": "1700000000.000001", "claimed_at": STAMP, "confirmed_at": STAMP},
            {"issue_id": issue, "platform": "teams", "channel_id": "19:a", "state": "claimed",
             "claimed_at": STAMP, "holder": "dead", "lease_until": STAMP},
        ]  # fmt: skip
        notices = [
            {"watch_id": watches[0], "state": "sent", "message_ref": "1700000000.000900", "done_at": STAMP},
            {"watch_id": watches[1], "state": "sending", "holder": "dead", "lease_until": STAMP},
            {"watch_id": watches[2], "state": "none", "done_at": STAMP},
        ]
        for row in deliveries:  # one by one: the rows fill different columns
            connection.execute(t["deliveries"].insert(), row)
        for row in notices:
            connection.execute(t["watch_notices"].insert(), {**row, "issue_id": issue, "claimed_at": STAMP})
    return engine


def watch(watch_id: int) -> Watch:
    return Watch(watch_id, ALICE, "topic", None)


def test_both_ledgers_rows_are_carried_into_the_outbox(database_url: str) -> None:
    engine = at_0004_with_both_ledgers(database_url)
    migrations.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "outbox" in tables and not {"deliveries", "watch_notices"} & tables
    db = Database(database_url)
    try:
        outbox = Outbox(db)
        assert outbox.sent(Kind.ISSUE_POST, DAY, "slack") == [("C1", "1700000000.000001")]
        assert outbox.claim(post_to(DAY, "slack", "C1")) is Claim.DONE
        assert outbox.claim(post_to(DAY, "teams", "19:a")) is Claim.IN_DOUBT  # look (or post) again
        assert outbox.watch_states(1) == {DAY: SendState.SENT}
        assert outbox.watch_states(3) == {DAY: SendState.NONE}
        assert outbox.claim(notice_to(watch(1), DAY)) is Claim.DONE
        assert outbox.claim(notice_to(watch(2), DAY)) is Claim.IN_DOUBT  # it was on its way
        assert outbox.claim(notice_to(watch(3), DAY)) is Claim.DONE
        assert outbox.last_issue(Kind.ISSUE_POST, "slack", "C1") == DAY
    finally:
        db.close()
