"""Migrations (Alembic): a new database is created at head, a 0.1 database upgrades in place and keeps
every row, an outdated schema is refused with the command to run, and models and migrations agree. On
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, create_engine, inspect, select, text
from typer.testing import CliRunner

from digestbot.cli import build_cli
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.store import Archive, ChatState, Database, SaveOutcome, migrations
from digestbot.store.migrations import SchemaError
from digestbot.store.models import Base, MetaRow, SendState
from digestbot.store.outbox import Claim, Outbox
from digestbot.store.polling import PollState, Validators
from tests.outbox_support import post_to

FIXTURES = Path(__file__).parent / "fixtures"
DAY = dt.date(2031, 3, 4)
STAMP = dt.datetime(2031, 3, 4, 9, 30, tzinfo=dt.UTC)
ISSUE = Issue(
    date=DAY,
    title="Northwind’s Weekly Security Digest",
    sections=(
        Section(
            name="Cyber",
            part="Global Security Matters",
            items=(
                Item("Drassk's grid operator reported a wiper attack.", ("Copycats are expected.",)),
                Item("Veloria fined Kestrel Dynamics for a data leak.", ()),
            ),
        ),
    ),
    url="https://example.test/digest-2031-03-04",
)
VECTOR = np.arange(4, dtype=np.float32)


def engine_for(url: str) -> Engine:
    """A plain engine, without the checks ``Database`` makes."""
    return create_engine(url)


def make_0_1_database(url: str) -> None:
    """A database as digestbot 0.1 left it: its create_all DDL (frozen in fixtures/), no alembic_version,
    and a row in every table, written through SQLAlchemy as 0.1 wrote them."""
    engine = engine_for(url)
    dialect = engine.dialect.name
    ddl = (FIXTURES / f"schema_0_1.{dialect}.sql").read_text()
    with engine.begin() as connection:
        for statement in ddl.split(";"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                connection.exec_driver_sql(body)
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        fill_0_1(connection, tables.tables)
    engine.dispose()


def fill_0_1(connection: Any, tables: Any) -> None:
    issues = tables["issues"]
    issue_id = connection.execute(
        issues.insert().returning(issues.c.id),
        {
            "date": DAY, "title": ISSUE.title, "url": ISSUE.url, "source": "digests/2031-03-04.txt",
            "content_hash": ISSUE.content_hash, "ingested_at": STAMP, "updated_at": STAMP,
        },
    ).scalar_one()  # fmt: skip
    items = [
        {
            "issue_id": issue_id, "position": position, "part": section.part, "section": section.name,
            "text": item.text, "analysis": list(item.analysis), "content_hash": item.content_hash,
            "source_url": ISSUE.url,
        }
        for position, (section, item) in enumerate(ISSUE.items)
    ]  # fmt: skip
    rows: list[tuple[str, dict[str, Any]]] = [
        *(("items", item) for item in items),
        ("vectors", {"model": "m", "text_hash": "h1", "dim": 4, "data": VECTOR.tobytes()}),
        ("subscriptions", {"platform": "slack", "channel_id": "C1", "created_by": "U1", "created_at": STAMP}),
        ("subscriptions", {
            "platform": "teams", "channel_id": "19:abc", "service_url": "https://connector.test/",
            "tenant_id": "tenant-1", "created_at": STAMP,
        }),
        ("deliveries", {
            "issue_id": issue_id, "platform": "slack", "channel_id": "C1", "state": "posted",
            "message_ref": "1700000000.000001", "claimed_at": STAMP, "confirmed_at": STAMP,
        }),
        ("deliveries", {
            "issue_id": issue_id, "platform": "slack", "channel_id": "C2", "state": "claimed",
            "claimed_at": STAMP,
        }),
        ("threads", {
            "platform": "slack", "channel_id": "C1", "thread_id": "1700000000.000001", "issue_date": DAY,
            "created_at": STAMP,
        }),
        ("seen_events", {"event_id": "Ev1", "seen_at": dt.datetime.now(dt.UTC)}),
        ("meta", {"key": "note", "value": "kept"}),
        ("seen_documents", {
            "source": "/srv/digests", "doc_id": "/srv/digests/a.txt", "digest": "d" * 64, "seen_at": STAMP,
        }),
        ("http_cache", {
            "url": "https://example.test/feed", "etag": '"v1"',
            "last_modified": "Tue, 04 Mar 2031 09:00:00 GMT",
        }),
    ]  # fmt: skip
    for table, row in rows:
        connection.execute(tables[table].insert(), row)


def upgrade_with_cli(url: str, tmp_path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        build_cli(),
        ["--data-dir", str(tmp_path / "data"), "db", "upgrade"],
        env={"DIGESTBOT_DATABASE_URL": url},
    )
    return result.exit_code, result.stdout, result.stderr


def schema_of(engine: Engine) -> dict[str, Any]:
    """Tables, columns (type, nullability), keys and indexes, as the database reports them."""
    found = inspect(engine)
    tables = sorted(name for name in found.get_table_names() if name != "alembic_version")
    return {
        name: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(name)],
            "primary": found.get_pk_constraint(name)["constrained_columns"],
            "unique": sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(name)),
            "indexes": sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(name)),
            "foreign": [(f["referred_table"], f["options"]) for f in found.get_foreign_keys(name)],
        }
        for name in tables
    }


def test_a_new_database_is_created_at_head(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert migrations.state(db.engine).revision == migrations.head()
        Archive(db).save_issue(ISSUE, source="x.txt")
    finally:
        db.close()


def test_the_models_and_the_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_revision_0001_is_exactly_the_0_1_schema(database_url: str, tmp_path: Path) -> None:
    frozen = engine_for(database_url)
    make_0_1_database(database_url)
    migrated_url = (
        f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        if frozen.dialect.name == "sqlite"
        else database_url.rsplit("/", 1)[0] + "/" + second_database(database_url)
    )
    migrated = engine_for(migrated_url)
    migrations.upgrade(migrated, "0001")
    try:
        assert schema_of(migrated) == schema_of(frozen)
    finally:
        frozen.dispose()
        migrated.dispose()


def second_database(url: str) -> str:
    """Another empty database on the same PostgreSQL server (dropped with the server)."""
    admin = engine_for(url).execution_options(isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1] + "_b"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    admin.dispose()
    return name


def test_an_0_1_database_is_refused_until_upgraded_then_keeps_every_row(
    database_url: str, tmp_path: Path
) -> None:
    make_0_1_database(database_url)
    with pytest.raises(SchemaError, match=r"made by digestbot 0\.1 .*run `digestbot db upgrade`$"):
        Database(database_url)

    code, out, err = upgrade_with_cli(database_url, tmp_path)
    assert (code, err) == (0, "")
    assert out == f"database upgraded from schema revision 0.1 to {migrations.head()}\n"

    db = Database(database_url)
    try:
        assert_every_0_1_row_is_readable(db)
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        db.close()


def assert_every_0_1_row_is_readable(db: Database) -> None:
    archive, chat, outbox, polls = Archive(db), ChatState(db), Outbox(db), PollState(db)
    assert archive.get_issue(DAY) == ISSUE
    assert archive.save_issue(ISSUE, source="again.txt") is SaveOutcome.UNCHANGED
    assert [item.text for item in archive.items()] == [item.text for _, item in ISSUE.items]
    np.testing.assert_array_equal(archive.get_vectors("m", ["h1"])["h1"], VECTOR)
    assert chat.destinations() == [
        Destination("slack", "C1"),
        Destination("teams", "19:abc", "https://connector.test/", "tenant-1"),
    ]
    assert chat.thread("slack", "C1", "1700000000.000001") is not None
    assert chat.first_sighting("Ev1") is False
    assert outbox.state(post_to(DAY, "slack", "C1")) is SendState.SENT
    assert outbox.claim(post_to(DAY, "slack", "C1")) is Claim.DONE
    assert outbox.claim(post_to(DAY, "slack", "C2")) is Claim.IN_DOUBT  # a 0.1 claim has no lease: in doubt
    assert polls.seen("/srv/digests", "/srv/digests/a.txt", "d" * 64)
    assert polls.validators("https://example.test/feed") == Validators(
        '"v1"', "Tue, 04 Mar 2031 09:00:00 GMT"
    )
    with db.transaction() as session:
        assert session.scalar(select(MetaRow.value).where(MetaRow.key == "note")) == "kept"
    # New rows get new ids (PostgreSQL's sequences carried on from the 0.1 rows).
    later = Issue(date=DAY + dt.timedelta(days=7), title=ISSUE.title, sections=ISSUE.sections)
    assert archive.save_issue(later, source="later.txt") is SaveOutcome.ADDED
    assert len(archive.items()) == 4


def test_upgrade_at_head_changes_nothing(database_url: str, tmp_path: Path) -> None:
    Database(database_url).close()
    code, out, _ = upgrade_with_cli(database_url, tmp_path)
    assert code == 0
    assert out == f"database already at schema revision {migrations.head()}; nothing to do\n"


def test_db_upgrade_creates_an_empty_database(database_url: str, tmp_path: Path) -> None:
    code, out, _ = upgrade_with_cli(database_url, tmp_path)
    assert (code, out) == (0, f"database created at schema revision {migrations.head()}\n")


def test_an_older_revision_is_refused_with_the_command_to_run(database_url: str) -> None:
    engine = engine_for(database_url)
    migrations.upgrade(engine, "0001")
    engine.dispose()
    needs = f"revision 0001, this digestbot needs {migrations.head()}: run `digestbot db upgrade`$"
    with pytest.raises(SchemaError, match=needs):
        Database(database_url)


def test_a_newer_revision_is_refused(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(
        SchemaError, match=r"revision 0099, newer than this digestbot knows .*: upgrade digestbot$"
    ):
        Database(db.url)


def test_replicas_starting_together_create_the_schema_once(database_url: str) -> None:
    """Four processes' worth of engines open a brand-new database at the same instant."""
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            Database(database_url).close()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = engine_for(database_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [migrations.head()]
    engine.dispose()


@pytest.mark.slow
def test_serve_on_an_outdated_database_stops_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    make_0_1_database(f"sqlite:///{data / 'digestbot.sqlite3'}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    done = subprocess.run(
        [sys.executable, "-m", "digestbot", "--data-dir", str(data), "serve"],
        env={
            **env,
            "HF_HUB_OFFLINE": "1",
            "DIGESTBOT_SLACK_BOT_TOKEN": "xoxb-x",
            "DIGESTBOT_SLACK_SIGNING_SECRET": "s",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("digestbot: error: the database sqlite:///")
    assert done.stderr.endswith("was made by digestbot 0.1 and needs migrating: run `digestbot db upgrade`\n")
