"""Prompts on Discord, what only Discord does: the prompts command's choices, how the REST
API refuses a DM, discord.py's own retries, and the nonce that makes a prompt re-sent
after a crash one message. The stories both platforms tell the same way are in
tests/adapters/test_shared_prompts.py."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import discord.http
import pytest
from sqlalchemy import update

from bot.messages import DirectMessage, message
from bot.prompts.kinds import SWITCHABLE
from bot.store.tables import prompts
from tests.adapters.discord.conftest import GUILD_ID, DiscordWorld
from tests.adapters.discord.double import dm_channel
from tests.adapters.discord.prompting import DiscordPrompts
from tests.adapters.prompting import (
    ANA,
    connected_only_ana_asked,
    sent_after_its_back_off,
    unreachable_from_now_on,
)


def ana_dms(d: DiscordPrompts) -> str:
    """Where the bot posts a DM to Ana, as a request path pattern."""
    return rf"/channels/{dm_channel(d.user_id(ANA))}/messages"


async def test_the_prompts_command_offers_its_choices(world: DiscordWorld) -> None:
    group = world.client.tree.get_command("networker")
    assert group is not None
    found = next(o for o in group.to_dict(world.client.tree)["options"] if o["name"] == "prompts")
    options = {o["name"]: o for o in found["options"]}
    assert [c["value"] for c in options["switch"]["choices"]] == ["on", "off"]
    assert [c["value"] for c in options["kind"]["choices"]] == [k.value for k in SWITCHABLE]
    assert not options["switch"].get("required") and not options["kind"].get("required")


# --- delivery failures --------------------------------------------------------------------------


async def test_dms_closed_cancels_the_prompt_and_marks_the_member_unreachable(
    world: DiscordWorld,
) -> None:
    d = DiscordPrompts(world)
    await connected_only_ana_asked(d)
    world.double.fail("POST", ana_dms(d), 403, 50007, "closed")

    report = await d.after(days=4)

    assert report.sent == 0 and d.dms(ANA) == []
    await unreachable_from_now_on(d, "dms_closed")


async def test_a_server_error_is_retried_on_a_later_tick(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def instant(delay: float, result: Any = None) -> Any:
        if delay:
            slept.append(delay)
        return await real_sleep(0, result)

    monkeypatch.setattr(discord.http.asyncio, "sleep", instant)
    d = DiscordPrompts(world)
    await connected_only_ana_asked(d)
    world.double.server_error("POST", ana_dms(d), times=5)

    first = await d.after(days=4)

    assert first.sent == 0 and d.dms(ANA) == []
    assert len(world.double.calls("POST", ana_dms(d))) == 5  # discord.py's own four retries
    assert slept == [1, 3, 5, 7, 9]
    await sent_after_its_back_off(d, "DiscordServerError")
    assert len(d.dms(ANA)) == 1


# --- the nonce: a repeat after a crash is one message ----------------------------------------------


async def test_a_prompt_resent_after_a_crash_is_one_message(world: DiscordWorld) -> None:
    d = DiscordPrompts(world)
    world.double.clock = lambda: world.clock.now().timestamp()
    await connected_only_ana_asked(d)
    assert (await d.after(days=4)).sent == 1
    [check] = await d.checks_of(ANA)
    # The process died after Discord took the message and before it recorded "sent".
    async with world.core.units.sessions() as session:
        await session.execute(
            update(prompts)
            .where(prompts.c.id == check["id"])
            .values(
                state="sending",
                sent_at=None,
                receipt=None,  # recorded with "sent": nothing of it was
                due_at=world.clock.now() + timedelta(seconds=world.settings.prompt_lease),
            )
        )
        await session.commit()
    assert (await d.tick()).claimed == 0  # the lease holds

    again = await d.after(seconds=world.settings.prompt_lease + 30)

    assert again.sent == 1
    receipts = world.double.calls("POST", ana_dms(d))
    assert [r.json["nonce"] for r in receipts] == [f"p{check['id']}"] * 2
    assert len(d.dms(ANA)) == 1  # Discord kept the first: one DM
    assert receipts[1].answer["id"] == receipts[0].answer["id"]
    [check] = await d.checks_of(ANA)
    assert (check["state"], check["attempts"]) == ("sent", 2)


async def test_the_same_key_twice_is_one_message_within_the_nonce_window(
    world: DiscordWorld,
) -> None:
    world.double.clock = lambda: world.clock.now().timestamp()
    ana = world.person("ana")
    messenger = world.core.messengers["discord"]
    dm = DirectMessage(ana.id, message("Hello from a prompt"), key="p42")

    await messenger.send_dm(GUILD_ID, dm)
    await messenger.send_dm(GUILD_ID, dm)
    other = DirectMessage(ana.id, message("Another prompt"), key="p43")
    await messenger.send_dm(GUILD_ID, other)

    assert len(world.double.calls("POST", rf"/channels/{dm_channel(ana.id)}/messages")) == 3
    assert world.dm_texts(ana) == ["Hello from a prompt", "Another prompt"]
    assert len(world.double.created) == 2

    world.clock.advance(minutes=6)  # Discord remembers a nonce for a few minutes only
    await messenger.send_dm(GUILD_ID, dm)
    assert world.dm_texts(ana) == ["Hello from a prompt", "Another prompt", "Hello from a prompt"]
