"""Persistence: the archive of issues and items, vectors, and chat/delivery state."""

from digestbot.store.archive import Archive, SaveOutcome, StoredItem
from digestbot.store.chat import ChatState, ThreadInfo
from digestbot.store.db import Database

__all__ = ["Archive", "ChatState", "Database", "SaveOutcome", "StoredItem", "ThreadInfo"]
