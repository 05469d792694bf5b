"""The shared scenario (tests/e2e/scenario/story.py) through the console adapter."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.scenario.drivers import ConsoleDriver
from tests.e2e.scenario.story import run_scenario
from tests.e2e.terminal import console_community


async def test_shared_scenario_on_the_console(tmp_path: Path) -> None:
    async with console_community(tmp_path) as term:
        await run_scenario(ConsoleDriver(term))
