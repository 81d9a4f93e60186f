"""A real Teams client in the loop: the Microsoft 365 Agents Playground, driven in headless Chromium.

`digestbot serve` (real process, real model, the bundled samples in a temp data dir, Teams local mode on
a free loopback port) and the Playground (its own free loopback port, pointed at the bot) run as they
would on a developer's machine. The driver (driver.mjs) installs the app three times (personal chat,
group chat, team), uninstalls and reinstalls it from the Mock an Activity menu, and asks a question; the
test checks that every activity got a 2xx, that the answer card carries its citation, that the bot ended
up subscribed to the three conversations, and that nothing tried to leave the machine.

Needs Node.js, Debian's Chromium and `npm ci` in this folder (`.ci/run` installs them). Without them the
test fails, unless PLAYGROUND_ALLOW_SKIP=1 lets it skip (never under CI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from digestbot.edge.console import samples_dir
from digestbot.settings import Settings
from digestbot.store.chat import ChatState
from digestbot.store.db import Database
from tests.playground.support import (
    DRIVER,
    NET_GUARD,
    PLAYGROUND_CLI,
    Service,
    Toolchain,
    find_toolchain,
    free_port,
    listening_port,
    noop_xdg_open,
    responds,
    running,
    wait_until,
)

pytestmark = [pytest.mark.playground, pytest.mark.slow]

ALLOW_SKIP = "PLAYGROUND_ALLOW_SKIP"
QUESTION = "what happened in Iran's election?"
CITATION = "Weekly Security Digest, 13 Jan 2026 · International Affairs"
INSTALLED_CONVERSATIONS = 3  # personal chat, group chat, the team
STEP_TIMEOUT_MS = 90_000
# Application Insights ships inside the Playground and starts even with --disable-telemetry: statsbeat
# and the heartbeat probe the Azure metadata address and the ingestion endpoint. This turns it off.
APPINSIGHTS_OFF = json.dumps(
    {"disableAppInsights": True, "disableStatsbeat": True, "enableAutoCollectHeartbeat": False}
)
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) /api/messages HTTP/[\d.]+" (?P<status>\d{3})')


@pytest.fixture
def toolchain() -> Toolchain:
    found, missing = find_toolchain()
    if found is not None:
        return found
    problem = "PLAYGROUND TEST NOT RUN: missing " + "; ".join(missing)
    if os.environ.get(ALLOW_SKIP) == "1" and not os.environ.get("CI"):
        pytest.skip(f"{problem} ({ALLOW_SKIP}=1 allows this skip)")
    pytest.fail(f"{problem}. Install them, or set {ALLOW_SKIP}=1 to skip this test outside CI.")


@dataclass(frozen=True)
class Bot:
    service: Service
    data: Path
    url: str


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    """`digestbot serve` in Teams local mode over the bundled samples, ready (model warmed up)."""
    data, port = tmp_path / "data", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    env |= {
        "HF_HUB_OFFLINE": "1",
        "DIGESTBOT_TEAMS_ALLOW_UNAUTHENTICATED": "true",
        "DIGESTBOT_HOST": "127.0.0.1",
        "DIGESTBOT_PORT": str(port),
        "DIGESTBOT_SCHEDULE": "0 9 1 1 *",  # far away: only the start-up catch-up cycle runs
    }
    digestbot = [sys.executable, "-m", "digestbot", "--data-dir", str(data)]
    ingest = subprocess.run(
        [*digestbot, "ingest", str(samples_dir())], env=env, cwd=tmp_path, capture_output=True, timeout=600
    )
    assert ingest.returncode == 0, ingest.stderr.decode()
    with running(
        "digestbot serve", [*digestbot, "serve"], env=env, cwd=tmp_path, log=tmp_path / "bot.log"
    ) as serve:
        url = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: responds(f"{url}/healthz"), timeout=300, what="digestbot serve's /healthz", service=serve
        )
        yield Bot(serve, data, url)


@pytest.fixture
def playground(toolchain: Toolchain, bot: Bot, tmp_path: Path) -> Iterator[Service]:
    """The Agents Playground pointed at the bot: no browser, no telemetry, loopback only."""
    port = free_port()
    env = dict(os.environ)
    env |= {
        "PATH": f"{noop_xdg_open(tmp_path / 'bin')}{os.pathsep}{env.get('PATH', '')}",
        "TEAMSAPPTESTER_BROWSER": "none",  # the Playground's own switch for not opening a browser
        "APPLICATIONINSIGHTS_CONFIGURATION_CONTENT": APPINSIGHTS_OFF,
        "APPLICATION_INSIGHTS_NO_STATSBEAT": "1",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(tmp_path / "playground-devtools.log"),
        "NET_GUARD_LOG": str(tmp_path / "net-guard.log"),
    }
    argv = [
        toolchain.node, "--require", str(NET_GUARD), str(PLAYGROUND_CLI),
        "--app-endpoint", f"{bot.url}/api/messages", "--channel-id", "msteams", "--port", str(port),
        "--service-url", f"http://127.0.0.1:{port}/_connector", "--disable-telemetry",
    ]  # fmt: skip
    cwd = tmp_path / "playground-cwd"  # it reads a config file from its cwd and writes devTools/ there
    cwd.mkdir()
    with running("the Agents Playground", argv, env=env, cwd=cwd, log=tmp_path / "playground.log") as ui:
        wait_until(lambda: listening_port(ui) is not None, timeout=60, what="the Playground", service=ui)
        assert listening_port(ui) == port, f"port {port} was taken meanwhile; the Playground moved"
        yield ui


def drive(toolchain: Toolchain, ui_url: str, tmp_path: Path) -> dict[str, Any]:
    """Run the driver over the Playground's UI; its report, with failure set when a step failed."""
    config = {
        "ui": ui_url,
        "chromium": toolchain.chromium,
        "userDataDir": str(tmp_path / "chromium-profile"),  # new and empty
        "outDir": str(tmp_path),
        "question": QUESTION,
        "citation": CITATION,
        "timeoutMs": STEP_TIMEOUT_MS,
    }
    (tmp_path / "driver.json").write_text(json.dumps(config))
    argv = [toolchain.node, str(DRIVER), str(tmp_path / "driver.json")]
    with running(
        "the driver", argv, env=dict(os.environ), cwd=tmp_path, log=tmp_path / "driver.log"
    ) as driver:
        driver.process.wait(timeout=15 * STEP_TIMEOUT_MS / 1000)
    report_file = tmp_path / "result.json"
    if not report_file.exists():
        pytest.fail(f"the driver wrote no report; its log:\n{driver.output()[-3000:]}")
    report: dict[str, Any] = json.loads(report_file.read_text())
    return report


def access_log(bot: Bot) -> list[tuple[str, int]]:
    """(method, status) of each request to /api/messages, from uvicorn's access log."""
    return [(m["method"], int(m["status"])) for m in ACCESS_LINE.finditer(bot.service.output())]


def teams_subscriptions(bot: Bot) -> list[str | None]:
    """The serviceUrl of each Teams conversation the bot would post weekly issues to."""
    db = Database(Settings(data_dir=bot.data).resolved_database_url)
    try:
        return [dest.service_url for dest in ChatState(db).destinations("teams")]
    finally:
        db.close()


def test_three_installs_get_2xx_and_a_question_gets_a_cited_card(
    toolchain: Toolchain, bot: Bot, playground: Service, tmp_path: Path
) -> None:
    ui_port = listening_port(playground)
    report = drive(toolchain, f"http://127.0.0.1:{ui_port}/", tmp_path)
    playground.stop()
    bot.service.stop()  # flushes its log
    where = f"screenshots, the Playground's, the driver's and the bot's logs are in {tmp_path}"

    assert report["failure"] is None, f"{report['failure']} ({where})"
    assert CITATION in report["card"]
    assert_every_activity_got_2xx(access_log(bot), where)
    assert_playground_saw_2xx(report["logPanel"], where)
    connector = f"http://127.0.0.1:{ui_port}/_connector"
    assert teams_subscriptions(bot) == [connector] * INSTALLED_CONVERSATIONS
    guard_log = tmp_path / "net-guard.log"
    assert not guard_log.exists(), f"the Playground tried to leave the machine:\n{guard_log.read_text()}"


def assert_every_activity_got_2xx(requests: list[tuple[str, int]], where: str) -> None:
    """What the bot's access log says: every activity (a POST) answered 2xx. The only other request is
    the Playground's reachability probe (wait-on's HEAD), which it accepts with any status."""
    activities = [status for method, status in requests if method == "POST"]
    assert len(activities) >= 2 * INSTALLED_CONVERSATIONS + 3, f"too few activities: {requests} ({where})"
    assert all(200 <= status < 300 for status in activities), f"not all 2xx: {requests} ({where})"
    assert {method for method, _ in requests} <= {"POST", "HEAD"}, requests


def assert_playground_saw_2xx(panel: list[dict[str, Any]], where: str) -> None:
    """What the Playground's log panel says: each install sent installationUpdate and conversationUpdate,
    the uninstall and reinstall one installationUpdate each, then the question; the bot's card came
    back; every status was 2xx."""
    assert [entry for entry in panel if not 200 <= entry["status"] < 300] == [], f"{panel} ({where})"
    sent = [entry["type"] for entry in panel if entry["direction"] == "to_bot"]
    assert sent.count("installationUpdate") == INSTALLED_CONVERSATIONS + 2, sent
    assert sent.count("conversationUpdate") == INSTALLED_CONVERSATIONS, sent
    assert sent.count("message") == 1, sent
    assert any(entry["direction"] == "from_bot" and entry["type"] == "message" for entry in panel), panel
