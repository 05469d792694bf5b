"""PostgreSQL frozen, stopped and back, through a loopback proxy in front of it, seen from
Slack: the real adapter over HTTP with the Web API double.

Members get a clear private answer within Slack's deadline and nothing changes; /healthz
says 503 within a second; the log says the outage once, with a count when it ends; a
button that did not go through says so and still works afterwards."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import text

from bot.config import DatabaseTimeouts, Settings
from bot.services.app import DATABASE_AWAY, DATABASE_UNSURE
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.adapters.slack.conftest import (
    SlackWorld,
    _no_proxy_no_slack_env,
    slack_double,
    slack_world,
)
from tests.adapters.slack.double import SlackApiDouble
from tests.adapters.slack.helpers import (
    button,
    dm,
    group,
    posts,
    press,
    said,
    set_profile,
    shown,
)
from tests.fakes import FakeClock
from tests.faults.db_proxy import DatabaseProxy

__all__ = ["_no_proxy_no_slack_env", "slack_double"]

# Short, so the tests are quick; the defaults keep the same proportions to Slack's 3 s.
TIMEOUTS = DatabaseTimeouts(connect=0.5, statement=1.0, pool=0.5)
AWAY = DATABASE_AWAY.text
OUTAGE = "database unavailable; members are asked to try again"


@pytest.fixture
async def slack(
    slack_double: SlackApiDouble, proxy: DatabaseProxy, clock: FakeClock, config: Settings
) -> AsyncIterator[SlackWorld]:
    """The Slack adapter on PostgreSQL through the proxy, with the short timeouts."""
    async with slack_world(
        slack_double,
        clock,
        config,
        proxy.url,
        engine=make_engine(proxy.url, TIMEOUTS),
        database_connect_timeout=TIMEOUTS.connect,
        database_statement_timeout=TIMEOUTS.statement,
        database_pool_timeout=TIMEOUTS.pool,
    ) as world:
        try:
            yield world
        finally:
            proxy.thaw()  # before the world shuts down on it


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


async def healthz(slack: SlackWorld) -> tuple[int, float]:
    """/healthz's status, and how long it took."""
    started = time.monotonic()
    async with (
        aiohttp.ClientSession(trust_env=False) as http,
        http.get(f"http://127.0.0.1:{slack.runtime.port}/healthz") as response,
    ):
        return response.status, time.monotonic() - started


async def timed_command(
    slack: SlackWorld, command: str, text_: str, user: str
) -> tuple[str, float]:
    started = time.monotonic()
    answer = said(await slack.sender.command(command, text_, user=user))
    return answer, time.monotonic() - started


def outage_lines(log: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in log.records if r.getMessage() == OUTAGE]


def back_lines(log: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in log.records if r.getMessage().startswith("database back")]


def tracebacks(log: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in log.records if r.exc_info]


async def bio_of(postgres_database: str, user: str) -> str:
    engine = make_engine(postgres_database)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                text("SELECT bio FROM members WHERE platform_user_id = :u"), {"u": user}
            )
    finally:
        await engine.dispose()
    return str(found)


pytestmark = pytest.mark.postgres


async def test_a_frozen_database_gets_a_clear_answer_in_time_and_one_log_line(
    slack: SlackWorld, proxy: DatabaseProxy, postgres_database: str, log: pytest.LogCaptureFixture
) -> None:
    ana = slack.user("UANA", "ana")
    await set_profile(slack, ana, 'bio="Platform engineer"')
    proxy.freeze()

    for _ in range(5):
        answer, took = await timed_command(slack, "/profile", 'bio="Changed"', ana)
        assert answer == AWAY
        assert took < 2.0  # a connection check is cut off at the connect timeout (0.5 s)
    status, took = await healthz(slack)
    assert status == 503
    assert took < 1.5  # its own one-second bound

    assert len(outage_lines(log)) == 1
    assert tracebacks(log) == []
    assert back_lines(log) == []

    proxy.thaw()
    answer, _ = await timed_command(slack, "/profile", 'bio="Changed after all"', ana)
    assert answer.startswith("Saved."), answer
    [back] = back_lines(log)
    assert back == "database back after 6 failed attempts"  # five commands, one probe
    assert await bio_of(postgres_database, ana) == "Changed after all"
    assert (await healthz(slack))[0] == 200


async def test_a_stopped_database_gets_the_same_answer_and_recovery_is_immediate(
    slack: SlackWorld, proxy: DatabaseProxy, postgres_database: str, log: pytest.LogCaptureFixture
) -> None:
    ana = slack.user("UANA", "ana")
    await set_profile(slack, ana, 'bio="Platform engineer"')
    await proxy.stop()

    for _ in range(3):
        answer, took = await timed_command(slack, "/profile", 'bio="Changed"', ana)
        assert answer == AWAY
        assert took < 1.0  # refused at once
    assert (await healthz(slack))[0] == 503
    assert len(outage_lines(log)) == 1
    assert tracebacks(log) == []
    assert await bio_of(postgres_database, ana) == "Platform engineer"

    await proxy.start()  # the server is back: the pooled connections died with it
    answer, _ = await timed_command(slack, "/profile", 'bio="Changed"', ana)
    assert answer.startswith("Saved."), answer
    assert len(back_lines(log)) == 1
    assert await bio_of(postgres_database, ana) == "Changed"


async def test_the_database_hanging_mid_command_fails_it_within_the_statement_timeout(
    slack: SlackWorld, proxy: DatabaseProxy, postgres_database: str, log: pytest.LogCaptureFixture
) -> None:
    ana = slack.user("UANA", "ana")
    await set_profile(slack, ana, 'bio="Platform engineer"')
    # The UPDATE carries the new bio: connected, member read, then no answer.
    proxy.freeze_on(b"Hung mid-way")

    answer, took = await timed_command(slack, "/profile", 'bio="Hung mid-way"', ana)

    assert answer == AWAY
    assert took < 2.0  # the statement timeout (1 s), and no wait to roll back
    proxy.thaw()  # the held UPDATE reaches the server now, on a connection already dropped
    await asyncio.sleep(0.2)
    assert await bio_of(postgres_database, ana) == "Platform engineer"
    answer, _ = await timed_command(slack, "/profile", 'bio="Changed again"', ana)
    assert answer.startswith("Saved."), answer
    assert await bio_of(postgres_database, ana) == "Changed again"
    assert len(outage_lines(log)) == 1 and len(back_lines(log)) == 1
    assert tracebacks(log) == []


async def test_a_button_pressed_while_the_database_is_away_says_so_and_still_works(
    slack: SlackWorld, proxy: DatabaseProxy, log: pytest.LogCaptureFixture
) -> None:
    ana, dana = slack.user("UANA", "ana"), slack.user("UDANA", "dana")
    await set_profile(slack, ana, 'skills="kubernetes:expert"')
    await slack.sender.command("/ask", "<@UANA|ana> could you review our helm charts", user=dana)
    accept = button(posts(slack, dm(ana))[-1]["blocks"], "Accept")
    slack.double.clear()
    proxy.freeze()

    [answer] = await press(slack, ana, accept)

    assert shown(answer["blocks"]) == AWAY
    assert answer["replace_original"] is False  # the consent DM keeps its buttons
    assert posts(slack) == []  # nobody heard of an acceptance
    assert tracebacks(log) == []

    proxy.thaw()
    answers = await press(slack, ana, accept)
    assert answers[-1]["text"] == "Wonderful, you're connected! I've opened a conversation for you."
    assert all(a["replace_original"] is True for a in answers)
    assert len(posts(slack, group(ana, dana))) == 1  # the conversation opens once


async def test_an_event_during_an_outage_fails_quietly_and_its_retry_is_handled(
    slack: SlackWorld, proxy: DatabaseProxy, log: pytest.LogCaptureFixture
) -> None:
    ana = slack.user("UANA", "ana")
    await set_profile(slack, ana, 'bio="Platform engineer"')
    opened = {"type": "app_home_opened", "user": ana, "channel": dm(ana), "tab": "home"}
    await proxy.stop()

    first = await slack.sender.event(opened, event_id="EvHome")

    assert first.status == 500  # Slack will retry
    assert slack.double.calls_to("views.publish") == []
    assert tracebacks(log) == []
    await proxy.start()
    retry = await slack.sender.event(opened, event_id="EvHome", retry_num=1)
    assert retry.status == 200
    assert len(slack.double.calls_to("views.publish")) == 1


async def test_healthz_answers_within_a_second_with_the_default_timeouts(
    slack: SlackWorld, proxy: DatabaseProxy
) -> None:
    engine = make_engine(proxy.url)
    slack.core.units = SqlUnitOfWorkFactory(engine)
    try:
        assert (await healthz(slack))[0] == 200  # a pooled connection, to be checked later
        proxy.freeze()
        status, took = await healthz(slack)
        assert status == 503
        assert took < 1.5
        answer, took = await timed_command(slack, "/whoknows", "k8s", "UANA")
        assert answer == AWAY
        assert took < 3.0  # Slack's deadline: the default connect timeout is 2 s
    finally:
        proxy.thaw()
        await engine.dispose()


async def test_a_database_frozen_during_the_commit_says_the_outcome_is_unknown(
    slack: SlackWorld, proxy: DatabaseProxy, postgres_database: str, log: pytest.LogCaptureFixture
) -> None:
    ana = slack.user("UANA", "ana")
    await set_profile(slack, ana, 'bio="Platform engineer"')
    proxy.freeze_on(b"COMMIT")  # the change reached the server; its COMMIT hangs

    answer, took = await timed_command(slack, "/profile", 'bio="Changed"', ana)

    assert answer == DATABASE_UNSURE.text
    assert "nothing was changed" not in answer
    assert took < 2.5  # the statement timeout (1 s), and no wait to roll back
    assert tracebacks(log) == []
    assert len(outage_lines(log)) == 1
    proxy.thaw()  # the held COMMIT goes on, or dies with its dropped connection
    await asyncio.sleep(0.2)
    assert await bio_of(postgres_database, ana) in ("Platform engineer", "Changed")
    answer, _ = await timed_command(slack, "/profile", 'bio="Changed again"', ana)
    assert answer.startswith("Saved."), answer
    assert await bio_of(postgres_database, ana) == "Changed again"
