"""Prompts end to end, one story each, told through the Slack and the Discord adapter.

The dispatcher sends each kind through the platform's library to its API double, members
press its buttons and fill in its forms as the platform delivers them, and what follows
arrives as a member would see it, formatting included. The clock is the test's; nothing
sleeps. What only one platform does stays in tests/adapters/<platform>/test_prompts.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.prompts.kinds import SWITCHABLE
from tests.adapters.discord.conftest import discord_double, world
from tests.adapters.discord.prompting import DiscordPrompts
from tests.adapters.prompting import (
    ANA,
    BEN,
    CARL,
    CHECK_BUTTONS,
    CONSENT_BUTTONS,
    DANA,
    PromptDriver,
    checked,
    connected,
    introduced,
)
from tests.adapters.slack.conftest import _no_proxy_no_slack_env, slack, slack_double
from tests.adapters.slack.prompting import SlackPrompts

__all__ = ["_no_proxy_no_slack_env", "discord_double", "slack", "slack_double", "world"]

Driver = PromptDriver[Any]
DRIVERS: dict[str, Callable[[pytest.FixtureRequest], Driver]] = {
    "slack": lambda request: SlackPrompts(request.getfixturevalue("slack")),
    "discord": lambda request: DiscordPrompts(request.getfixturevalue("world")),
}


@pytest.fixture(params=list(DRIVERS))
def d(request: pytest.FixtureRequest, db_url: str) -> Driver:
    """The story's platform; `db_url` puts it on each database backend."""
    return DRIVERS[request.param](request)


# --- intros and requests waiting for answers ----------------------------------------------------


async def a_week_without_ana(d: Driver) -> None:
    """Ana lets a week pass: her one reminder after three days, the expiry four days later
    (the double is cleared between the two)."""
    await d.after(days=3)
    [reminder] = d.texts(ANA)
    assert reminder.startswith("A gentle reminder"), reminder
    d.clear()
    await d.after(days=4)


async def test_a_reminder_goes_to_who_has_not_answered_and_its_buttons_work(d: Driver) -> None:
    await introduced(d)
    await d.press(BEN, d.dm(BEN), "Accept")
    d.clear()
    assert (await d.after(days=2)).claimed == 0  # not due yet

    assert (await d.after(days=1)).sent == 1

    reminder = d.dm(ANA)
    gentle = "A gentle reminder, in case this got buried. No pressure either way:"
    assert d.headline(reminder) == gentle
    assert d.text(reminder).startswith(gentle + "\n")
    assert d.mention(DANA) in d.text(reminder)
    assert d.labels(reminder) == CONSENT_BUTTONS
    assert d.dms(BEN) == [] and d.dms(DANA) == []

    accepted = await d.press(ANA, reminder, "Accept")

    assert accepted.replaced
    assert accepted.text == "Wonderful, you're connected! I've opened a conversation for you."
    assert (await d.tick()).sent == 0  # nothing more to remind anyone of


async def test_an_unanswered_intro_expires_and_both_who_waited_hear_it(d: Driver) -> None:
    await introduced(d)
    consent = d.dm(ANA)
    await d.press(BEN, d.dm(BEN), "Accept")
    d.clear()

    await a_week_without_ana(d)

    assert d.texts(DANA) == [
        f"Your introduction of {d.mention(ANA)} and {d.mention(BEN)} didn't get both answers "
        "in time, so I've closed it.\n"
        f"{d.mention(ANA)} didn't answer.\n"
        "No answer isn't a no forever: people get busy. You could try again later."
    ]
    assert d.texts(BEN) == [
        f"The introduction to {d.mention(ANA)} didn't get both answers in time, so I've "
        "closed it. Thanks for being open to it!"
    ]
    assert d.dms(ANA) == []
    late = await d.press(ANA, consent, "Accept")
    assert not late.replaced and "expired" in late.text.lower(), late
    assert len(d.dms(BEN)) == 1 and len(d.dms(DANA)) == 1  # the late answer tells nobody


async def test_an_unanswered_request_expires_and_the_requester_hears(d: Driver) -> None:
    await d.members(ANA, DANA)
    await d.set_profile(ANA, 'skills="kubernetes:expert"')
    await d.ask(DANA, ANA, "How do I move Jenkins jobs to k8s?")
    d.clear()

    await a_week_without_ana(d)

    assert d.texts(DANA) == [
        f"Your request to {d.mention(ANA)} about kubernetes didn't get an answer in time, "
        "so I've closed it.\n"
        "People get busy; it's nothing personal. /whoknows kubernetes finds others who can help."
    ]
    assert not any("in time" in text for text in d.texts(ANA))


# --- after a connection --------------------------------------------------------------------------


async def test_helpful_brings_a_thank_you_prompt_and_closes_the_loop(d: Driver) -> None:
    await connected(d)

    assert (await d.after(days=4)).sent == 2  # each of the two is asked, separately

    check = d.dm(ANA)
    assert d.text(check) == (
        f"How did it go with {d.mention(BEN)}? {d.mention(DANA)} introduced you a few days "
        "ago.\nOne click is enough; only you see this."
    )
    assert d.labels(check) == CHECK_BUTTONS
    assert d.text(d.dm(BEN)).startswith(f"How did it go with {d.mention(ANA)}?")
    assert d.dms(DANA) == []
    d.clear()

    helpful = await d.press(ANA, check, "Helpful")

    assert helpful.replaced  # the question is settled: its buttons give way to the answer
    assert helpful.text == "Wonderful, I'm glad it helped! Thanks for letting me know."
    assert helpful.buttons == []
    assert d.posted() == []  # prompts wait for a tick
    assert (await d.tick()).sent == 2

    thanks = d.dm(ANA)
    assert d.text(thanks) == (
        "Glad it helped! A short thank-you means a lot, and it's how good help gets noticed.\n"
        f"Say thanks to {d.mention(BEN)} and {d.mention(DANA)} with one click:"
    )
    assert d.labels(thanks) == ["Thank Ben", "Thank Dana"]
    assert d.texts(DANA) == [
        f"How your introduction of {d.mention(ANA)} and {d.mention(BEN)} turned out: "
        f"{d.mention(ANA)} says it was helpful.\n"
        "Thank you for connecting them!"
    ]
    d.clear()

    form = await d.open_form(ANA, thanks, "Thank Ben")

    assert (form.title, form.action) == ("Thank Ben", "thanks.start")
    assert form.fields == [("What are you thanking them for?", True)]
    assert d.dms(BEN) == []  # nothing recorded by opening the form

    done = await d.submit(ANA, form, note="the helm chart review")

    assert done == f"Thank-you sent to {d.mention(BEN)}."
    assert d.texts(BEN) == [f"{d.mention(ANA)} thanked you: “the helm chart review”"]
    # The other button on the same DM still works.
    await d.submit(ANA, await d.open_form(ANA, thanks, "Thank Dana"), note="the introduction")
    assert d.texts(DANA) == [
        f"{d.mention(ANA)} thanked {d.mention(BEN)} after the introduction you made. "
        "Nice work connecting them!",
        f"{d.mention(ANA)} thanked you: “the introduction”",
    ]
    assert (await d.tick()).sent == 0


async def test_each_person_of_an_intro_answers_and_thanks_for_themselves(d: Driver) -> None:
    await connected(d)
    await d.after(days=4)
    ben_check = d.dm(BEN)
    d.clear()

    helpful = await d.press(BEN, ben_check, "Helpful")

    assert helpful.replaced
    assert (await d.tick()).sent == 2
    thanks = d.dm(BEN)
    assert d.labels(thanks) == ["Thank Ana", "Thank Dana"]
    assert d.texts(DANA) == [
        f"How your introduction of {d.mention(ANA)} and {d.mention(BEN)} turned out: "
        f"{d.mention(BEN)} says it was helpful.\n"
        "Thank you for connecting them!"
    ]
    assert d.dms(ANA) == []  # her own question is still hers to answer
    d.clear()
    # One thank-you, then the other button of the same message: both work.
    await d.submit(BEN, await d.open_form(BEN, thanks, "Thank Dana"), note="the intro")
    await d.submit(BEN, await d.open_form(BEN, thanks, "Thank Ana"), note="the chart review")
    assert d.texts(ANA) == [f"{d.mention(BEN)} thanked you: “the chart review”"]
    assert f"{d.mention(BEN)} thanked you: “the intro”" in d.texts(DANA)


@pytest.mark.parametrize(
    ("label", "answer", "more", "loop"),
    [
        (
            "We talked",
            "Good to hear you talked. Thanks for letting me know!",
            "",
            "says they talked.\nThank you for connecting them!",
        ),
        (
            "It didn't happen",
            "Thanks for telling me; these things happen.",
            "\n/whoknows {topic} finds others who can help.",
            "says it didn't happen this time.\n"
            "Not every introduction clicks; thank you for making it.",
        ),
    ],
)
async def test_other_answers_close_the_loop_without_a_thank_you_prompt(
    d: Driver, label: str, answer: str, more: str, loop: str
) -> None:
    check = await checked(d)

    pressed = await d.press(ANA, check, label)

    assert pressed.replaced and pressed.headline == answer
    assert pressed.text == answer + more.format(topic=d.escaped("<topic>"))
    assert (await d.tick()).sent == 1
    assert d.texts(DANA) == [
        f"How your introduction of {d.mention(ANA)} and {d.mention(BEN)} turned out: "
        f"{d.mention(ANA)} {loop}"
    ]
    assert d.dms(ANA) == []  # no thank-you prompt
    again = await d.press(ANA, check, "Helpful")
    assert not again.replaced and again.text == "You've already told me how it went. Thank you!"


async def test_not_yet_asks_once_more_without_a_not_yet_button(d: Driver) -> None:
    check = await checked(d)

    later = await d.press(ANA, check, "Not yet")

    assert later.text == "No rush. I'll ask once more in a few days."
    assert (await d.tick()).sent == 0
    assert (await d.after(days=4)).sent == 1
    second = d.dm(ANA)
    assert d.text(second).endswith(
        "introduced you a while ago.\nOne click is enough; only you see this."
    )
    assert d.labels(second) == ["Helpful", "We talked", "It didn't happen"]
    assert d.dms(DANA) == []  # nothing to tell the introducer yet


async def test_keep_in_touch_after_a_quiet_spell_offers_a_thank_you(d: Driver) -> None:
    await checked(d)

    assert (await d.after(days=88)).sent == 1  # 92 days after connecting: a Tuesday morning

    nudge = d.dm(ANA)
    assert d.text(nudge) == (
        f"It's been a while since you and {d.mention(BEN)} connected. "
        "A short hello keeps a good connection warm.\n"
        "If they helped you, a thank-you is a nice way to start."
    )
    assert d.labels(nudge) == ["Thank Ben"]
    form = await d.open_form(ANA, nudge, "Thank Ben")
    assert form.title == "Thank Ben"
    await d.submit(ANA, form, note="staying in touch")
    assert d.texts(BEN) == [f"{d.mention(ANA)} thanked you: “staying in touch”"]


async def test_a_birthday_reaches_the_people_connected_with_them(d: Driver) -> None:
    await d.members(BEN)
    await d.set_profile(BEN, "birthday=03-05")  # a Thursday
    await connected(d)
    assert (await d.after(days=2)).sent == 0

    assert (await d.after(days=1)).sent == 1

    assert d.texts(ANA) == [
        f"It's {d.mention(BEN)}'s birthday today. A short note would make their day!\n"
        "(They chose to share this date with the people they're connected with.)"
    ]
    assert d.dms(DANA) == [] and d.dms(BEN) == []
    assert [r["payload"]["date"] for r in await d.rows("occasion")] == [
        "2026-03-05",
        "2027-03-05",  # next year's, planned as this one went out
    ]


async def test_the_weekly_giver_digest_counts_asks_and_names_only_who_chose_it(
    d: Driver,
) -> None:
    await d.members(ANA, BEN, CARL, DANA)
    await d.set_profile(ANA, 'skills="kubernetes:expert"')
    await d.set_profile(CARL, 'skills="kubernetes:practitioner"')
    asked = await d.ask(BEN, CARL, "How do I move Jenkins jobs to k8s? --visible")
    assert asked.startswith("Sent!"), asked
    assert "Members who know kubernetes may see in their weekly digest that you asked" in asked
    await d.submit(CARL, await d.open_form(CARL, d.dm(CARL), "Decline"))
    private = await d.ask(DANA, CARL, "My k8s cluster is down and my job is on the line")
    assert "Nobody else will know you asked." in private
    await d.submit(CARL, await d.open_form(CARL, d.dms(CARL)[-1], "Decline"))
    d.clear()

    await d.after(days=7)  # Monday again

    assert d.texts(ANA) == [
        "Your week in asks. People asked for help with things you know:\n"
        "2 people asked about kubernetes; 2 still looking for help.\n"
        f"Still looking: {d.mention(BEN)} asked about {d.bold('kubernetes')} and is happy to "
        "hear from people who know it.\n"
        "If you can help, send them a DM. No obligation, ever.\n"
        f"Turn this digest off with /networker prompts off {d.escaped('giver_digest')}."
    ]


async def test_prompts_past_the_daily_cap_arrive_merged_the_next_day(d: Driver) -> None:
    await d.members(ANA, BEN, CARL, DANA)
    for other in (BEN, CARL):
        await d.intro(DANA, ANA, other, "you both run Python meetups in Leeds")
    d.clear()
    d.clock.advance(days=3)

    await d.tick(dm_daily_cap=1)

    assert len(d.dms(ANA)) == 1  # one today; the other held back
    assert len(d.dms(BEN)) == 1 and len(d.dms(CARL)) == 1
    d.clear()

    d.clock.advance(days=1)
    await d.tick(dm_daily_cap=1)

    digest = d.dm(ANA)
    held_back = d.bold("A few things I held back so as not to flood your DMs:")
    assert d.headline(digest) == held_back
    assert d.text(digest).startswith(f"{held_back}\nA gentle reminder, in case this got buried.")
    assert d.labels(digest) == CONSENT_BUTTONS
    accepted = await d.press(ANA, digest, "Accept")
    assert accepted.text == f"Thank you! Waiting for {d.mention(CARL)} to answer too."


# --- /networker prompts -------------------------------------------------------------------------


async def test_networker_prompts_lists_and_switches_kinds(d: Driver) -> None:
    await d.members(ANA)

    listed = await d.command(ANA, "networker", "prompts")

    assert listed.startswith("The messages I may send you on my own:")
    for kind in SWITCHABLE:
        assert d.field(kind.value, "on · ") in listed, kind
    off = await d.command(ANA, "networker", "prompts", switch="off", kind="keep_in_touch")
    assert off.startswith(f"Saved: {d.escaped('keep_in_touch')} is off."), off
    assert d.field("keep_in_touch", "off · ") in off
    for switch in ("on", "off"):  # without the kind
        half = await d.command(ANA, "networker", "prompts", switch=switch)
        assert half.startswith(f"Usage: /networker prompts {d.escaped('[on|off <kind>]')}"), half

    await checked(d)
    await d.after(days=88)
    assert d.dms(ANA) == []  # turned off: no keep-in-touch nudge
    [row] = await d.rows("keep_in_touch")
    assert row["state"] == "cancelled"
