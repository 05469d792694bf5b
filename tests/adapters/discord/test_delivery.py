"""What the messenger sends through the REST API once both sides accept: a private thread
in the intro channel (or DMs without one), and what happens on 403, 429 and missing
permissions."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import discord
import pytest

from bot.prompts.dispatcher import Dispatcher
from tests.adapters.discord.conftest import (
    GUILD_ID,
    INTROS,
    Answer,
    DiscordWorld,
    Person,
    drain,
    set_profile,
)
from tests.adapters.discord.double import APP_ID, dm_channel

THREAD_MESSAGES = r"/channels/96\d+/messages"


async def intro_channel(world: DiscordWorld, channel: str = INTROS) -> None:
    olga = world.person("olga", organiser=True)
    said = (
        await world.command(
            olga, "networker", "settings", key="intro_channel", value=f"<#{channel}>"
        )
    ).said
    assert said.startswith("Saved: intro"), said


async def introduced(world: DiscordWorld) -> tuple[Person, Person, Person]:
    """Dana introduced Ana and Ben; Ben accepted. Ana's Accept opens the conversation."""
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")
    await world.press(ben, world.dm(ben), "Accept")
    return ana, ben, dana


async def accept_last(world: DiscordWorld, ana: Person) -> Answer:
    consent = world.double.dms(ana.id)[0]
    world.double.clear()
    return await world.press(ana, consent, "Accept")


# --- DMs --------------------------------------------------------------------------------------


async def test_a_dm_opens_the_dm_channel_then_posts_with_limited_mentions(
    world: DiscordWorld,
) -> None:
    ana, dana = world.person("ana"), world.person("dana")

    await world.command(dana, "thanks", member=ana, note="for the helm review")

    [opened] = world.double.calls("POST", "/users/@me/channels")
    assert opened.json == {"recipient_id": int(ana.id)}
    assert opened.headers["Authorization"] == "Bot test-bot-token"
    [sent] = world.double.calls("POST", r"/channels/\d+/messages")
    assert sent.path == f"/channels/{dm_channel(ana.id)}/messages"
    assert {k: v for k, v in sent.json.items() if k != "nonce"} == {
        "content": f"<@{dana.id}> thanked you: “for the helm review”",
        "components": [],
        "enforce_nonce": True,
        "tts": False,
        "allowed_mentions": {"users": [int(dana.id)], "parse": []},
    }


# --- connected intros: a private thread ---------------------------------------------------------


async def test_both_accept_opens_a_private_thread_with_the_three(world: DiscordWorld) -> None:
    world.double.text_channel(INTROS, GUILD_ID, "intros")
    await intro_channel(world)
    ana, ben, dana = await introduced(world)

    accepted = await accept_last(world, ana)

    assert accepted.content.startswith("Wonderful, you're connected! Your conversation is on its")
    assert accepted.shown == "Wonderful, you're connected! I've opened a conversation for you."
    [thread_made] = world.double.calls("POST", rf"/channels/{INTROS}/threads")
    thread = thread_made.answer["id"]
    assert world.double.routes()[1:] == [
        ("GET", f"/channels/{INTROS}"),
        ("POST", f"/channels/{INTROS}/threads"),
        ("PUT", f"/channels/{thread}/thread-members/{ana.id}"),
        ("PUT", f"/channels/{thread}/thread-members/{ben.id}"),
        ("PUT", f"/channels/{thread}/thread-members/{dana.id}"),
        ("POST", f"/channels/{thread}/messages"),
        ("PATCH", f"/webhooks/{APP_ID}/{accepted.interaction['token']}/messages/@original"),
    ]
    assert thread_made.json == {
        "name": "Intro: Ana and Ben",
        "auto_archive_duration": 1440,
        "type": 12,  # a private thread
        "invitable": False,
        "rate_limit_per_user": None,
    }
    for put in world.double.calls("PUT", r"/channels/\d+/thread-members/\d+"):
        assert put.json is None and put.status == 204
    [opening] = world.double.messages(thread)
    assert opening.json["content"] == (
        f"<@{ana.id}>, meet <@{ben.id}>! <@{dana.id}> introduced you:\n"
        "“Both run Kubernetes meetups”\n"
        f"Over to you both. When it helped, a /thanks to <@{dana.id}> goes a long way."
    )
    assert opening.json["allowed_mentions"] == {
        "users": [int(ana.id), int(ben.id), int(dana.id)],  # each once, or Discord says 400
        "parse": [],
    }
    assert world.double.calls("POST", "/users/@me/channels") == []  # no DMs


async def test_a_thread_made_before_its_message_failed_is_reused_by_the_retry(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_sleep = asyncio.sleep

    async def instant(delay: float, result: Any = None) -> Any:  # discord.py's 5xx waits
        return await real_sleep(0, result)

    monkeypatch.setattr(discord.http.asyncio, "sleep", instant)
    world.double.text_channel(INTROS, GUILD_ID, "intros")
    await intro_channel(world)
    ana, ben, dana = await introduced(world)
    world.double.server_error("POST", THREAD_MESSAGES, times=5)  # every try discord.py makes

    accepted = await accept_last(world, ana)

    assert accepted.shown == (
        "Wonderful, you're connected! Your conversation is on its way: "
        "/networker me shows it until it's open."
    )
    [thread_made] = world.double.calls("POST", rf"/channels/{INTROS}/threads")
    thread = thread_made.answer["id"]
    assert world.double.messages(thread) == []

    world.clock.advance(minutes=1, seconds=1)  # the back-off's first wait
    pass_ = Dispatcher(world.core.units, world.clock, world.settings, dict(world.core.messengers))
    assert (await pass_.run_due()).sent == 1

    assert len(world.double.calls("POST", rf"/channels/{INTROS}/threads")) == 1  # no second
    [opening] = world.double.messages(thread)
    assert opening.json["content"].startswith(f"<@{ana.id}>, meet <@{ben.id}>!")
    refused = world.double.calls("POST", rf"/channels/{thread}/messages")[0]
    assert opening.json["nonce"] == refused.json["nonce"]  # one delivery key, as the nonce
    members = {r.path for r in world.double.calls("PUT", rf"/channels/{thread}/thread-members/\d+")}
    assert members == {f"/channels/{thread}/thread-members/{p.id}" for p in (ana, ben, dana)}


async def test_a_channel_the_gateway_announced_is_not_fetched_again(world: DiscordWorld) -> None:
    world.double.text_channel(INTROS, GUILD_ID, "intros")
    world.gateway("CHANNEL_CREATE", world.double.channels[INTROS])  # cached by discord.py
    await intro_channel(world)
    ana, _ben, _dana = await introduced(world)

    await accept_last(world, ana)

    assert world.double.calls("GET", r"/channels/\d+") == []
    assert len(world.double.calls("POST", rf"/channels/{INTROS}/threads")) == 1


async def test_an_accepted_help_request_opens_a_thread_of_the_two(world: DiscordWorld) -> None:
    world.double.text_channel(INTROS, GUILD_ID)
    await intro_channel(world)
    ana, dana = world.person("ana"), world.person("dana")
    await set_profile(world, ana, 'skills="kubernetes:expert"')
    await world.command(dana, "ask", member=ana, request="How do I move Jenkins jobs to k8s?")

    await accept_last(world, ana)

    [made] = world.double.calls("POST", rf"/channels/{INTROS}/threads")
    assert made.json["name"] == "Dana and Ana" and made.json["type"] == 12
    members = [p.path.rsplit("/", 1)[1] for p in world.double.calls("PUT", r".*thread-members.*")]
    assert members == [dana.id, ana.id]
    [opening] = world.double.calls("POST", THREAD_MESSAGES)
    assert "“How do I move Jenkins jobs to k8s?”" in opening.json["content"]


async def test_without_an_intro_channel_each_party_gets_a_dm(world: DiscordWorld) -> None:
    ana, ben, dana = await introduced(world)

    await accept_last(world, ana)

    assert world.double.calls("POST", r"/channels/\d+/threads") == []
    opened = [r.json["recipient_id"] for r in world.double.calls("POST", "/users/@me/channels")]
    assert opened == [int(ana.id), int(ben.id), int(dana.id)]
    for who in (ana, ben, dana):
        assert world.dm(who).json["content"].startswith(f"<@{ana.id}>, meet <@{ben.id}>!")


async def test_without_an_intro_channel_a_retry_sends_only_the_dms_that_failed(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_sleep = asyncio.sleep

    async def instant(delay: float, result: Any = None) -> Any:  # discord.py's 5xx waits
        return await real_sleep(0, result)

    monkeypatch.setattr(discord.http.asyncio, "sleep", instant)
    ana, ben, dana = await introduced(world)
    world.double.server_error("POST", f"/channels/{dm_channel(ben.id)}/messages", times=5)

    await accept_last(world, ana)

    assert [len(world.double.dms(p.id)) for p in (ana, ben, dana)] == [1, 0, 1]
    world.clock.advance(minutes=1, seconds=1)  # the back-off's first wait
    pass_ = Dispatcher(world.core.units, world.clock, world.settings, dict(world.core.messengers))
    assert (await pass_.run_due()).sent == 1

    assert [len(world.double.dms(p.id)) for p in (ana, ben, dana)] == [1, 1, 1]
    for sent in (ana, dana):  # not even asked again (a nonce would hide a repeat)
        assert len(world.double.calls("POST", f"/channels/{dm_channel(sent.id)}/messages")) == 1
    assert world.dm(ben).json["content"].startswith(f"<@{ana.id}>, meet <@{ben.id}>!")


# --- DMs refused: 403 / 50007 -------------------------------------------------------------------


async def test_dms_closed_tells_the_requester_and_marks_the_member_unreachable(
    world: DiscordWorld,
) -> None:
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    closed = rf"/channels/{dm_channel(ana.id)}/messages"
    world.double.fail("POST", closed, 403, 50007, "Cannot send messages to this user")

    done = await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")

    assert done.said.startswith("Done!")
    assert done.note == (
        f"⚠ I couldn't deliver a message to <@{ana.id}> just now (dms\\_closed). "
        "Everything is saved; /networker me shows what is waiting."
    )
    [followup] = done.followups
    assert followup.path == f"/webhooks/{APP_ID}/{done.interaction['token']}"
    assert followup.query == {"wait": "1", "with_components": "0"}
    assert followup.json == {
        "content": done.note,
        "tts": False,
        "flags": 64,
        "allowed_mentions": {"users": [int(ana.id)], "parse": []},
    }
    assert world.double.dms(ben.id)  # Ben's DM went out all the same
    # Ana is now known to refuse DMs: the next request is refused up front, plainly.
    again = await world.command(dana, "ask", member=ana, request="Could you review my helm charts?")
    assert again.said == (
        "I can't reach Ana by direct message on this platform.\n"
        "They may have DMs from apps turned off; ask them another way."
    )
    # Using the bot again makes Ana reachable.
    await world.command(ana, "networker", "me")
    world.double.clear()
    asked = await world.command(dana, "ask", member=ana, request="Could you review my helm charts?")
    assert asked.said.startswith("Sent!")
    assert len(world.double.dms(ana.id)) == 1


async def test_one_closed_dm_does_not_stop_the_others(world: DiscordWorld) -> None:
    ana, ben, dana = await introduced(world)
    world.double.fail("POST", rf"/channels/{dm_channel(ana.id)}/messages", 403, 50007, "closed")

    accepted = await accept_last(world, ana)

    assert accepted.content.startswith("Wonderful")
    assert len(world.double.dms(ben.id)) == 1
    assert len(world.double.dms(dana.id)) == 1
    assert accepted.note == (
        "⚠ I couldn't deliver a message to the new conversation just now (dms\\_closed). "
        "Everything is saved; /networker me shows what is waiting."
    )


# --- 429 ------------------------------------------------------------------------------------------


async def test_a_rate_limited_dm_is_retried_after_retry_after(world: DiscordWorld) -> None:
    ana, dana = world.person("ana"), world.person("dana")
    world.double.rate_limit("POST", rf"/channels/{dm_channel(ana.id)}/messages", 0.2)

    started = time.monotonic()
    done = await world.command(dana, "thanks", member=ana, note="for the helm review")

    assert time.monotonic() - started >= 0.2
    attempts = world.double.calls("POST", rf"/channels/{dm_channel(ana.id)}/messages")
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[0].json["content"] == attempts[1].json["content"]
    assert done.followups == []  # delivered: nothing to report


async def test_a_global_rate_limit_holds_every_request(world: DiscordWorld) -> None:
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    world.double.rate_limit("POST", "/users/@me/channels", 0.2, is_global=True)

    done = await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")

    assert [r.status for r in world.double.calls("POST", "/users/@me/channels")] == [429, 200, 200]
    assert len(world.double.dms(ana.id)) == 1 and len(world.double.dms(ben.id)) == 1
    assert done.followups == []


async def test_a_rate_limited_interaction_callback_is_retried(world: DiscordWorld) -> None:
    dana = world.person("dana")
    world.double.rate_limit("POST", r"/interactions/\d+/[^/]+/callback", 0.05)

    answer = await world.command(dana, "networker", "help")

    assert [c.status for c in answer.callbacks] == [429, 200]
    assert "/whoknows" in answer.callbacks[1].json["data"]["content"]


# --- the intro channel cannot be used -------------------------------------------------------------


async def test_missing_permissions_in_the_intro_channel_are_reported(world: DiscordWorld) -> None:
    world.double.text_channel(INTROS, GUILD_ID)
    await intro_channel(world)
    ana, _ben, _dana = await introduced(world)
    world.double.fail("POST", rf"/channels/{INTROS}/threads", 403, 50013, "Missing Permissions")

    accepted = await accept_last(world, ana)

    assert accepted.content.startswith("Wonderful")
    assert accepted.note == (
        "⚠ I couldn't deliver a message to the new conversation just now "
        "(missing\\_permissions\\_in\\_intro\\_channel; sent as DMs instead). "
        "Everything is saved; /networker me shows what is waiting."
    )
    assert world.double.calls("PUT", r".*thread-members.*") == []


async def test_without_permission_in_the_intro_channel_the_parties_still_meet(
    world: DiscordWorld,
) -> None:
    world.double.text_channel(INTROS, GUILD_ID)
    await intro_channel(world)
    ana, ben, dana = await introduced(world)
    world.double.fail("POST", rf"/channels/{INTROS}/threads", 403, 50013, "Missing Permissions")

    await accept_last(world, ana)

    for who in (ana, ben, dana):
        assert world.dm(who).json["content"].startswith(f"<@{ana.id}>, meet <@{ben.id}>!")


async def test_an_intro_channel_that_is_gone_is_reported(world: DiscordWorld) -> None:
    await intro_channel(world, "920000000000000099")  # the double does not know it: 404
    ana, _ben, _dana = await introduced(world)

    accepted = await accept_last(world, ana)

    assert "(intro\\_channel\\_not\\_found; sent as DMs instead)" in accepted.note
    assert world.double.calls("POST", r"/channels/\d+/threads") == []


async def test_the_answer_failing_does_not_lose_the_dms(world: DiscordWorld) -> None:
    """Discord refuses a late answer (10062 Unknown interaction, after 3 s): the intro is
    saved, so the consent DMs must still go out."""
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    world.double.fail(
        "POST", r"/interactions/\d+/[^/]+/callback", 404, 10062, "Unknown interaction", times=None
    )

    await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")

    assert len(world.double.dms(ana.id)) == 1
    assert len(world.double.dms(ben.id)) == 1


# --- channels belong to their own guild ------------------------------------------------------------

OTHER_GUILD = "910000000000000009"
ELSEWHERE = "920000000000000077"  # a channel of another server the bot is also in


async def test_an_intro_channel_in_another_server_gets_no_thread(world: DiscordWorld) -> None:
    world.double.text_channel(ELSEWHERE, OTHER_GUILD, "announcements")
    await intro_channel(world, ELSEWHERE)
    ana, _ben, _dana = await introduced(world)

    accepted = await accept_last(world, ana)

    assert world.double.calls("POST", r"/channels/\d+/threads") == []
    assert world.double.calls("POST", rf"/channels/{ELSEWHERE}/messages") == []
    assert "(channel\\_not\\_in\\_this\\_server; sent as DMs instead)" in accepted.note


async def test_the_thanks_wall_posts_in_this_server_only(world: DiscordWorld) -> None:
    ana, dana, olga = (
        world.person("ana"),
        world.person("dana"),
        world.person("olga", organiser=True),
    )
    wall = "920000000000000005"
    world.double.text_channel(wall, GUILD_ID, "thanks")
    world.double.text_channel(ELSEWHERE, OTHER_GUILD, "announcements")

    await world.command(olga, "networker", "settings", key="thanks_wall", value=f"<#{wall}>")
    thanked = await world.command(dana, "thanks", member=ana, note="for the helm review")
    await world.press(dana, thanked, "Post on the thanks wall")  # the sender's choice
    await drain()
    [posted] = world.double.messages(wall)
    assert posted.json["content"] == (f"<@{dana.id}> thanked <@{ana.id}>: “for the helm review”")
    assert posted.json["allowed_mentions"] == {"users": [int(dana.id), int(ana.id)], "parse": []}

    await world.command(olga, "networker", "settings", key="thanks_wall", value=f"<#{ELSEWHERE}>")
    world.double.clear()
    thanked = await world.command(dana, "thanks", member=ana, note="for the second review")
    thanked = await world.press(dana, thanked, "Post on the thanks wall")
    await drain()
    assert world.double.messages(ELSEWHERE) == []
    assert "(channel\\_not\\_in\\_this\\_server)" in thanked.note
    assert len(world.double.dms(ana.id)) == 1  # the thanks itself reached Ana
