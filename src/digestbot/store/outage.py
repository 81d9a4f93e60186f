"""A database outage, said once: the first failure is one log line (the database named, no password), a
reminder at most every few minutes while it lasts, and one line when it answers again.

Everything that touches the database (archive syncs every few seconds, each chat request) would otherwise
log a traceback of its own. While an outage is known, ``probe_due`` lets one caller every few seconds try
the database again; the others are told at once that it is still down (HTTP edges answer 503).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # during an outage, how often one request may try the database again
REMIND_SECONDS = 600.0  # during an outage, how often to say it is still going on


class Outage:
    """Whether the database is known to be down; thread-safe."""

    def __init__(
        self,
        where: str,
        *,
        retry_seconds: float = RETRY_SECONDS,
        remind_seconds: float = REMIND_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.where, self.retry, self.remind, self.clock = where, retry_seconds, remind_seconds, clock
        self.down = False
        self._lock = threading.Lock()
        self._since = self._reminded = self._tried = 0.0
        self._failures = 0

    def failed(self, reason: str) -> None:
        """A use of the database failed for want of it: log if the outage is new, or a reminder is due."""
        with self._lock:
            now = self.clock()
            self._tried = now
            if not self.down:
                self.down, self._since, self._reminded, self._failures = True, now, now, 1
                log.warning(
                    "database unavailable: %s: %s (answering 503 until it is back)", self.where, reason
                )
                return
            self._failures += 1
            if now - self._reminded >= self.remind:
                self._reminded = now
                log.warning(
                    "database still unavailable after %.0f s (%d failures): %s",
                    now - self._since,
                    self._failures,
                    reason,
                )

    def answered(self) -> None:
        """A use of the database succeeded: log once if that ends an outage."""
        if not self.down:  # the common case, without the lock
            return
        with self._lock:
            if self.down:
                self.down = False
                took = self.clock() - self._since
                log.warning("database available again after %.0f s (%d failures)", took, self._failures)

    def probe_due(self) -> bool:
        """During an outage, True for one caller every ``retry_seconds`` (who should try the database
        again); False otherwise, and always False when the database is not known to be down."""
        if not self.down:
            return False
        with self._lock:
            now = self.clock()
            if not self.down or now - self._tried < self.retry:
                return False
            self._tried = now
            return True
