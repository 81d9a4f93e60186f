"""Composition root of the core: builds it from Settings. Platform adapters plug in through ``publishers``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.delivery import Deliverer, Publisher
from digestbot.domain import Destination
from digestbot.embed import Embedder, build_embedder
from digestbot.links import LinkPolicy
from digestbot.poller import SourcePoller
from digestbot.search import SearchEngine
from digestbot.search.relevance import RelevancePolicy
from digestbot.settings import Settings
from digestbot.sources import SourceReader
from digestbot.store import Archive, ChatState, Database
from digestbot.store.ledger import Ledger
from digestbot.store.migrations import upgrade
from digestbot.store.polling import PollState


def build_core(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    reader: SourceReader | None = None,
    publishers: Sequence[Publisher] = (),
    destinations: Sequence[Destination] = (),
) -> Digestbot:
    """Open the store and the search engine the settings describe (the model loads on first use).

    ``publishers`` post issues to each platform; ``destinations`` are the configured channels that
    receive every issue besides the subscribed ones.
    """
    db = Database(settings.resolved_database_url)
    archive, chat = Archive(db), ChatState(db)
    model = embedder or build_embedder(settings)
    reader = reader or SourceReader(
        links=LinkPolicy(allow_private=settings.allow_private_feed_links),
        max_feed_entries=settings.max_feed_entries,
    )
    ledger = Ledger(db, lease=dt.timedelta(seconds=settings.delivery_lease_seconds))
    deliverer = Deliverer(archive, chat, ledger, publishers, destinations)
    return Digestbot(
        archive,
        chat,
        SearchEngine(archive, model, settings.resolved_index_dir, relevance_policy(settings)),
        reader,
        poller=SourcePoller(reader, PollState(db)),
        deliverer=deliverer,
        default_k=settings.default_k,
        max_question_chars=settings.max_question_chars,
    )


def relevance_policy(settings: Settings) -> RelevancePolicy:
    """The relevance policy the settings describe."""
    return RelevancePolicy(threshold=settings.relevance_threshold, floor=settings.relevance_floor)


def build_conversations(core: Digestbot) -> Conversations:
    """The conversation core every chat surface calls, over the archive and chat state of ``core``."""
    return Conversations(core, core.chat, core.metrics)


def upgrade_database(settings: Settings) -> str:
    """Apply the schema migrations to the settings' database; one line saying what was done."""
    db = Database(settings.resolved_database_url, prepare=False)
    try:
        with db.reachable():
            before, after = upgrade(db.engine)
    finally:
        db.close()
    if before.fresh:
        return f"database created at schema revision {after}"
    if before.revision == after:
        return f"database already at schema revision {after}; nothing to do"
    return f"database upgraded from schema revision {before.describe()} to {after}"
