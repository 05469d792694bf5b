"""Fixtures for tests that talk to Slack code over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.app import PLATFORM
from adapters.slack.runtime import SlackAdapter
from bot.config import Settings
from bot.services.app import Networker
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.adapters.slack.double import FakeUser, SlackApiDouble
from tests.adapters.slack.signed import SlackSender
from tests.database import fresh_engine
from tests.fakes import FakeClock

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy_no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk honours HTTPS_PROXY (and ignores NO_PROXY), and slack-bolt reads
    SLACK_SIGNING_SECRET / SLACK_BOT_TOKEN / SLACK_CLIENT_ID+SECRET (which turn OAuth on)."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("SLACK_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack_double() -> AsyncIterator[SlackApiDouble]:
    async with SlackApiDouble() as double:
        yield double


SECRET = "test-signing-secret"


@dataclass
class SlackWorld:
    """The real Slack adapter on a free loopback port, a Web API double, and a sender."""

    double: SlackApiDouble
    core: Networker
    runtime: SlackAdapter
    sender: SlackSender
    clock: FakeClock

    def user(
        self, user_id: str, name: str, tz: str = "Europe/Berlin", *, admin: bool = False
    ) -> str:
        self.double.users[user_id] = FakeUser(name, name.capitalize(), tz, is_admin=admin)
        return user_id


async def start_slack(
    settings: Settings, engine: AsyncEngine, clock: FakeClock, *, background: bool = False
) -> SlackAdapter:
    """The Slack adapter wired to a core as bootstrap wires it (the core gets its messenger,
    the adapter the core), listening on a free loopback port; the core has the test's clock.
    `background=False`: deliveries finish before each HTTP response returns."""
    settings = settings.model_copy(update={"host": "127.0.0.1", "port": 0})
    adapter = SlackAdapter(settings, engine, background=background)
    units = SqlUnitOfWorkFactory(engine, settings.database_timeouts)
    core = Networker(units, clock, settings, {PLATFORM: adapter.messenger})
    await adapter.start(core, listen=True)
    return adapter


@asynccontextmanager
async def slack_world(
    double: SlackApiDouble,
    clock: FakeClock,
    config: Settings,
    db_url: str,
    *,
    engine: AsyncEngine | None = None,
    background: bool = False,
    **settings: Any,
) -> AsyncIterator[SlackWorld]:
    """The one way the Slack tests build their world: the real adapter with a bot token
    on a free port, the Web API double, a signed sender, a core with the test's clock.

    `engine`: one made by the caller (default: a fresh database at `db_url`);
    `background`: what follows an answer runs in a task of its own, as deployed (a test
    then sees when the answer itself leaves; `runtime.listeners.after.drain()` waits for
    the rest); `settings`: more settings (e.g. the database timeouts)."""
    config = config.model_copy(
        update={
            "slack_bot_token": "xoxb-test",
            "slack_signing_secret": SECRET,
            "slack_api_url": double.base_url,
            "database_url": db_url,
            **settings,
        }
    )
    engine = engine or await fresh_engine(db_url)
    runtime = await start_slack(config, engine, clock, background=background)
    sender = SlackSender(
        SECRET,
        f"http://127.0.0.1:{runtime.port}/slack/events",
        default_response_url=double.response_url("default"),
    )
    try:
        yield SlackWorld(double, runtime.core, runtime, sender, clock)
    finally:
        double.release()  # a call a test stalled must not hold the shutdown
        await sender.close()
        await runtime.stop()
        await engine.dispose()


@pytest.fixture
async def slack(
    slack_double: SlackApiDouble, db_url: str, clock: FakeClock, config: Settings
) -> AsyncIterator[SlackWorld]:
    async with slack_world(slack_double, clock, config, db_url) as world:
        yield world
