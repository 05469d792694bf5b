"""Pairing on Discord, through discord.py against the REST double: the organiser picks the
pairing channel, members join, and a round opens one private thread per group there."""

from __future__ import annotations

from tests.adapters.discord.conftest import GUILD_ID, DiscordWorld, PickedChannel

COFFEE = "920000000000000077"


async def test_a_round_opens_a_private_thread_per_group_in_the_pairing_channel(
    world: DiscordWorld,
) -> None:
    world.double.text_channel(COFFEE, GUILD_ID, "coffee")
    coffee = PickedChannel(COFFEE, "coffee")
    olga = world.person("olga", organiser=True)
    on = await world.command(olga, "networker", "pairing", action="on", channel=coffee)
    assert f"Pairing is on in <#{COFFEE}>" in on.said, on.said
    [announced] = world.double.messages(COFFEE)  # in the channel, with a Join button
    assert "Pairing rounds start here" in announced.json["content"]
    people = [world.person(name) for name in ("ana", "ben", "cat", "dev")]
    for p in people:
        joined = await world.command(p, "networker", "pairing", action="join", channel=coffee)
        assert "You're in!" in joined.said, joined.said
    world.double.clear()

    run = await world.command(olga, "networker", "pairing", action="run", channel=coffee)
    assert "2 group conversations" in run.said, run.said
    made = world.double.calls("POST", rf"/channels/{COFFEE}/threads")
    assert len(made) == 2 and all(m.json["type"] == 12 for m in made)  # private threads
    added = [c.path.rsplit("/", 1)[1] for c in world.double.calls("PUT", r".*thread-members.*")]
    assert sorted(added) == sorted(p.id for p in people)  # each member in one thread
    for m in made:
        [opening] = world.double.messages(m.answer["id"])
        assert "pairing group" in opening.json["content"]
