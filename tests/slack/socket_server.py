"""A fake Slack Socket Mode endpoint: a local websocket server that sends envelopes and collects acks."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve


class FakeSocketMode:
    """Accepts the app's connection (after apps.connections.open handed out ``url``), greets it with
    ``hello`` like Slack, and lets a test send envelopes and await their acks (by envelope_id)."""

    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self.connected = asyncio.Event()
        self._changed = asyncio.Condition()
        self._connection: ServerConnection | None = None
        self._server: Server | None = None

    async def start(self) -> str:
        self._server = await serve(self._session, "127.0.0.1", 0)
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=test"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _session(self, connection: ServerConnection) -> None:
        self._connection = connection
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0DIGEST1"}}
        await connection.send(json.dumps(hello))
        self.connected.set()
        async for raw in connection:
            ack = json.loads(raw)
            async with self._changed:
                self.acks[ack["envelope_id"]] = ack
                self._changed.notify_all()

    async def send(self, kind: str, payload: dict[str, Any], *, timeout: float = 5.0) -> dict[str, Any]:
        """Send one envelope (``slash_commands``, ``events_api``, ``interactive``); return its ack."""
        assert self._connection is not None, "the app is not connected"
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": True,
        }
        await self._connection.send(json.dumps(envelope))
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: envelope_id in self.acks), timeout)
        return self.acks[envelope_id]
