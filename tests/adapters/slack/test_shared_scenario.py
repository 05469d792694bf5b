"""The shared scenario (tests/e2e/scenario/story.py) through the Slack adapter."""

from __future__ import annotations

from tests.adapters.slack.conftest import SlackWorld
from tests.e2e.scenario.drivers import SlackDriver
from tests.e2e.scenario.story import run_scenario


async def test_shared_scenario_on_slack(slack: SlackWorld) -> None:
    await run_scenario(SlackDriver(slack))
