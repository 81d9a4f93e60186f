"""Issue 19's reproductions at the install pages: anonymous GETs of /slack/install cannot grow the database
(expired states are deleted, unfinished installs are bounded), ``team`` is a workspace id or a 400 and
never reaches Slack's URL unencoded, and the error page escapes once. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select, update

from digestbot.slack.install_pages import BAD_TEAM, TOO_MANY
from digestbot.store import Database
from digestbot.store.models import slack_oauth_states
from tests.slack.oauth_support import NORTH, Rig

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
EXPECTED_FIELDS = {"state", "client_id", "scope", "user_scope"}


def states(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(slack_oauth_states)) or 0


def expire_every_state(db: Database) -> None:
    with db.transaction() as session:
        session.execute(update(slack_oauth_states).values(expire_at=dt.datetime(2000, 1, 1)))


@pytest.mark.parametrize("rig", [{"slack_max_pending_installs": 20}], indirect=True)
def test_anonymous_gets_of_the_install_page_cannot_grow_the_database(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    db = rig.core.archive.db
    with caplog.at_level(logging.WARNING):
        answers = [rig.http.get(f"{rig.url}/slack/install") for _ in range(30)]
    assert [answer.status_code for answer in answers] == [302] * 20 + [429] * 10
    assert answers[-1].text == TOO_MANY and answers[-1].headers["retry-after"] == "60"
    assert states(db) == 20
    [line] = [record.getMessage() for record in caplog.records if "unfinished" in record.getMessage()]
    assert line.startswith("Slack: refused 1 install(s)")  # then at most once a minute
    assert not [record for record in caplog.records if record.exc_info]

    expire_every_state(db)  # ten minutes later: nobody came back
    assert rig.http.get(f"{rig.url}/slack/install").status_code == 302
    assert states(db) == 1  # the expired ones are gone, the new one is kept
    assert rig.install(NORTH).status_code == 200  # a real install still goes through


@pytest.mark.parametrize(
    "team",
    [
        "T1&user_scope=admin",
        "T1&redirect_uri=https://evil.example/steal",
        "☃",
        "T1\r\nSet-Cookie: a=b",
        "t0lower",
        "",
        "T" + "A" * 40,
    ],
)
def test_a_bad_team_is_a_400_with_one_line_and_no_state(rig: Rig, team: str) -> None:
    answer = rig.http.get(f"{rig.url}/slack/install", params={"team": team})
    assert (answer.status_code, answer.text) == (400, BAD_TEAM)
    assert states(rig.core.archive.db) == 0


def test_two_teams_are_refused_and_a_good_one_is_the_only_team_in_slacks_url(rig: Rig) -> None:
    twice = rig.http.get(f"{rig.url}/slack/install?team={NORTH}&team=T0OTHER99")
    assert twice.status_code == 400
    answer = rig.http.get(f"{rig.url}/slack/install", params={"team": NORTH, "redirect_uri": "https://x"})
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query, keep_blank_values=True)
    assert set(query) == EXPECTED_FIELDS | {"team"}  # the app's redirect URI is not set in these settings
    assert query["team"] == [NORTH] and query["scope"] == [",".join(rig.settings.slack_scopes)]


def test_the_error_page_escapes_the_reason_exactly_once(rig: Rig) -> None:
    page = rig.http.get(f"{rig.url}/slack/oauth_redirect", params={"error": "<b>x</b> & co"})
    assert page.status_code == 200
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in page.text
    assert "&amp;lt;" not in page.text and "<b>" not in page.text
    long = rig.http.get(f"{rig.url}/slack/oauth_redirect", params={"error": "x" * 5000 + "\x1b[2J"})
    assert "x" * 100 in long.text and "x" * 101 not in long.text and "\x1b" not in long.text
