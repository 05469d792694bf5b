"""A Discord button pressed while PostgreSQL is down (through the loopback proxy): the
member gets a private answer, the consent DM keeps its buttons, and pressing again once
the database is back works."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.services.app import DATABASE_AWAY
from bot.store.engine import make_engine
from tests.adapters.discord.conftest import (
    GUILD_ID,
    DiscordWorld,
    discord_double,
    set_profile,
    settings_for,
)
from tests.adapters.discord.double import DiscordDouble, dm_channel
from tests.fakes import FakeClock
from tests.faults.db_proxy import DatabaseProxy

__all__ = ["discord_double"]

pytestmark = pytest.mark.postgres


@pytest.fixture
async def world(
    discord_double: DiscordDouble, proxy: DatabaseProxy, clock: FakeClock, config: Settings
) -> AsyncIterator[DiscordWorld]:
    settings = settings_for(config, discord_double, proxy.url)
    engine = make_engine(proxy.url)
    found = DiscordWorld(discord_double, settings, clock, engine, _engines=[engine])
    await found.start()
    await found.core.register_community("discord", GUILD_ID, "Test Guild")
    discord_double.clear()
    try:
        yield found
    finally:
        await found.close()


async def test_a_button_pressed_while_the_database_is_down_says_so_and_still_works(
    world: DiscordWorld, proxy: DatabaseProxy
) -> None:
    ana, dana = world.person("ana"), world.person("dana")
    await set_profile(world, ana, 'skills="kubernetes:expert"')
    await world.command(dana, "ask", member=ana, request="How do I move Jenkins jobs to k8s?")
    consent = world.dm(ana)
    world.double.clear()
    await proxy.stop()

    pressed = await world.press(ana, consent, "Accept")

    assert pressed.said == DATABASE_AWAY.text  # ephemeral (type 4), not an edit (type 7)
    assert world.double.dms(dana.id) == []
    await proxy.start()
    accepted = await world.press(ana, consent, "Accept")
    assert accepted.type == 7  # now the consent DM shows the outcome
    assert accepted.content.startswith("Wonderful, you're connected!")
    assert [r.path for r in world.double.calls("POST", r"/channels/\d+/messages")] == [
        f"/channels/{dm_channel(dana.id)}/messages",
        f"/channels/{dm_channel(ana.id)}/messages",
    ]
