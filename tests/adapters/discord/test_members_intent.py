"""DISCORD_MEMBERS_INTENT=true: a member joining the server gets the welcome DM, once."""

from __future__ import annotations

from tests.adapters.discord.conftest import GUILD_ID, DiscordWorld, drain, member_payload


async def test_joining_the_server_brings_one_welcome_dm_when_the_intent_is_on(
    world: DiscordWorld,
) -> None:
    nia = world.person("nia")
    joined = {**member_payload(nia), "guild_id": GUILD_ID}

    # Off by default (the intent is privileged): nobody is welcomed.
    world.gateway("GUILD_MEMBER_ADD", joined)
    await drain()
    assert world.dm_texts(nia) == []

    world.settings = world.settings.model_copy(update={"discord_members_intent": True})
    await world.restart()
    assert world.client.intents.members
    world.gateway("GUILD_MEMBER_ADD", joined)
    await drain()
    world.gateway("GUILD_MEMBER_ADD", joined)  # again (left and came back): still one
    await drain()
    [welcome] = world.dm_texts(nia)
    assert welcome.startswith(f"Welcome, <@{nia.id}>!")
