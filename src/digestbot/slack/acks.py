"""Acks first: answer work waits while any Slack request is still waiting for its ack.

Acks, answer posts and the hand-off of answer work to threads share one event loop and one GIL. Under a
burst (200 ``/digest`` at once) answers that start while acks are still owed crowd them out: the worker
threads' Python (search, SQLAlchemy) holds the GIL the loop needs, and the loop spends its own turns on
answer posts. A profile of the burst showed exactly that (see ``bench/README.md``). So every request
holds the gate from the moment it reaches the app until its ack is returned, and answer work starts only
once no ack is owed, or after ``max_wait`` seconds, so a steady stream of requests cannot starve answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

DEFAULT_MAX_WAIT = 1.0


class AckGate:
    """Counts the requests whose ack is still owed; ``turn()`` waits until there are none."""

    def __init__(self, *, max_wait: float = DEFAULT_MAX_WAIT) -> None:
        self.max_wait = max_wait
        self._owed = 0
        self._clear = asyncio.Event()
        self._clear.set()

    @property
    def owed(self) -> int:
        """Requests that reached the app and have not been acked yet."""
        return self._owed

    @contextlib.contextmanager
    def owing(self) -> Iterator[None]:
        """Around the handling of one request until its ack is ready (released on errors too)."""
        self._owed += 1
        self._clear.clear()
        try:
            yield
        finally:
            self._owed -= 1
            if self._owed == 0:
                self._clear.set()

    async def turn(self) -> None:
        """Return once no ack is owed, or after ``max_wait`` seconds."""
        if self._owed == 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._clear.wait(), self.max_wait)
