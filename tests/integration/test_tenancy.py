"""Communities are tenants: nothing crosses them. Unknown communities; platform retries."""

from __future__ import annotations

import pytest

from bot.messages import Button
from bot.services import commands as c
from bot.services.app import Networker
from tests.driver import Community, button_on, names_in
from tests.fakes import FakeMessenger

WHY = "you both run Python meetups and could share speakers"
NEED = "could you review my python packaging setup before the release"


@pytest.fixture
async def other(app: Networker, messenger: FakeMessenger) -> Community:
    """A second community on the same platform, whose members have the same user ids."""
    await app.register_community("test", "T2", "Other Association")
    return Community(app, messenger, "T2")


async def test_profiles_and_searches_stay_in_their_community(
    community: Community, other: Community
) -> None:
    await community.member("ana").profile('skills="python:expert" bio="Ana in T1"')
    await other.member("ben").profile('skills="python:expert"')
    assert names_in(await community.member("dana").whoknows("python")) == ["Ana"]
    assert names_in(await other.member("dana").whoknows("python")) == ["Ben"]
    # The same platform user is a different member in each community.
    other_ana = other.member("ana")
    text = await other_ana.my_profile()
    assert "Skills: none yet" in text
    assert "Ana in T1" not in text
    assert "Ana in T1" not in (await other.member("dana").view(other_ana)).text


async def test_typo_suggestions_only_use_the_communitys_own_topics(
    community: Community, other: Community
) -> None:
    await community.member("ana").profile('skills="zorbling:expert"')
    assert names_in(await community.member("dana").whoknows("zorbing")) == ["Ana"]
    result = await other.member("dana").whoknows("zorbing")
    assert names_in(result) == []
    assert "zorbling" not in result.text


async def test_buttons_from_one_community_do_nothing_in_another(
    community: Community, other: Community
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await ana.profile('skills="python:expert"')
    await eve.intro(ana, ben, WHY)
    accept = ana.button("Accept")
    ask = button_on(await community.member("dana").whoknows("python"), "Ask Ana")
    sent = len(community.messenger.sent)

    ana_elsewhere = other.member("ana")
    refused = await ana_elsewhere.press(accept)
    assert not refused.ok
    assert "That request no longer exists." in refused.text
    asked = await other.member("dana").press(ask, {"request": NEED})
    assert not asked.ok
    assert "not here any more" in asked.text
    assert len(community.messenger.sent) == sent

    # The real answer in the right community still works.
    await ana.press(accept)
    await ben.press(ben.button("Accept"))
    assert len(eve.groups()) == 1


async def test_settings_and_aliases_stay_in_their_community(
    community: Community, other: Community
) -> None:
    org = community.member("olga", organiser=True)
    await org.settings("asks_channel", "#asks")
    await org.alias("snek", "python")
    await other.member("ana").profile('skills="python:expert"')
    result = await other.member("dana").whoknows("snek")
    assert names_in(result) == []
    assert "#asks" not in result.text
    assert "asks_channel: off" in (await other.member("olga", organiser=True).settings()).text


async def test_organisers_of_one_community_are_not_organisers_of_another(
    community: Community, other: Community
) -> None:
    await community.member("olga", organiser=True).settings("whoknows_results", "2")
    refused = await other.member("olga").settings("whoknows_results", "1")
    assert not refused.ok
    assert "Only organisers" in refused.text


async def test_thanks_and_balances_stay_in_their_community(
    community: Community, other: Community
) -> None:
    await community.member("ana").thank(community.member("ben"), "for the help in T1")
    assert "thanks received 1" in (await community.member("ben").me()).text
    assert "thanks received 0" in (await other.member("ben").me()).text
    assert (await other.member("ben").export())["thanks"] == []


async def test_stats_count_only_their_community(community: Community, other: Community) -> None:
    await community.member("dana").ask(community.member("ana"), NEED)
    await other.member("zed").profile('skills="python"')
    stats = (await other.member("olga", organiser=True).stats()).text
    assert "Members: 2" in stats  # zed and olga
    assert "Help requests: 0 sent" in stats


async def test_the_same_workspace_id_on_two_platforms_is_two_communities(
    app: Networker, community: Community
) -> None:
    discord = FakeMessenger()
    app.messengers["discord"] = discord
    await app.register_community("discord", "T1", "Discord namesake")
    elsewhere = Community(app, discord, "T1", platform="discord")
    await community.member("ana").profile('skills="python:expert"')
    assert names_in(await elsewhere.member("dana").whoknows("python")) == []


async def test_registering_a_community_again_keeps_its_data(
    app: Networker, community: Community
) -> None:
    await community.member("ana").profile('skills="python:expert"')
    again = await app.register_community("test", "T1", "Renamed Association")
    assert again.name == "Test Association"
    assert names_in(await community.member("dana").whoknows("python")) == ["Ana"]


# --- unknown communities --------------------------------------------------------------------


UNKNOWN_COMMANDS = [
    c.EditProfile(text='skills="python:expert"'),
    c.WhoKnows("python"),
    c.Ask(c.MemberRef("U-ana", "Ana"), NEED),
    c.Intro(c.MemberRef("U-ana", "Ana"), c.MemberRef("U-ben", "Ben"), WHY),
    c.Thank(c.MemberRef("U-ana", "Ana"), "for the help"),
    c.Me(),
    c.Export(),
    c.Forget(confirmed=True),
    c.Pause(),
    c.Settings("asks_channel", "#asks"),
    c.Stats(),
    c.Press("consent.accept", "1"),
]


@pytest.mark.parametrize("command", UNKNOWN_COMMANDS, ids=lambda cmd: type(cmd).__name__)
async def test_a_command_in_an_unknown_community_gets_a_clear_message_and_changes_nothing(
    app: Networker, messenger: FakeMessenger, command: c.Command
) -> None:
    stranger = Community(app, messenger, "NOPE").member("dana", organiser=True)
    result = await stranger.do(command)
    assert not result.ok
    assert "Networker isn't set up for this community yet." in result.text
    assert "Ask an organiser to install it" in result.text
    assert messenger.sent == []

    # Installing it afterwards starts from a clean slate.
    await app.register_community("test", "NOPE", "Late Association")
    late = Community(app, messenger, "NOPE")
    assert "Skills: none yet" in await late.member("dana").my_profile()
    assert names_in(await late.member("zed").whoknows("python")) == []
    # dana and zed, who looked around, and olga: nothing from before the install.
    assert "Members: 3" in (await late.member("olga", organiser=True).stats()).text


async def test_an_unknown_platform_is_an_unknown_community(
    app: Networker, community: Community, messenger: FakeMessenger
) -> None:
    stranger = Community(app, messenger, "T1", platform="carrier-pigeon").member("dana")
    result = await stranger.do(c.WhoKnows("python"))
    assert "isn't set up for this community yet" in result.text


# --- platform retries -----------------------------------------------------------------------


async def test_a_retried_event_is_handled_once(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    first = await dana.event(c.Ask(ana.ref, NEED), "Ev-1")
    assert first is not None and first.ok
    assert await dana.event(c.Ask(ana.ref, NEED), "Ev-1") is None
    assert len(ana.dms()) == 1
    assert "You're waiting to hear from @Ana." in (await dana.me()).text


async def test_retried_button_presses_and_thanks_are_handled_once(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await dana.ask(ana, NEED)
    accept = ana.button("Accept")
    press = c.Press(accept.action, accept.value)
    assert await ana.event(press, "Ev-press") is not None
    assert await ana.event(press, "Ev-press") is None
    assert len(ana.groups()) == 1

    thank = c.Thank(ana.ref, "for the packaging review")
    assert await dana.event(thank, "Ev-thanks") is not None
    assert await dana.event(thank, "Ev-thanks") is None
    assert len([dm for dm in ana.dms() if "thanked you" in dm]) == 1
    assert "thanks given 1" in (await dana.me()).text


async def test_different_events_are_each_handled(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await dana.event(c.Thank(ana.ref, "for the first favour"), "Ev-a")
    await dana.event(c.Thank(ana.ref, "for the second favour"), "Ev-b")
    assert len(ana.dms()) == 2


async def test_read_only_commands_are_deduplicated_too(community: Community) -> None:
    dana = community.member("dana")
    assert await dana.event(c.WhoKnows("python"), "Ev-search") is not None
    assert await dana.event(c.WhoKnows("python"), "Ev-search") is None


async def test_event_ids_are_per_platform(app: Networker, community: Community) -> None:
    discord = FakeMessenger()
    app.messengers["discord"] = discord
    await app.register_community("discord", "G1", "Guild")
    guild = Community(app, discord, "G1", platform="discord")
    ana = community.member("ana")
    await community.member("dana").event(c.Thank(ana.ref, "for the favour"), "Ev-same")
    guild_ana = guild.member("ana")
    result = await guild.member("dana").event(c.Thank(guild_ana.ref, "for the favour"), "Ev-same")
    assert result is not None and result.ok
    assert len(discord.to(guild_ana.id)) == 1


async def test_a_refused_event_is_refused_again_on_retry(community: Community) -> None:
    dana = community.member("dana")
    bad = c.Thank(dana.ref, "for being me")
    first = await dana.event(bad, "Ev-self")
    second = await dana.event(bad, "Ev-self")
    assert first is not None and not first.ok
    assert second is not None and not second.ok
    assert community.messenger.sent == []


async def test_an_unknown_button_in_an_unknown_community_is_refused(
    app: Networker, messenger: FakeMessenger
) -> None:
    stranger = Community(app, messenger, "NOPE").member("dana")
    result = await stranger.press(Button("x", "no.such.action", "1"))
    assert not result.ok
    assert messenger.sent == []
