"""The interval job every bot process runs: catch-up at start, and prompts due at once.

The job's interval is an hour here, so anything that arrives within seconds arrived
because of the start-up pass or the nudge after a command, not because of the interval.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.bootstrap import Runtime, bootstrap
from bot.config import Settings
from bot.messages import DirectMessage
from tests.driver import Community
from tests.fakes import FakeClock, FakeMessenger

WAIT = 10.0  # seconds; generous for a loaded machine, never reached when it works


@pytest.fixture
async def runtime(
    tmp_path: Path, clock: FakeClock, messenger: FakeMessenger
) -> AsyncIterator[Runtime]:
    settings = Settings(  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.db", prompt_interval=3600, _env_file=None
    )
    started = await bootstrap(settings, clock=clock, messengers={"test": messenger})
    yield started
    await started.close()


class SignallingMessenger(FakeMessenger):
    """Records like FakeMessenger, and wakes whoever waits for a message."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()

    async def send_dm(self, community: str, dm: DirectMessage) -> None:
        await super().send_dm(community, dm)
        self.arrived.set()


@pytest.fixture
def messenger() -> SignallingMessenger:
    return SignallingMessenger()


async def until(messenger: SignallingMessenger, condition: Callable[[], bool]) -> None:
    async def wait() -> None:
        while not condition():
            messenger.arrived.clear()
            await messenger.arrived.wait()

    await asyncio.wait_for(wait(), WAIT)


async def test_due_prompts_go_out_at_start_and_right_after_the_answer(
    runtime: Runtime, clock: FakeClock, messenger: FakeMessenger
) -> None:
    await runtime.app.register_community("test", "T1", "Test Association")
    town = Community(runtime.app, messenger, "T1")
    ana, bob, cara = town.member("ana"), town.member("bob"), town.member("cara")
    await ana.profile('skills="kubernetes:expert"')
    await cara.intro(bob, ana, "Bob is moving to Kubernetes")
    for party in (bob, ana):
        await party.press(party.button("Accept"))

    # Every process was down while "did you connect?" fell due: the first pass sends it.
    clock.advance(days=4)
    runtime.start_prompts()
    await until(messenger, lambda: any("How did it go with" in text for text in bob.dms()))

    # "Helpful" schedules the thank-you prompt due at once: it does not wait an hour.
    await bob.press(bob.button("Helpful"))
    await until(messenger, lambda: any("Say thanks to" in text for text in bob.dms()))
    assert any("says it was helpful" in text for text in cara.dms())
