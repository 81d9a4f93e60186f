"""Composition root of the core: builds it from Settings. Platform adapters plug in through ``publishers``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from digestbot.conversation import ChatRules, Conversations
from digestbot.core import Digestbot
from digestbot.delivery.delivery import Deliverer, Publisher
from digestbot.delivery.homes import HomeRefresher, HomeSender
from digestbot.delivery.watching import DirectMessenger, WatchNotifier
from digestbot.domain import Destination
from digestbot.embedding.embed import Embedder, SentenceTransformerEmbedder
from digestbot.embedding.query_cache import QueryCache
from digestbot.errors import ConfigError
from digestbot.ingest.links import LinkPolicy
from digestbot.ingest.poller import SourcePoller
from digestbot.ingest.sources import SourceReader
from digestbot.search import SearchEngine
from digestbot.search.relevance import RelevancePolicy
from digestbot.settings import Settings
from digestbot.store import Archive, ChatState, Database
from digestbot.store.migrations import upgrade
from digestbot.store.models import utcnow
from digestbot.store.outbox import Outbox
from digestbot.store.polling import PollState
from digestbot.store.watches import WatchStore


def build_core(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    reader: SourceReader | None = None,
    publishers: Sequence[Publisher] = (),
    destinations: Sequence[Destination] = (),
    messengers: Sequence[DirectMessenger] = (),
    clock: Callable[[], dt.datetime] = utcnow,
) -> Digestbot:
    """Open the store and the search engine the settings describe (the model loads on first use).

    ``publishers`` post issues to each platform; ``destinations`` are the configured channels that
    receive every issue besides the subscribed ones; ``messengers`` send watch notices to users;
    ``clock`` tells the outbox the time (tests move it past other processes' leases).
    """
    db = Database(settings.resolved_database_url)
    archive, chat = Archive(db), ChatState(db)
    model = embedder or build_embedder(settings)
    reader = reader or SourceReader(
        links=LinkPolicy(allow_private=settings.allow_private_feed_links),
        max_feed_entries=settings.max_feed_entries,
    )
    outbox = outbox_of(db, settings, clock)
    deliverer = Deliverer(archive, chat, outbox, publishers, destinations)
    return Digestbot(
        archive,
        chat,
        SearchEngine(archive, model, settings.resolved_index_dir, relevance_policy(settings)),
        reader,
        poller=SourcePoller(reader, PollState(db)),
        deliverer=deliverer,
        notifier=WatchNotifier(WatchStore(db), outbox, messengers),
        default_k=settings.default_k,
        max_question_chars=settings.max_question_chars,
        timeline_items=settings.timeline_items,
    )


def relevance_policy(settings: Settings) -> RelevancePolicy:
    """The relevance policy the settings describe: the fitted one, with the operating points they set."""
    fitted = RelevancePolicy()
    answer = fitted.answer_from if settings.relevance_answer_from is None else settings.relevance_answer_from
    confident = settings.relevance_confident_from
    if confident is None:
        confident = max(fitted.confident_from, answer)
    if answer > confident:
        raise ConfigError(f"relevance_answer_from ({answer}) is above relevance_confident_from ({confident})")
    return RelevancePolicy(answer_from=answer, confident_from=confident)


def build_conversations(core: Digestbot, settings: Settings | None = None) -> Conversations:
    """The conversation core every chat surface calls, over the archive, chat state and watches of
    ``core``, with the settings' limits (timeline pages, watches per user, topic length; without
    settings, the defaults)."""
    rules = ChatRules() if settings is None else chat_rules(settings)
    return Conversations(core, core.chat, core.watches, rules=rules, metrics=core.metrics)


def build_home_refresher(
    core: Digestbot,
    conversations: Conversations,
    settings: Settings,
    senders: Sequence[HomeSender],
    clock: Callable[[], dt.datetime] = utcnow,
) -> HomeRefresher:
    """What refreshes users' homes after a new issue through ``senders`` (one per platform with homes),
    through the outbox of ``core``'s database (on ``clock``), each home composed by ``conversations``."""
    outbox = outbox_of(core.chat.db, settings, clock)
    return HomeRefresher(core.chat, outbox, core.newest_date, conversations.compose_home, senders)


def outbox_of(db: Database, settings: Settings, clock: Callable[[], dt.datetime] = utcnow) -> Outbox:
    """The outbox over ``db``, with the settings' lease."""
    return Outbox(db, lease=dt.timedelta(seconds=settings.delivery_lease_seconds), clock=clock)


def chat_rules(settings: Settings) -> ChatRules:
    """The conversation's limits the settings describe."""
    return ChatRules(
        max_watches=settings.max_watches,
        max_topic_chars=settings.max_watch_topic_chars,
        timeline_page_items=settings.timeline_page_items,
        many_workspaces=settings.slack_oauth,
    )


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
    from digestbot.embedding.onnx_embed import OnnxEmbedder

    return OnnxEmbedder(
        settings.model_path,
        settings.resolved_model_cache_dir,
        quantization=settings.embed_quantization,
        batch_size=settings.embed_batch_size,
        query_cache=cache,
    )


def export_model(settings: Settings) -> str:
    """Export the configured model to ONNX under ``model_cache_dir`` unless it is there already (a container
    image does it at build time, so its runtime needs no torch); says which file, and whether it was made."""
    if settings.embed_backend != "onnx":
        raise ConfigError("embed_backend is 'torch': there is no ONNX model to export")
    from digestbot.embedding.onnx_embed import OnnxEmbedder

    embedder = OnnxEmbedder(
        settings.model_path, settings.resolved_model_cache_dir, quantization=settings.embed_quantization
    )
    found = embedder.path.is_file()
    backend = embedder.backend  # exports it when missing
    done = "already exported" if found else "exported"
    return f"{embedder.path}: {done}, {backend.describe()}"
