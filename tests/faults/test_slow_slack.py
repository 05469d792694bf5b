"""Slack slow to say who a member is (users.info stalled, or 429 with Retry-After 5)
before the answer: the command is still answered within Slack's 3 s, with what the
payload says, and the rest is filled in after the answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

import pytest
from sqlalchemy import text

from adapters.slack import app
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import dm, empty_ack, posts, said
from tests.adapters.slack.signed import Response

SLACKS_DEADLINE = 3.0
# The deadline for users.info before the answer, 1.5 s as deployed: shorter here, so a
# stalled call costs the test less; what is checked (answered in time, filled in after)
# is the same.
SHORT = 0.4


def slow_slack(world: SlackWorld) -> None:
    assert world.runtime.listeners is not None
    world.runtime.listeners.lookup_seconds = SHORT


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
    slow_slack(deployed)

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
    slow_slack(deployed)

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
    slow_slack(deployed)

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
    slow_slack(deployed)

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


async def joined_welcome_channel(world: SlackWorld) -> dict[str, str]:
    """An organiser named the welcome channel; the member_joined_channel event for it."""
    world.user("UORG", "olga", admin=True)
    await world.sender.command("/networker", "settings welcome_channel=<#CW|welcome>", user="UORG")
    await world.runtime.listeners.after.drain()
    world.user("UNEW", "nia", "Asia/Tokyo")
    world.double.clear()
    return {"type": "member_joined_channel", "user": "UNEW", "channel": "CW"}


async def test_a_channel_join_is_answered_before_any_web_api_call(deployed: SlackWorld) -> None:
    """member_joined_channel names only the member's id: who they are is asked after the
    answer. A users.info that never answers would hold an answer waiting for it."""
    event = await joined_welcome_channel(deployed)
    deployed.double.stall("users.info")

    response, took = await answered_in_time(deployed.sender.event(event, event_id="EvJoin"))

    assert response.status == 200
    assert took < 1.0
    assert posts(deployed, dm("UNEW")) == []  # still asking who they are
    deployed.double.release()
    await deployed.runtime.listeners.after.drain()
    [welcome] = posts(deployed, dm("UNEW"))
    assert welcome["text"].startswith("Welcome, <@UNEW>!")
    assert await timezone_of(deployed, "UNEW") == ("Nia", "Asia/Tokyo")


async def test_a_channel_join_slack_is_too_slow_to_describe_is_welcomed_by_id(
    deployed: SlackWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "AFTER_ANSWER_SECONDS", 0.2)  # ten seconds in production
    event = await joined_welcome_channel(deployed)
    deployed.double.stall("users.info")

    response, _took = await answered_in_time(deployed.sender.event(event, event_id="EvJoin"))

    assert response.status == 200
    await deployed.runtime.listeners.after.drain()  # the deadline passes; no release
    [welcome] = posts(deployed, dm("UNEW"))
    assert welcome["text"].startswith("Welcome, <@UNEW>!")
