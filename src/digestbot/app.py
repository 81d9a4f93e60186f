"""Composition root of the core: builds it from Settings. Platform adapters plug in through ``publishers``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from digestbot.core import Digestbot
from digestbot.delivery import Deliverer, Publisher
from digestbot.embed import Embedder, build_embedder
from digestbot.poller import SourcePoller
from digestbot.search import SearchEngine
from digestbot.settings import Settings
from digestbot.sources import SourceReader
from digestbot.store import Archive, ChatState, Database, Destination
from digestbot.store.ledger import Ledger
from digestbot.store.polling import PollState

PublisherFactory = Callable[[ChatState], Sequence[Publisher]]


def build_core(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    reader: SourceReader | None = None,
    publishers: PublisherFactory | None = None,
    destinations: Sequence[Destination] = (),
) -> Digestbot:
    """Open the store and the search engine the settings describe (the model loads on first use).

    ``publishers`` builds the platforms' publishers from the chat state; ``destinations`` are the
    configured channels that receive every issue besides the subscribed ones.
    """
    db = Database(settings.resolved_database_url)
    archive, chat = Archive(db), ChatState(db)
    model = embedder or build_embedder(settings)
    reader = reader or SourceReader()
    deliverer = Deliverer(archive, chat, Ledger(db), publishers(chat) if publishers else (), destinations)
    return Digestbot(
        archive,
        chat,
        SearchEngine(archive, model, settings.resolved_index_dir),
        reader,
        poller=SourcePoller(reader, PollState(db)),
        deliverer=deliverer,
        default_k=settings.default_k,
        max_question_chars=settings.max_question_chars,
    )
