"""The shared scenario (tests/e2e/scenario/story.py) through the Discord adapter,
without an intro channel: each connection reaches every party as the same DM."""

from __future__ import annotations

from tests.adapters.discord.conftest import DiscordWorld
from tests.e2e.scenario.drivers import DiscordDriver
from tests.e2e.scenario.story import run_scenario


async def test_shared_scenario_on_discord(world: DiscordWorld) -> None:
    await run_scenario(DiscordDriver(world))
