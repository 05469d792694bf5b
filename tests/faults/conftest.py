"""Faults injected from outside: the real Slack adapter over loopback HTTP, with the Web
API double, as in tests/adapters/slack (whose fixtures these tests share)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from tests.adapters.slack.conftest import (
    SlackWorld,
    _no_proxy_no_slack_env,
    slack,
    slack_double,
    slack_world,
)
from tests.adapters.slack.double import SlackApiDouble
from tests.database import fresh_engine
from tests.fakes import FakeClock
from tests.faults.db_proxy import DatabaseProxy

__all__ = ["_no_proxy_no_slack_env", "deployed", "slack", "slack_double"]


@pytest.fixture
async def deployed(
    slack_double: SlackApiDouble, db_url: str, clock: FakeClock, config: Settings
) -> AsyncIterator[SlackWorld]:
    """Like `slack`, but as deployed: what follows an answer runs in a task of its own."""
    async with slack_world(slack_double, clock, config, db_url, background=True) as world:
        yield world


@pytest.fixture
async def proxy(postgres_database: str) -> AsyncIterator[DatabaseProxy]:
    """PostgreSQL behind a loopback proxy a test can freeze, stop and restart."""
    engine = await fresh_engine(postgres_database)  # a clean slate, straight to the server
    await engine.dispose()
    async with DatabaseProxy(postgres_database) as proxy:
        yield proxy
