"""Faults injected from outside: the real Slack adapter over loopback HTTP, with the Web
API double, as in tests/adapters/slack (whose fixtures these tests share)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from tests.adapters.slack.conftest import (
    SECRET,
    SlackWorld,
    _no_proxy_no_slack_env,
    slack,
    slack_double,
    start_slack,
)
from tests.adapters.slack.double import SlackApiDouble
from tests.adapters.slack.signed import SlackSender
from tests.adapters.slack.test_http import fresh_engine
from tests.fakes import FakeClock
from tests.faults.db_proxy import DatabaseProxy

__all__ = ["_no_proxy_no_slack_env", "deployed", "slack", "slack_double"]


@pytest.fixture
async def deployed(
    slack_double: SlackApiDouble, db_url: str, clock: FakeClock, config: Settings
) -> AsyncIterator[SlackWorld]:
    """Like `slack`, but as deployed: what follows an answer runs in a task of its own, so
    a test sees when the answer itself leaves (`world.runtime.listeners.after.drain()`
    waits for the rest)."""
    settings = config.model_copy(
        update={
            "slack_bot_token": "xoxb-test",
            "slack_signing_secret": SECRET,
            "slack_api_url": slack_double.base_url,
            "database_url": db_url,
        }
    )
    engine = await fresh_engine(db_url)
    runtime = await start_slack(settings, engine, clock, background=True)
    sender = SlackSender(
        SECRET,
        f"http://127.0.0.1:{runtime.port}/slack/events",
        default_response_url=slack_double.response_url("default"),
    )
    try:
        yield SlackWorld(slack_double, runtime.core, runtime, sender, clock)
    finally:
        slack_double.release()
        await sender.close()
        await runtime.stop()
        await engine.dispose()


@pytest.fixture
async def proxy(postgres_database: str) -> AsyncIterator[DatabaseProxy]:
    """PostgreSQL behind a loopback proxy a test can freeze, stop and restart."""
    engine = await fresh_engine(postgres_database)  # a clean slate, straight to the server
    await engine.dispose()
    async with DatabaseProxy(postgres_database) as proxy:
        yield proxy
