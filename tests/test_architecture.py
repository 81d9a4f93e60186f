"""The core stays platform-neutral: adapters import platforms, the core never does."""

from __future__ import annotations

import ast
from pathlib import Path

import digestbot

PACKAGE = Path(digestbot.__file__).parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "microsoft_teams", "apscheduler", "fastapi", "starlette", "uvicorn")
ADAPTERS = (
    "slack",
    "teams",
    "server.py",
    "asgi.py",
    "serve.py",
    "scheduler.py",
    "render",
    "cli",
    "console.py",
    "platforms.py",
    "benchmark",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def core_modules() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] not in ADAPTERS]


def test_core_never_imports_a_platform() -> None:
    assert core_modules(), "no core modules found"
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN
        )
        for path in core_modules()
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_nothing_reads_the_environment_outside_settings() -> None:
    readers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "os.environ[" in path.read_text(encoding="utf-8")
        or "os.getenv(" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
