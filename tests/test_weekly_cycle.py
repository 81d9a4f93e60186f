"""The scheduled cycle end to end: watched folder and feeds -> ingest -> index -> Slack, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from digestbot.core import Digestbot
from digestbot.edge import platforms
from digestbot.edge.scheduler import run_cycle
from digestbot.settings import Settings, SourceConfig
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core
from tests.http_support import Route, StaticSite, rss, serve_site

CHANNELS = ["C0SEC0001", "C0SEC0002", "C0SEC0003"]

ISSUE = """Northwind Risk’s Weekly Security Digest - {when}

Global Security Matters

Cyber / Defense Technology

  • {news}
    • Analysts expect copycat attacks within weeks.

Atmosphere of Protest

  • Dockworkers in the port of Tirel walked out over a new shift system.
"""


def feed(entries: list[tuple[str, str]], stamp: str) -> bytes:
    """A feed whose entries carry whole issues (dated ``when``), so no page needs fetching."""
    return rss(
        (
            (
                f"Northwind Risk’s Weekly Security Digest - {when}",
                link,
                "<h2>Global Security Matters</h2><h3>Cyber / Defense Technology</h3>"
                f"<ul><li>{'The Orlek grid operator reported a ' * 40}wiper attack on {when}.</li></ul>",
            )
            for when, link in entries
        ),
        stamp,
    )


class Cycle:
    def __init__(self, emulator: SlackEmulator, site: StaticSite, tmp: Path) -> None:
        self.emulator = emulator
        self.site = site
        self.folder = tmp / "watched"
        self.folder.mkdir()
        self.settings = Settings(
            data_dir=tmp / "data",
            slack_bot_token=SecretStr("xoxb-test"),
            slack_api_url=emulator.api_url,
            channels=CHANNELS,
            sources=[
                SourceConfig(location=str(self.folder)),
                SourceConfig(location=site.url("/feed")),
                SourceConfig(location="http://127.0.0.1:9/unreachable-feed"),
            ],
        )
        self.core = self.build()

    def build(self) -> Digestbot:
        """A fresh process's core over the same data (a restart)."""
        return fake_core(
            self.settings,
            publishers=platforms.publishers(self.settings),
            destinations=platforms.configured_destinations(self.settings),
        )

    def run(self) -> None:
        for publisher in self.core.deliverer.publishers.values() if self.core.deliverer else []:
            publisher.interval = 0.0  # type: ignore[attr-defined]
        run_cycle(self.core, self.settings)

    def tops(self, channel: str) -> list[str]:
        return [m["metadata"]["event_payload"]["issue"] for m in self.emulator.messages(channel)]


@pytest.fixture
def cycle(tmp_path: Path) -> Iterator[Cycle]:
    with SlackEmulator() as emulator, serve_site(StaticSite()) as site:
        site.routes["/feed"] = Route(feed([], "Tue, 04 Mar 2031 09:00:00 GMT"), "application/rss+xml")
        yield Cycle(emulator, site, tmp_path)


def test_new_file_is_posted_once_to_three_channels_and_answerable(cycle: Cycle) -> None:
    (cycle.folder / "2031-03-04.txt").write_text(
        ISSUE.format(when="March 4, 2031", news="The Zentrovax crew breached Kestrel Dynamics."),
        encoding="utf-8",
    )
    cycle.run()
    for channel in CHANNELS:
        assert cycle.tops(channel) == ["digestbot-issue-2031-03-04"]
    answer = cycle.core.ask("Zentrovax")
    assert answer.hits and answer.hits[0].date.isoformat() == "2031-03-04"
    cycle.run()
    cycle.core = cycle.build()
    cycle.run()
    assert len(cycle.emulator.calls_to("chat.postMessage")) == 3 * 3  # top + two sections, once each


def test_feed_with_edited_timestamps_posts_nothing_new(
    cycle: Cycle, caplog: pytest.LogCaptureFixture
) -> None:
    entries = [("March 4, 2031", cycle.site.url("/a")), ("March 11, 2031", cycle.site.url("/b"))]
    routes = cycle.site.routes
    routes["/feed"] = Route(feed(entries, "Tue, 11 Mar 2031 09:00:00 GMT"), "application/rss+xml")
    with caplog.at_level(logging.WARNING):
        cycle.run()
    assert cycle.tops(CHANNELS[0]) == ["digestbot-issue-2031-03-11"]  # first run: the latest only
    assert "unreachable-feed" in caplog.text  # logged, and the other sources delivered
    routes["/feed"] = Route(feed(entries, "Wed, 12 Mar 2031 17:45:00 GMT"), "application/rss+xml")
    cycle.run()
    assert cycle.tops(CHANNELS[0]) == ["digestbot-issue-2031-03-11"]
    entries.append(("March 18, 2031", cycle.site.url("/c")))
    routes["/feed"] = Route(feed(entries, "Wed, 19 Mar 2031 08:00:00 GMT"), "application/rss+xml")
    cycle.run()
    for channel in CHANNELS:
        assert cycle.tops(channel) == ["digestbot-issue-2031-03-11", "digestbot-issue-2031-03-18"]
