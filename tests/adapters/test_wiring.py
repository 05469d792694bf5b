"""How a process is wired: the credentials choose the adapters, and bootstrap builds the
core around their messengers, so nothing is patched into the core later."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest

from adapters.configured import factories_for
from adapters.slack.runtime import SlackAdapter
from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.services.app import Networker
from bot.store.engine import make_engine
from tests.fakes import FakeMessenger

SLACK = {"slack_bot_token": "xoxb-test", "slack_signing_secret": "test-secret"}
DISCORD = {"discord_token": "test-token"}


@pytest.fixture(autouse=True)
def _no_platform_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DISCORD_")):
            monkeypatch.delenv(name)


def settings(**values: Any) -> Settings:
    return Settings(database_url="sqlite+aiosqlite://", _env_file=None, **values)


@pytest.mark.parametrize(
    ("credentials", "worker", "expected"),
    [
        ({}, False, []),
        (SLACK, False, ["slack"]),
        (DISCORD, False, ["discord"]),
        ({**SLACK, **DISCORD}, False, ["slack", "discord"]),
        # A worker process only shares Slack's HTTP port: one gateway connection per bot.
        ({**SLACK, **DISCORD}, True, ["slack"]),
        (DISCORD, True, []),
    ],
)
async def test_the_credentials_choose_the_adapters(
    credentials: dict[str, str], worker: bool, expected: list[str]
) -> None:
    chosen = settings(**credentials)
    engine = make_engine(chosen.database_url)
    try:
        built = [factory(chosen, engine) for factory in factories_for(chosen, worker=worker)]
    finally:
        await engine.dispose()
    assert [adapter.name for adapter in built] == expected
    for adapter in built:
        if isinstance(adapter, SlackAdapter):
            assert adapter.worker is worker


@dataclass
class RecordingAdapter:
    events: list[str]
    name: str = "test"
    messenger: FakeMessenger = field(default_factory=FakeMessenger)
    core: Networker | None = None
    fails: bool = False

    async def start(self, core: Networker, *, listen: bool) -> None:
        self.events.append(f"{self.name} start, listen={listen}")
        if self.fails:
            raise OSError("address in use")
        self.core = core

    async def stop(self) -> None:
        self.events.append(f"{self.name} stop")


async def test_the_core_is_built_with_every_messenger_and_its_prompt_nudge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []
    adapter = RecordingAdapter(events)
    console = FakeMessenger()
    runtime = await bootstrap(
        settings(), [lambda _s, _e: adapter], messengers={"console": console}, migrate=False
    )
    stop_scheduler = runtime.scheduler.stop

    async def scheduler_stop() -> None:
        events.append("scheduler stop")
        await stop_scheduler()

    monkeypatch.setattr(runtime.scheduler, "stop", scheduler_stop)
    try:
        assert runtime.adapters == (adapter,)
        assert dict(runtime.app.messengers) == {"console": console, "test": adapter.messenger}
        assert runtime.dispatcher.messengers == runtime.app.messengers
        assert runtime.app.prompts_due == runtime.scheduler.kick
        assert adapter.core is None  # the adapter gets the core when it starts
        await runtime.start_adapters(listen=False)
        assert adapter.core is runtime.app
    finally:
        await runtime.close()
    # The dispatch pass under way finishes while the adapters can still send.
    assert events == ["test start, listen=False", "scheduler stop", "test stop"]


async def test_an_adapter_that_fails_to_start_is_stopped_and_the_rest_never_start() -> None:
    events: list[str] = []
    first, broken = RecordingAdapter(events, "first"), RecordingAdapter(events, "broken")
    broken.fails = True
    last = RecordingAdapter(events, "last")
    runtime = await bootstrap(
        settings(),
        [lambda _s, _e: first, lambda _s, _e: broken, lambda _s, _e: last],
        migrate=False,
    )
    try:
        with pytest.raises(OSError):
            await runtime.start_adapters()
    finally:
        await runtime.close()
    assert events == [
        "first start, listen=True",
        "broken start, listen=True",
        "broken stop",
        "first stop",
    ]
