"""Slack slow to say who a member is (users.info stalled, or 429 with Retry-After 5)
before the answer: the command is still answered within Slack's 3 s, with what the
payload says, and the rest is filled in after the answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

from sqlalchemy import text

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import dm, empty_ack, posts, said
from tests.adapters.slack.signed import Response

SLACKS_DEADLINE = 3.0


async def answered_in_time(call: Coroutine[Any, Any, Response]) -> tuple[Response, float]:
    """The answer, and how long it took; fails if it took longer than Slack waits."""
    started = time.monotonic()
    response = await asyncio.wait_for(call, SLACKS_DEADLINE)
    return response, time.monotonic() - started


async def timezone_of(world: SlackWorld, user: str) -> tuple[str, str | None]:
    async with world.core.units.sessions() as session:
        row = (
            await session.execute(
                text("SELECT display_name, timezone FROM members WHERE platform_user_id = :u"),
                {"u": user},
            )
        ).one()
    return row[0], row[1]


async def test_a_rate_limited_users_info_does_not_delay_the_answer(deployed: SlackWorld) -> None:
    dana = deployed.user("UDANA", "dana", "Asia/Tokyo")
    deployed.double.rate_limit("users.info", retry_after=5)

    response, took = await answered_in_time(
        deployed.sender.command("/profile", 'skills="kubernetes:expert"', user=dana)
    )

    assert said(response).startswith("Saved.")
    assert took < SLACKS_DEADLINE
    # After the answer, users.info again: the time zone Slack knows is filled in.
    await deployed.runtime.listeners.after.drain()
    assert await timezone_of(deployed, dana) == ("Dana", "Asia/Tokyo")


async def test_a_stalled_users_info_does_not_delay_the_answer(deployed: SlackWorld) -> None:
    dana = deployed.user("UDANA", "dana", "Asia/Tokyo")
    deployed.double.stall("users.info")

    response, took = await answered_in_time(
        deployed.sender.command("/profile", 'skills="kubernetes:expert"', user=dana)
    )

    assert said(response).startswith("Saved.")
    assert took < SLACKS_DEADLINE
    await deployed.runtime.listeners.after.drain()
    assert await timezone_of(deployed, dana) == ("Dana", "Asia/Tokyo")


async def test_an_organiser_slack_cannot_confirm_in_time_is_not_refused(
    deployed: SlackWorld,
) -> None:
    org = deployed.user("UORG", "olga", admin=True)
    deployed.double.stall("users.info")

    response, _took = await answered_in_time(
        deployed.sender.command("/networker", "stats", user=org)
    )

    assert said(response) == (
        "I couldn't check your organiser role with Slack just now; try again in a moment."
    )
    # Learned after the answer: the next try works.
    await deployed.runtime.listeners.after.drain()
    assert "Only organisers" not in said(
        await deployed.sender.command("/networker", "stats", user=org)
    )
    # A member who is not an organiser is still told so.
    dana = deployed.user("UDANA", "dana")
    assert said(await deployed.sender.command("/networker", "stats", user=dana)).startswith(
        "Only organisers can do that."
    )


async def test_a_member_named_while_slack_is_slow_is_filled_in_after(
    deployed: SlackWorld,
) -> None:
    dana = deployed.user("UDANA", "dana")
    ana = deployed.user("UANA", "ana", "America/Chicago")
    await deployed.sender.command("/networker", "me", user=dana)  # Dana is known
    await deployed.runtime.listeners.after.drain()
    deployed.double.stall("users.info")

    response, _took = await answered_in_time(
        deployed.sender.command("/thanks", "<@UANA|ana_s> for the CV review", user=dana)
    )

    assert said(response) == "Thank-you sent to <@UANA>."
    await deployed.runtime.listeners.after.drain()
    assert len(posts(deployed, dm(ana))) == 1
    assert await timezone_of(deployed, ana) == ("Ana", "America/Chicago")


async def test_a_form_is_opened_after_the_answer(deployed: SlackWorld) -> None:
    dana = deployed.user("UDANA", "dana")
    await deployed.sender.command("/networker", "me", user=dana)  # users.info is cached
    await deployed.runtime.listeners.after.drain()
    deployed.double.stall("views.open")

    response, _took = await answered_in_time(deployed.sender.command("/profile", "", user=dana))

    empty_ack(response)
    deployed.double.release()
    await deployed.runtime.listeners.after.drain()
    [opened] = deployed.double.calls_to("views.open")
    assert opened.params["view"]["callback_id"] == "profile.save"
