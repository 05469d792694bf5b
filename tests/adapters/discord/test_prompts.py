"""Prompts on Discord, end to end: the dispatcher sends each kind through discord.py to the
REST double (with the prompt's key as the message nonce), members press its buttons as the
gateway delivers them, and what follows arrives as a user would see it. The clock is the
test's; nothing sleeps."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import discord.http
import pytest
from sqlalchemy import select, update

from bot.messages import DirectMessage, message
from bot.prompts.dispatcher import Dispatcher, Report
from bot.prompts.kinds import SWITCHABLE
from bot.store.tables import prompts
from tests.adapters.discord.conftest import (
    GUILD_ID,
    DiscordWorld,
    Person,
    drain,
    labels,
    set_profile,
)
from tests.adapters.discord.double import dm_channel

Row = dict[str, Any]
CHECK_BUTTONS = ["Helpful", "We talked", "Not yet", "It didn't happen"]
CONSENT_BUTTONS = ["Accept", "Not now", "Decline"]


# --- helpers ------------------------------------------------------------------------------


async def dispatch(world: DiscordWorld, **config: Any) -> Report:
    """What the scheduler does on its next ticks: send everything due now."""
    settings = world.settings.model_copy(update=config) if config else world.settings
    dispatcher = Dispatcher(world.core.units, world.clock, settings, world.core.messengers)
    total = Report()
    for _ in range(5):  # a pass may plan prompts due at once (expiry, thanks, loop closing)
        report = await dispatcher.run_due()
        total.add(report)
        if not report.claimed:
            break
    await drain()
    return total


async def rows(world: DiscordWorld, kind: str | None = None) -> list[Row]:
    async with world.core.units.sessions() as session:
        query = select(prompts).order_by(prompts.c.id)
        if kind is not None:
            query = query.where(prompts.c.kind == kind)
        return [dict(r) for r in (await session.execute(query)).mappings()]


def texts(world: DiscordWorld, who: Person) -> list[str]:
    return world.dm_texts(who)


async def intro(world: DiscordWorld) -> tuple[Person, Person, Person]:
    """Dana introduces Ana and Ben; nobody has answered yet."""
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    done = await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")
    assert done.said.startswith("Done!"), done.said
    return ana, ben, dana


async def connected(world: DiscordWorld) -> tuple[Person, Person, Person]:
    """Both accepted Dana's introduction (from their consent DMs); the double is cleared."""
    ana, ben, dana = await intro(world)
    for who in (ben, ana):
        answer = await world.press(who, world.double.dms(who.id)[0], "Accept")
        assert answer.type == 7, answer.callback
    world.double.clear()
    return ana, ben, dana


async def checked(world: DiscordWorld) -> tuple[Person, Person, Person]:
    """Connected four days ago: Ana has the "did you connect?" DM."""
    ana, ben, dana = await connected(world)
    world.clock.advance(days=4)
    assert (await dispatch(world)).sent == 1
    return ana, ben, dana


# --- intros and requests waiting for answers ----------------------------------------------------


async def test_a_reminder_goes_to_who_has_not_answered_and_its_buttons_work(
    world: DiscordWorld,
) -> None:
    ana, ben, dana = await intro(world)
    await world.press(ben, world.dm(ben), "Accept")
    world.double.clear()
    world.clock.advance(days=2)
    assert (await dispatch(world)).claimed == 0  # not due yet

    world.clock.advance(days=1)
    report = await dispatch(world)

    assert report.sent == 1
    reminder = world.dm(ana)
    assert reminder.json["content"].startswith(
        "A gentle reminder, in case this got buried. No pressure either way:\n"
    )
    assert f"<@{dana.id}>" in reminder.json["content"]
    assert labels(reminder.json["components"]) == CONSENT_BUTTONS
    assert reminder.json["nonce"] == f"p{(await rows(world, 'consent_reminder'))[0]['id']}"
    assert reminder.json["enforce_nonce"] is True
    assert world.double.dms(ben.id) == [] and world.double.dms(dana.id) == []

    accepted = await world.press(ana, reminder, "Accept")

    assert accepted.type == 7
    assert accepted.content == "Wonderful, you're connected! I've opened a conversation for you."
    assert (await dispatch(world)).sent == 0  # nothing more to remind anyone of


async def test_an_unanswered_intro_expires_and_both_who_waited_hear_it(world: DiscordWorld) -> None:
    ana, ben, dana = await intro(world)
    consent = world.dm(ana)
    await world.press(ben, world.dm(ben), "Accept")
    world.clock.advance(days=3)
    await dispatch(world)  # Ana's reminder
    world.double.clear()

    world.clock.advance(days=4)
    await dispatch(world)

    assert texts(world, dana) == [
        f"Your introduction of <@{ana.id}> and <@{ben.id}> didn't get both answers in time, "
        "so I've closed it.\n"
        "No answer isn't a no forever: people get busy. You could try again later."
    ]
    assert texts(world, ben) == [
        f"The introduction to <@{ana.id}> didn't get both answers in time, so I've closed it. "
        "Thanks for being open to it!"
    ]
    assert world.double.dms(ana.id) == []
    late = await world.press(ana, consent, "Accept")
    assert late.type == 4 and late.ephemeral, late.callback
    assert "expired" in late.content.lower(), late.content
    assert world.double.dms(ben.id)[1:] == [] and len(world.double.dms(dana.id)) == 1


async def test_an_unanswered_request_expires_and_the_requester_hears(world: DiscordWorld) -> None:
    ana, dana = world.person("ana"), world.person("dana")
    await set_profile(world, ana, 'skills="kubernetes:expert"')
    await world.command(dana, "ask", member=ana, request="How do I move Jenkins jobs to k8s?")
    world.double.clear()
    world.clock.advance(days=3)
    await dispatch(world)
    [reminder] = texts(world, ana)  # the helper's one reminder
    assert reminder.startswith("A gentle reminder")
    world.double.clear()

    world.clock.advance(days=4)
    await dispatch(world)

    assert texts(world, dana) == [
        f"Your request to <@{ana.id}> about kubernetes didn't get an answer in time, "
        "so I've closed it.\n"
        "People get busy; it's nothing personal. /whoknows kubernetes finds others who can help."
    ]
    assert not any("in time" in text for text in texts(world, ana))


# --- after a connection --------------------------------------------------------------------------


async def test_helpful_brings_a_thank_you_prompt_and_closes_the_loop(world: DiscordWorld) -> None:
    ana, ben, dana = await connected(world)
    world.clock.advance(days=4)

    assert (await dispatch(world)).sent == 1

    check = world.dm(ana)
    assert check.json["content"] == (
        f"How did it go with <@{ben.id}>? <@{dana.id}> introduced you a few days ago.\n"
        "One click is enough; only you see this."
    )
    assert labels(check.json["components"]) == CHECK_BUTTONS
    assert world.double.dms(ben.id) == [] and world.double.dms(dana.id) == []
    world.double.clear()

    helpful = await world.press(ana, check, "Helpful")

    assert helpful.type == 7  # the question is settled: its buttons give way to the answer
    assert helpful.content == "Wonderful, I'm glad it helped! Thanks for letting me know."
    assert helpful.data["components"] == []
    assert world.double.calls("POST", r"/channels/\d+/messages") == []  # prompts wait for a tick

    assert (await dispatch(world)).sent == 2

    thanks = world.dm(ana)
    assert thanks.json["content"] == (
        "Glad it helped! A short thank-you means a lot, and it's how good help gets noticed.\n"
        f"Say thanks to <@{ben.id}> and <@{dana.id}> with one click:"
    )
    assert labels(thanks.json["components"]) == ["Thank Ben", "Thank Dana"]
    assert texts(world, dana) == [
        f"How your introduction of <@{ana.id}> and <@{ben.id}> turned out: "
        f"<@{ana.id}> says it was helpful.\n"
        "Thank you for connecting them!"
    ]
    world.double.clear()

    form = await world.press(ana, thanks, "Thank Ben")

    assert form.type == 9
    assert form.data["title"] == "Thank Ben"
    assert form.data["custom_id"].startswith(f"nw|{GUILD_ID}|thanks.start|")
    [note] = form.data["components"]
    assert note["label"] == "What are you thanking them for?"
    assert note["component"]["required"] is True
    assert world.double.dms(ben.id) == []  # nothing recorded by opening the form

    done = await world.submit(ana, form, {"note": "the helm chart review"})

    assert done.type == 4 and done.ephemeral
    assert texts(world, ben) == [f"<@{ana.id}> thanked you: “the helm chart review”"]
    # The other button on the same DM still works.
    form = await world.press(ana, thanks, "Thank Dana")
    await world.submit(ana, form, {"note": "the introduction"})
    assert texts(world, dana) == [
        f"<@{ana.id}> thanked <@{ben.id}> after the introduction you made. "
        "Nice work connecting them!",
        f"<@{ana.id}> thanked you: “the introduction”",
    ]
    assert (await dispatch(world)).sent == 0


@pytest.mark.parametrize(
    ("button", "answer", "loop"),
    [
        (
            "We talked",
            "Good to hear you talked. Thanks for letting me know!",
            "says they talked.\nThank you for connecting them!",
        ),
        (
            "It didn't happen",
            "Thanks for telling me; these things happen.\n/whoknows <topic> finds others who "
            "can help.",
            "says it didn't happen this time.\n"
            "Not every introduction clicks; thank you for making it.",
        ),
    ],
)
async def test_other_answers_close_the_loop_without_a_thank_you_prompt(
    world: DiscordWorld, button: str, answer: str, loop: str
) -> None:
    ana, ben, dana = await checked(world)
    check = world.dm(ana)
    world.double.clear()

    pressed = await world.press(ana, check, button)

    assert pressed.type == 7 and pressed.content == answer
    assert (await dispatch(world)).sent == 1
    assert texts(world, dana) == [
        f"How your introduction of <@{ana.id}> and <@{ben.id}> turned out: <@{ana.id}> {loop}"
    ]
    assert world.double.dms(ana.id) == []  # no thank-you prompt
    again = await world.press(ana, check, "Helpful")
    assert again.type == 4 and again.content == "You've already told me how it went. Thank you!"


async def test_not_yet_asks_once_more_without_a_not_yet_button(world: DiscordWorld) -> None:
    ana, _ben, dana = await checked(world)
    check = world.dm(ana)
    world.double.clear()

    later = await world.press(ana, check, "Not yet")

    assert later.content == "No rush. I'll ask once more in a few days."
    assert (await dispatch(world)).sent == 0
    world.clock.advance(days=4)
    assert (await dispatch(world)).sent == 1
    second = world.dm(ana)
    assert second.json["content"].endswith(
        "introduced you a while ago.\nOne click is enough; only you see this."
    )
    assert labels(second.json["components"]) == ["Helpful", "We talked", "It didn't happen"]
    assert world.double.dms(dana.id) == []  # nothing to tell the introducer yet


async def test_keep_in_touch_after_a_quiet_spell_offers_a_thank_you(world: DiscordWorld) -> None:
    ana, ben, _dana = await checked(world)
    world.double.clear()
    world.clock.advance(days=88)  # 92 days after connecting: a Tuesday morning

    assert (await dispatch(world)).sent == 1

    nudge = world.dm(ana)
    assert nudge.json["content"] == (
        f"It's been a while since you and <@{ben.id}> connected. "
        "A short hello keeps a good connection warm.\n"
        "If they helped you, a thank-you is a nice way to start."
    )
    assert labels(nudge.json["components"]) == ["Thank Ben"]
    form = await world.press(ana, nudge, "Thank Ben")
    assert form.type == 9 and form.data["title"] == "Thank Ben"
    await world.submit(ana, form, {"note": "staying in touch"})
    assert texts(world, ben) == [f"<@{ana.id}> thanked you: “staying in touch”"]


async def test_a_birthday_reaches_the_people_connected_with_them(world: DiscordWorld) -> None:
    ben = world.person("ben")
    await set_profile(world, ben, "birthday=03-05")  # a Thursday
    ana, ben, dana = await connected(world)
    world.clock.advance(days=2)
    assert (await dispatch(world)).sent == 0

    world.clock.advance(days=1)
    assert (await dispatch(world)).sent == 1

    assert texts(world, ana) == [
        f"It's <@{ben.id}>'s birthday today. A short note would make their day!\n"
        "(They chose to share this date with the people they're connected with.)"
    ]
    assert world.double.dms(dana.id) == [] and world.double.dms(ben.id) == []
    assert [r["payload"]["date"] for r in await rows(world, "occasion")] == [
        "2026-03-05",
        "2027-03-05",  # next year's, planned as this one went out
    ]


async def test_the_weekly_giver_digest_lists_unmet_asks(world: DiscordWorld) -> None:
    ana, bob, carl = world.person("ana"), world.person("bob"), world.person("carl")
    await set_profile(world, ana, 'skills="kubernetes:expert"')
    await set_profile(world, carl, 'skills="kubernetes:practitioner"')
    await world.command(bob, "ask", member=carl, request="How do I move Jenkins jobs to k8s?")
    form = await world.press(carl, world.dm(carl), "Decline")
    await world.submit(carl, form)
    world.double.clear()

    world.clock.advance(days=7)  # Monday again
    await dispatch(world)

    assert texts(world, ana) == [
        "Your week in asks. People asked for help with things you know:\n"
        "kubernetes (1)\n"
        f"Still looking: <@{bob.id}> needed help with **kubernetes**.\n"
        "If you can help, send them a DM. No obligation, ever.\n"
        "Turn this digest off with /networker prompts off giver\\_digest."
    ]


async def test_prompts_past_the_daily_cap_arrive_merged_the_next_day(world: DiscordWorld) -> None:
    ana, ben, carl, dana = (world.person(n) for n in ("ana", "ben", "carl", "dana"))
    for other in (ben, carl):
        await world.command(dana, "intro", a=ana, b=other, why="Both run meetups")
    world.double.clear()
    world.clock.advance(days=3)

    await dispatch(world, dm_daily_cap=1)

    assert len(world.double.dms(ana.id)) == 1  # one today; the other held back
    assert len(world.double.dms(ben.id)) == 1 and len(world.double.dms(carl.id)) == 1
    world.double.clear()

    world.clock.advance(days=1)
    await dispatch(world, dm_daily_cap=1)

    digest = world.dm(ana)
    assert digest.json["content"].startswith(
        "**A few things I held back so as not to flood your DMs:**\n"
        "A gentle reminder, in case this got buried."
    )
    assert labels(digest.json["components"]) == CONSENT_BUTTONS
    accepted = await world.press(ana, digest, "Accept")
    assert accepted.content == f"Thank you! Waiting for <@{carl.id}> to answer too."


# --- /networker prompts -------------------------------------------------------------------------


async def test_networker_prompts_lists_and_switches_kinds(world: DiscordWorld) -> None:
    ana = world.person("ana")

    listed = (await world.command(ana, "networker", "prompts")).said

    assert listed.startswith("The messages I may send you on my own:")
    for kind in SWITCHABLE:
        assert f"**{kind.value.replace('_', chr(92) + '_')}**: on" in listed, kind
    off = await world.command(ana, "networker", "prompts", switch="off", kind="keep_in_touch")
    assert off.said.startswith("Saved: keep\\_in\\_touch is off.")
    assert "**keep\\_in\\_touch**: off" in off.said
    half = await world.command(ana, "networker", "prompts", switch="on")
    assert half.said.startswith("Usage: /networker prompts"), half.said

    ana, _ben, _dana = await checked(world)
    world.double.clear()
    world.clock.advance(days=88)
    await dispatch(world)
    assert world.double.dms(ana.id) == []  # turned off: no keep-in-touch nudge
    [row] = await rows(world, "keep_in_touch")
    assert row["state"] == "cancelled"


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
    ana, _ben, dana = await connected(world)
    world.double.fail("POST", rf"/channels/{dm_channel(ana.id)}/messages", 403, 50007, "closed")
    world.clock.advance(days=4)

    report = await dispatch(world)

    assert report.sent == 0
    assert world.double.dms(ana.id) == []
    [check] = await rows(world, "connect_check")
    assert (check["state"], check["last_error"]) == ("cancelled", "dms_closed")
    asked = await world.command(dana, "ask", member=ana, request="Could you review my charts?")
    assert asked.said.startswith("I can't reach Ana by direct message on this platform.")
    world.clock.advance(days=1)
    assert (await dispatch(world)).claimed == 0  # never tried again


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
    ana, _ben, _dana = await connected(world)
    messages = rf"/channels/{dm_channel(ana.id)}/messages"
    world.double.server_error("POST", messages, times=5)
    world.clock.advance(days=4)

    first = await dispatch(world)

    assert first.sent == 0 and world.double.dms(ana.id) == []
    assert len(world.double.calls("POST", messages)) == 5  # discord.py's own four retries
    assert slept == [1, 3, 5, 7, 9]
    [check] = await rows(world, "connect_check")
    assert (check["state"], check["attempts"]) == ("pending", 1)
    assert check["due_at"] == world.clock.now() + timedelta(minutes=1)
    assert (await dispatch(world)).claimed == 0  # not before its back-off

    world.clock.advance(minutes=1)
    assert (await dispatch(world)).sent == 1

    assert len(world.double.dms(ana.id)) == 1
    assert labels(world.dm(ana).json["components"]) == CHECK_BUTTONS


# --- the nonce: a repeat after a crash is one message ----------------------------------------------


async def test_a_prompt_resent_after_a_crash_is_one_message(world: DiscordWorld) -> None:
    world.double.clock = lambda: world.clock.now().timestamp()
    ana, _ben, _dana = await checked(world)
    [check] = await rows(world, "connect_check")
    # The process died after Discord took the message and before it recorded "sent".
    async with world.core.units.sessions() as session:
        await session.execute(
            update(prompts)
            .where(prompts.c.id == check["id"])
            .values(
                state="sending",
                sent_at=None,
                due_at=world.clock.now() + timedelta(seconds=world.settings.prompt_lease),
            )
        )
        await session.commit()
    assert (await dispatch(world)).claimed == 0  # the lease holds
    world.clock.advance(seconds=world.settings.prompt_lease + 30)

    again = await dispatch(world)

    assert again.sent == 1
    receipts = world.double.calls("POST", rf"/channels/{dm_channel(ana.id)}/messages")
    assert [r.json["nonce"] for r in receipts] == [f"p{check['id']}"] * 2
    assert len(world.double.dms(ana.id)) == 1  # Discord kept the first: one DM
    assert receipts[1].answer["id"] == receipts[0].answer["id"]
    [check] = await rows(world, "connect_check")
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
    assert texts(world, ana) == ["Hello from a prompt", "Another prompt"]
    assert len(world.double.created) == 2

    world.clock.advance(minutes=6)  # Discord remembers a nonce for a few minutes only
    await messenger.send_dm(GUILD_ID, dm)
    assert texts(world, ana) == ["Hello from a prompt", "Another prompt", "Hello from a prompt"]
