"""Composition root of the core: builds it from Settings. Platform adapters plug in through ``publishers``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.delivery import Deliverer, Publisher
from digestbot.domain import Destination
from digestbot.embed import Embedder, SentenceTransformerEmbedder
from digestbot.links import LinkPolicy
from digestbot.poller import SourcePoller
from digestbot.query_cache import QueryCache
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
    return RelevancePolicy(
        threshold=settings.relevance_threshold,
        floor=settings.relevance_floor,
        named_floor=settings.relevance_named_floor,
    )


def build_conversations(core: Digestbot) -> Conversations:
    """The conversation core every chat surface calls, over the archive and chat state of ``core``."""
    return Conversations(core, core.chat)


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


def build_embedder(settings: Settings, *, query_cache: QueryCache | None = None) -> Embedder:
    """The configured model on the configured backend, with ``query_cache`` or one of the configured size
    (none when it is 0)."""
    cache = query_cache
    if cache is None and settings.query_cache_size:
        cache = QueryCache(settings.query_cache_size)
    if settings.embed_backend == "torch":
        return SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size, cache)
    from digestbot.onnx_embed import OnnxEmbedder

    return OnnxEmbedder(
        settings.model_path,
        settings.resolved_model_cache_dir,
        quantization=settings.embed_quantization,
        batch_size=settings.embed_batch_size,
        query_cache=cache,
    )
