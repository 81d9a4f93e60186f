"""The Teams app package in config/teams-app: a manifest Teams accepts and the two icons it requires."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "config" / "teams-app"


def pixels(path: Path) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decode an 8-bit RGBA, non-interlaced PNG whose rows use filter 0 (what the icons are)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunks[kind] = chunks.get(kind, b"") + data[at + 8 : at + 8 + length]
        at += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color_type) == (8, 6)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 4 * width
    assert all(raw[row * stride] == 0 for row in range(height))
    found = [
        tuple(raw[r * stride + 1 + 4 * x : r * stride + 5 + 4 * x])
        for r in range(height)
        for x in range(width)
    ]
    return width, height, found


def test_manifest_declares_the_bot_in_every_scope_with_the_commands() -> None:
    manifest = json.loads((PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    [bot] = manifest["bots"]
    assert bot["scopes"] == ["team", "groupChat", "personal"]
    titles = [command["title"] for command in bot["commandLists"][0]["commands"]]
    assert titles == ["help", "latest", "timeline", "watch", "watches", "subscribe", "unsubscribe", "status"]
    assert all(len(command["description"]) <= 128 for command in bot["commandLists"][0]["commands"])
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000


def test_icons_have_the_sizes_and_colors_teams_requires() -> None:
    assert pixels(PACKAGE / "color.png")[:2] == (192, 192)
    width, height, outline = pixels(PACKAGE / "outline.png")
    assert (width, height) == (32, 32)
    assert {pixel for pixel in outline} == {(0, 0, 0, 0), (255, 255, 255, 255)}  # white on transparent
