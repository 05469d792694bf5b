"""Guilds as communities: joining one registers it, leaving it stops everything there;
commands need a guild, the bot's DM buttons do not."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.store.tables import communities, members
from tests.adapters.discord.conftest import (
    GUILD_ID,
    DiscordWorld,
    drain,
    guild_payload,
)
from tests.adapters.discord.double import BOT_ID, user_payload

NEW_GUILD = "910000000000000002"
NOT_SET_UP = "Networker isn't set up for this community yet.\nAsk an organiser to install it, then try again."
NEEDS_GUILD = (
    "Networker's commands work inside your community's server.\n"
    "Run the command there; the bot's buttons in DMs work anywhere."
)


async def community(world: DiscordWorld, guild_id: str) -> tuple[str, bool] | None:
    async with world.engine.connect() as conn:
        row = (
            await conn.execute(
                select(communities.c.name, communities.c.active).where(
                    communities.c.platform == "discord", communities.c.external_id == guild_id
                )
            )
        ).first()
    return (row.name, row.active) if row else None


async def member_count(world: DiscordWorld) -> int:
    async with world.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(members))).scalar_one())


async def test_a_guild_the_bot_joins_becomes_a_community(world: DiscordWorld) -> None:
    dana = world.person("dana")
    before = await world.command(dana, "networker", "help", guild_id=NEW_GUILD)
    assert before.said == NOT_SET_UP

    world.gateway("GUILD_CREATE", guild_payload(NEW_GUILD, "Kubernetes Berlin"))
    await drain()

    assert await community(world, NEW_GUILD) == ("Kubernetes Berlin", True)
    after = await world.command(dana, "networker", "help", guild_id=NEW_GUILD)
    assert "/whoknows" in after.said


async def test_leaving_a_guild_stops_commands_and_buttons_there(world: DiscordWorld) -> None:
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")
    consent = world.dm(ana)

    world.gateway("GUILD_DELETE", {"id": GUILD_ID})
    await drain()
    world.double.clear()

    assert await community(world, GUILD_ID) == ("Test Guild", False)
    assert (await world.command(dana, "whoknows", topic="k8s")).said == NOT_SET_UP
    pressed = await world.press(ana, consent, "Accept")  # an old DM from that guild
    assert pressed.said == NOT_SET_UP  # ephemeral; the DM itself is left as it was
    assert world.double.calls("POST", r"/channels/\d+/messages") == []

    # Added back: everything works again, and the request was kept.
    world.gateway("GUILD_CREATE", guild_payload(GUILD_ID, "Test Guild"))
    await drain()
    assert await community(world, GUILD_ID) == ("Test Guild", True)
    again = await world.press(ana, consent, "Accept")
    assert again.content == f"Thank you! Waiting for <@{ben.id}> to answer too."


async def test_guilds_joined_while_the_bot_was_offline_become_communities(
    world: DiscordWorld,
) -> None:
    """On connecting, the gateway announces every guild the bot is in (READY, then one
    GUILD_CREATE each); discord.py calls those guild_available, not guild_join."""
    state = world.client._connection
    state.shard_count, state.shard_ids = 1, [0]  # what launching the shards sets
    state.guild_ready_timeout = 0.05

    world.gateway(
        "READY",
        {
            "v": 10,
            "user": user_payload(BOT_ID, "networker", bot=True),
            "guilds": [
                {"id": GUILD_ID, "unavailable": True},
                {"id": NEW_GUILD, "unavailable": True},
            ],
            "session_id": "session",
            "resume_gateway_url": "wss://gateway.invalid",
            "shard": [0, 1],
            "application": {"id": BOT_ID, "flags": 0},
        },
    )
    world.gateway("GUILD_CREATE", guild_payload(GUILD_ID, "Test Guild"))
    world.gateway("GUILD_CREATE", guild_payload(NEW_GUILD, "Added While Offline"))
    await asyncio.wait_for(world.client.wait_until_ready(), 5)
    await drain()

    assert await community(world, NEW_GUILD) == ("Added While Offline", True)


async def test_commands_from_dms_are_refused_without_any_change(world: DiscordWorld) -> None:
    ana, dana = world.person("ana"), world.person("dana")
    before = await member_count(world)

    for name, options in (
        ("whoknows", {"topic": "k8s"}),
        ("thanks", {"member": ana, "note": "for the help"}),
        ("profile", {}),
    ):
        answer = await world.command(dana, name, dm=True, **options)
        assert answer.said == NEEDS_GUILD
        assert answer.data["allowed_mentions"] == {"users": [], "parse": []}
    answer = await world.command(
        dana, "networker", "settings", dm=True, key="thanks_daily_cap", value="5"
    )
    assert answer.said == NEEDS_GUILD

    assert await member_count(world) == before
    assert [r.path.split("/")[1] for r in world.double.requests] == ["interactions"] * 4
