"""One bot token serves one workspace. A signed request from another one (reachable
through Slack Connect channels) is refused: it never becomes a community, and never
makes the bot message members of the installed workspace."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    dm,
    home_action,
    posts,
    said,
    set_profile,
    shown,
    writes,
)

REFUSED = (
    "This Networker is installed for another workspace.\n"
    "Ask an organiser of your own workspace to install Networker there."
)


async def communities(slack: SlackWorld) -> list[str]:
    async with slack.core.units.sessions() as session:
        found = await session.execute(text("SELECT external_id FROM communities"))
        return sorted(row[0] for row in found)


async def members(slack: SlackWorld) -> list[str]:
    async with slack.core.units.sessions() as session:
        found = await session.execute(text("SELECT platform_user_id FROM members"))
        return sorted(row[0] for row in found)


@pytest.fixture
async def installed(slack: SlackWorld) -> SlackWorld:
    """T1 (the token's workspace) with Ana and Bob, who list kubernetes."""
    for user in ("UANA", "UBOB"):
        slack.user(user, user[1:].lower())
        await set_profile(slack, user, 'skills="kubernetes:expert"')
    slack.user("UEVE", "eve")  # Slack knows her: users.info answers for any team's user
    slack.double.clear()
    return slack


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("/networker", "me"),
        ("/intro", "<@UANA|ana> <@UBOB|bob> you both run infrastructure teams at hospitals"),
        ("/ask", "<@UANA|ana> could you review our helm charts"),
        ("/thanks", "<@UANA|ana> for the help"),
        ("/profile", 'skills="kubernetes:expert"'),
    ],
)
async def test_a_command_from_another_workspace_is_refused(
    installed: SlackWorld, command: str, words: str
) -> None:
    answer = said(await installed.sender.command(command, words, user="UEVE", team="T2"))

    assert answer == REFUSED
    assert writes(installed) == []  # no DM, no group, no modal
    assert await communities(installed) == ["T1"]
    assert await members(installed) == ["UANA", "UBOB"]


async def test_a_button_from_another_workspace_is_refused(installed: SlackWorld) -> None:
    response = await installed.sender.action(
        "account.pause:0",
        "",
        user="UEVE",
        team="T2",
        response_url=installed.double.response_url("pressed"),
    )

    assert response.status == 200
    [answer] = installed.double.responses["pressed"]
    assert shown(answer["blocks"]) == REFUSED
    assert answer["replace_original"] is False
    assert writes(installed) == []
    assert await communities(installed) == ["T1"]
    # From App Home (no response_url) it is dropped.
    pressed = {"action_id": "account.pause:0", "value": "", "text": {"text": "Pause"}}
    home = await installed.sender.interactive(home_action("UEVE", pressed, team="T2"))
    assert home.status == 200
    assert writes(installed) == []
    assert await members(installed) == ["UANA", "UBOB"]


async def test_an_event_from_another_workspace_is_ignored(installed: SlackWorld) -> None:
    joined = {"type": "team_join", "user": {"id": "UEVE", "name": "eve", "tz": "UTC"}}
    response = await installed.sender.event(joined, team="T2", event_id="EvT2")

    assert response.status == 200
    assert posts(installed, dm("UEVE")) == []
    assert writes(installed) == []
    assert await members(installed) == ["UANA", "UBOB"]


async def test_the_installed_workspace_is_still_served(installed: SlackWorld) -> None:
    await installed.sender.command("/networker", "me", user="UEVE", team="T2")
    assert said(await installed.sender.command("/networker", "me", user="UEVE")).startswith(
        "Your Networker summary"
    )
    assert await members(installed) == ["UANA", "UBOB", "UEVE"]
