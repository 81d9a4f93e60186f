"""The core facade every adapter calls: ingest(), ask(), latest(), story(), watch notices, and chat state.

It is platform-neutral: it never imports Slack, Teams, APScheduler, HTTP frameworks or mrkdwn.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digestbot.answers import ask as answer_question
from digestbot.delivery.delivery import Deliverer, DeliveryReport, PlannedPost, Publisher
from digestbot.delivery.stories import Story, story_of
from digestbot.delivery.watching import DirectMessenger, NoticeReport, WatchNotifier
from digestbot.domain import Answer, AnswerItem, Destination, Hit, Issue, IssueSummary
from digestbot.errors import DigestbotError, NotFoundError
from digestbot.ingest.ingest_report import IngestReport, IngestResult, Progress
from digestbot.ingest.poller import SourcePoller
from digestbot.ingest.sources import Document, SourceReader
from digestbot.parse import parse_document
from digestbot.search import SearchEngine
from digestbot.settings import SourceConfig
from digestbot.store import Archive, ChatState
from digestbot.store.archive import stored_hit
from digestbot.telemetry.metrics import Metrics, MetricsSink

if TYPE_CHECKING:
    from digestbot.evaluation import EvalReport

log = logging.getLogger(__name__)


DATABASE_UNAVAILABLE = "database: unavailable"


@dataclass(frozen=True)
class Readiness:
    """Whether this process can serve: the database answers and the search index is loaded; if not,
    ``reason`` says what is missing (safe to show anyone: no database URL, no error text)."""

    ready: bool
    reason: str | None = None


class Digestbot:
    """The application core. Built once at the entry point (see ``digestbot.app.build_core``)."""

    def __init__(
        self,
        archive: Archive,
        chat: ChatState,
        engine: SearchEngine,
        reader: SourceReader,
        *,
        poller: SourcePoller | None = None,
        deliverer: Deliverer | None = None,
        notifier: WatchNotifier | None = None,
        default_k: int = 5,
        max_question_chars: int = 500,
        timeline_items: int = 60,
        metrics: Metrics | None = None,
    ) -> None:
        self.archive = archive
        self.chat = chat
        self.engine = engine
        self.reader = reader
        self.poller = poller
        self.deliverer = deliverer
        self.notifier = notifier
        self.watches = notifier.watches if notifier is not None else None
        self.default_k = default_k
        self.max_question_chars = max_question_chars
        self.timeline_items = timeline_items
        self.metrics = metrics or Metrics()

    # -- archive ----------------------------------------------------------------------------------

    def ingest(
        self,
        locations: Iterable[str],
        *,
        date: dt.date | None = None,
        url: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, parse and store every document the locations name; then bring the index up to date.

        A bad document is reported and skipped; the others go on, and nothing stored is lost.
        """
        report = IngestReport()
        for document in self.reader.read_all(list(locations)):
            result = self._ingest_one(document, date=date, url=url)
            report.results.append(result)
            if progress is not None:
                progress(result)
        if report.changed:
            self.engine.refresh()
        return report

    def _ingest_one(
        self, document: Document | DigestbotError, *, date: dt.date | None, url: str | None
    ) -> IngestResult:
        if isinstance(document, DigestbotError):
            return IngestResult(source=getattr(document, "source", None) or "", error=str(document))
        try:
            issue = parse_document(
                document.data, source=document.source, fmt=document.fmt, url=url or document.url, date=date
            )
            self.engine.store_vectors(issue)  # first: a replica that sees the issue finds its vectors
            outcome = self.archive.save_issue(issue, source=document.source)
        except DigestbotError as exc:
            return IngestResult(source=document.source, error=str(exc))
        log.info("ingested %s: %s (%s)", document.source, issue.date, outcome.value)
        return IngestResult(source=document.source, date=issue.date, outcome=outcome)

    def poll(self, sources: Sequence[SourceConfig]) -> IngestReport:
        """Ingest what is new in the configured sources; a broken source or document is reported in the
        result (the caller logs it), and the others go on."""
        if self.poller is None:
            raise DigestbotError("source polling is not configured")
        report = IngestReport()
        for polled in self.poller.poll(sources):
            found = polled if isinstance(polled, DigestbotError) else polled.document
            result = self._ingest_one(found, date=None, url=None)
            if result.error is None and not isinstance(polled, DigestbotError):
                self.poller.mark_ingested(polled)
            report.results.append(result)
        if report.changed:
            self.engine.refresh()
        if not report.failed:
            self.metrics.polled(time.time())
        return report

    def sync_index(self) -> bool:
        """Bring the index up to date if another process (a replica, ``digestbot ingest``) changed the
        archive; True if it did. The serving layer calls this every few seconds."""
        return self.engine.sync()

    def plan_delivery(self, issue_date: dt.date | None = None) -> list[PlannedPost]:
        """What ``deliver_new`` would post where (for ``digestbot post --dry-run``)."""
        return self._deliverer().plan(issue_date)

    def deliver_new(self, issue_date: dt.date | None = None) -> DeliveryReport:
        """Post each new issue (or the given one) to every destination that does not have it yet."""
        report = self._deliverer().deliver(issue_date)
        for outcome in ("posted", "reconciled", "failed", "skipped", "busy"):
            self.metrics.delivered(outcome, len(getattr(report, outcome)))
        return report

    def attach_publisher(self, publisher: Publisher, destinations: Sequence[Destination] = ()) -> None:
        """Deliver to one more platform (e.g. the console), and to ``destinations`` always."""
        self._deliverer().attach(publisher, destinations)

    def posts(self, issue_date: dt.date, platform: str) -> list[tuple[str, str]]:
        """Where that issue was posted on that platform: (channel id, post reference) pairs."""
        return [] if self.deliverer is None else self.deliverer.posts(issue_date, platform)

    def channels(self, platform: str) -> list[Destination]:
        """The destinations of that platform that receive each new issue (configured and subscribed)."""
        configured = self.deliverer.configured if self.deliverer is not None else []
        found: dict[str, Destination] = {}
        for dest in [*configured, *self.chat.destinations(platform)]:
            if dest.platform == platform:
                found.setdefault(dest.channel_id, dest)
        return list(found.values())

    # -- watches ----------------------------------------------------------------------------------

    def notify_watches(self) -> NoticeReport:
        """Send each watch's user the items of every new issue about its topic, once per (issue, watch).
        The index is brought up to date first, so an issue another process ingested is matched too."""
        if self.notifier is None:
            return NoticeReport()
        self.engine.sync()
        return self.notifier.notify(self.engine.snapshot().issue_dates, self.matches)

    def attach_messenger(self, messenger: DirectMessenger) -> None:
        """Send watch notices to the users of one more platform (e.g. the console)."""
        if self.notifier is not None:
            self.notifier.attach(messenger)

    def matches(self, topic: str, issue_date: dt.date) -> tuple[AnswerItem, ...]:
        """The items of that issue about a topic, as an answer scoped to the issue would use them."""
        answer = self.ask(topic, issue_date=issue_date)
        if answer.widened_from is not None:  # nothing in that issue: the answer searched every issue
            return ()
        return tuple(item for item in answer.items if item.hit.date == issue_date)

    def _deliverer(self) -> Deliverer:
        if self.deliverer is None:
            raise DigestbotError("no chat destinations can be posted to: configure Slack or Teams first")
        return self.deliverer

    def issues(self) -> list[IssueSummary]:
        """Every issue in the archive, oldest first."""
        return self.archive.list_issues()

    def show(self, date: dt.date) -> Issue:
        """The issue of that date; NotFoundError names the dates that do exist nearby."""
        issue = self.archive.get_issue(date)
        if issue is None:
            raise NotFoundError(
                f"no issue dated {date.isoformat()} in the archive{_nearby(self.archive, date)}"
            )
        return issue

    def latest(self) -> Issue | None:
        """The newest issue, or None for an empty archive (cached until the archive changes)."""
        return self.archive.latest_issue()

    def newest_date(self) -> dt.date | None:
        """The newest issue's date (one cheap query), or None for an empty archive."""
        return self.archive.latest_date()

    def hits(self, item_ids: Sequence[int]) -> list[Hit]:
        """Stored items by id, as hits in the order asked (unknown ids are left out)."""
        found = {item.id: item for item in self.archive.items(item_ids)}
        return [stored_hit(found[item_id]) for item_id in item_ids if item_id in found]

    # -- answers ----------------------------------------------------------------------------------

    def reindex(self) -> str:
        """Rebuild the search index from the store (stored vectors are reused); what was done."""
        return self.engine.reindex()

    def evaluate(self, questions: Path) -> EvalReport:
        """Answer quality on a questions file, for each search mode (see ``digestbot.evaluation``)."""
        from digestbot.evaluation import evaluate

        self.engine.ensure_index()

        def ask(question: str, mode: str) -> Answer:
            return answer_question(
                self.engine, question, k=self.default_k, max_chars=self.max_question_chars, mode=mode
            )

        return evaluate(ask, self.archive.issue_dates(), questions)

    # -- operations -------------------------------------------------------------------------------

    def observe(self, sink: MetricsSink) -> None:
        """Count questions, deliveries and polls in ``sink`` from now on (``serve``'s /metrics)."""
        self.metrics.attach(sink)

    def ready(self) -> Readiness:
        """Whether the database answers and the index is loaded (``/readyz``, which anyone may call: the
        reason names no database, the details go to the log)."""
        try:
            self.archive.db.ping()
        except DigestbotError:
            return Readiness(False, DATABASE_UNAVAILABLE)
        if not self.engine.loaded:
            return Readiness(False, "the search index is not loaded yet")
        return Readiness(True)

    def index_items(self) -> int:
        """How many items the loaded search index holds (0 until it is loaded)."""
        return self.engine.size

    def warm_up(self) -> None:
        """Load the search index and the embedding model now, so no user waits for them."""
        self.engine.ensure_index()
        self.ask("warm up")

    def story(self, topic: str) -> Story:
        """Every item about a topic across issues, oldest first (a timeline), as answers choose items."""
        return story_of(topic, self.ask(topic, k=self.timeline_items))

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer:
        """Answer a question from the archive, citing the issue date and section of every item used."""
        return answer_question(
            self.engine,
            question,
            k=k or self.default_k,
            issue_date=issue_date,
            max_chars=self.max_question_chars,
        )


def _nearby(archive: Archive, date: dt.date) -> str:
    dates = archive.issue_dates()
    if not dates:
        return " (the archive is empty; run `digestbot ingest` first)"
    closest = sorted(dates, key=lambda known: abs((known - date).days))[:3]
    return " (closest: " + ", ".join(day.isoformat() for day in sorted(closest)) + ")"
