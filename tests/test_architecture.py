"""The core stays platform-neutral: adapters import platforms, the core never does."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import digestbot

PACKAGE = Path(digestbot.__file__).parent
FORBIDDEN = (
    "slack_bolt",
    "slack_sdk",
    "microsoft_teams",
    "apscheduler",
    "fastapi",
    "starlette",
    "uvicorn",
    "prometheus_client",
)
ADAPTERS = (
    "slack",
    "teams",
    "edge",
    "render",
    "cli",
    "benchmark",
)
# DESIGN.md's shape at the package root; every other module lives in a package named for its job.
MAX_ROOT_MODULES = 10


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


ENVIRONMENT = re.compile(
    r"\bos\.(?:environ\b|getenv\(|putenv\(|unsetenv\()|\bgetenv\(|from os import environ"
)
# Where the environment may be touched: Settings reads DIGESTBOT_*; environment.py sets the switches
# third-party libraries read at import time; the benchmark starts child processes with their own.
ENVIRONMENT_OWNERS = {"settings.py", "environment.py", "benchmark"}
# Modules that are adapters but must not reach into the core's parts: they go through the facade or the
# conversation core. The benchmark measures the parts themselves, by design.
REACHING = re.compile(r"\bcore\.(?:engine|chat|deliverer|archive)\b")
MAX_MODULE_LINES = 300


def test_nothing_touches_the_environment_outside_settings() -> None:
    touching = [
        name
        for path in PACKAGE.rglob("*.py")
        if (name := str(path.relative_to(PACKAGE))).split("/")[0] not in ENVIRONMENT_OWNERS
        and ENVIRONMENT.search(path.read_text(encoding="utf-8"))
    ]
    assert touching == []


def test_the_environment_check_catches_every_form() -> None:
    for line in ("os.environ.get('X')", "os.environ.setdefault('X', '1')", "os.environ.update(x)",
                 "os.environ['X']", "os.getenv('X')", "from os import environ"):  # fmt: skip
        assert ENVIRONMENT.search(line), line


def adapter_modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] in ADAPTERS
        and path.relative_to(PACKAGE).parts[0] != "benchmark"
    ]


def test_no_adapter_imports_the_store() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.startswith("digestbot.store")
        )
        for path in adapter_modules()
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_no_adapter_reaches_through_the_facade() -> None:
    reaching = {
        str(path.relative_to(PACKAGE)): REACHING.findall(path.read_text(encoding="utf-8"))
        for path in adapter_modules()
    }
    assert {name: found for name, found in reaching.items() if found} == {}


def test_modules_stay_small() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}


def test_test_support_stays_out_of_the_product() -> None:
    """The Slack emulator and signed-request helpers live in ``digestbot.testing``; only the bench (and the
    tests) use them, and no emulator code is left in the Slack adapter."""
    users = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ("testing", "benchmark")
        and any(m.startswith("digestbot.testing") for m in imported_modules(path))
    }
    assert users == set()
    assert not [path.name for path in (PACKAGE / "slack").glob("*.py") if "emulat" in path.name]


def test_package_root_holds_at_most_ten_modules() -> None:
    """Modules beyond the core's shape go into packages (embedding, ingest, delivery, edge, telemetry)."""
    root_modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(root_modules) <= MAX_ROOT_MODULES, root_modules


def test_core_never_imports_an_edge() -> None:
    """The edges (server, serve, scheduler, console, platforms, ops) call the core, never the other way."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.startswith("digestbot.edge")
        )
        for path in core_modules()
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
