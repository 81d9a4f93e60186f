"""Composition root: builds the core from Settings. The only place concrete parts are chosen."""

from __future__ import annotations

import logging

from digestbot.core import Digestbot
from digestbot.embed import Embedder, SentenceTransformerEmbedder
from digestbot.search import SearchEngine
from digestbot.settings import Settings
from digestbot.sources import SourceReader
from digestbot.store import Archive, ChatState, Database

log = logging.getLogger(__name__)


def build_core(settings: Settings, *, embedder: Embedder | None = None, reader: SourceReader | None = None) -> Digestbot:
    """Open the store and the search engine described by the settings (nothing loads until needed)."""
    db = Database(settings.resolved_database_url)
    archive = Archive(db)
    model = embedder or SentenceTransformerEmbedder(settings.model_path, batch_size=settings.embed_batch_size)
    engine = SearchEngine(archive, model, settings.resolved_index_dir)
    return Digestbot(
        archive,
        ChatState(db),
        engine,
        reader or SourceReader(),
        default_k=settings.default_k,
        max_question_chars=settings.max_question_chars,
    )
