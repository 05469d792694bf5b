"""Prompts on Slack, end to end: the dispatcher sends each kind through slack_sdk to the Web
API double, members press its buttons (signed ``block_actions`` to the real endpoint), the
thank-you form opens as a modal, and what follows arrives as a user would see it. The clock
is the test's; nothing sleeps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.prompts.dispatcher import Dispatcher, Report
from bot.prompts.kinds import SWITCHABLE
from bot.store.tables import prompts
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    empty_ack,
    labels,
    only_post,
    only_view,
    post_text,
    posts,
    press,
    said,
    set_profile,
    submit,
)

Row = dict[str, Any]
CHECK_BUTTONS = ["Helpful", "We talked", "Not yet", "It didn't happen"]
CONSENT_BUTTONS = ["Accept", "Not now", "Decline"]
ANA, BEN, CARL, DANA = "UANA", "UBEN", "UCARL", "UDANA"


# --- helpers ------------------------------------------------------------------------------


async def dispatch(slack: SlackWorld, **config: Any) -> Report:
    """What the scheduler does on its next ticks: send everything due now."""
    settings = slack.runtime.settings
    settings = settings.model_copy(update=config) if config else settings
    dispatcher = Dispatcher(slack.core.units, slack.clock, settings, slack.core.messengers)
    total = Report()
    for _ in range(5):  # a pass may plan prompts due at once (expiry, thanks, loop closing)
        report = await dispatcher.run_due()
        total.add(report)
        if not report.claimed:
            break
    return total


async def rows(slack: SlackWorld, kind: str) -> list[Row]:
    async with slack.core.units.sessions() as session:
        query = select(prompts).where(prompts.c.kind == kind).order_by(prompts.c.id)
        return [dict(r) for r in (await session.execute(query)).mappings()]


def texts(slack: SlackWorld, user: str) -> list[str]:
    return [post_text(p) for p in posts(slack, dm(user))]


def people(slack: SlackWorld) -> None:
    for user in (ANA, BEN, CARL, DANA):
        slack.user(user, user[1:].lower(), "Europe/Berlin")


async def intro(slack: SlackWorld) -> None:
    """Dana introduces Ana and Ben; nobody has answered yet."""
    people(slack)
    answer = said(
        await slack.sender.command("/intro", f"<@{ANA}|a> <@{BEN}|b> Both run meetups", user=DANA)
    )
    assert answer.startswith("Done!"), answer


async def connected(slack: SlackWorld) -> None:
    """Both accepted (from their consent DMs); the double is cleared."""
    await intro(slack)
    for user in (BEN, ANA):
        await press(slack, user, button(posts(slack, dm(user))[0]["blocks"], "Accept"))
    slack.double.clear()


async def checked(slack: SlackWorld) -> Json:
    """Connected four days ago: Ana's "did you connect?" DM."""
    await connected(slack)
    slack.clock.advance(days=4)
    assert (await dispatch(slack)).sent == 1
    check = only_post(slack, dm(ANA))
    slack.double.clear()
    return check


async def thank_from(slack: SlackWorld, prompt: Json, label: str, note: str) -> Json:
    """Press a Thank button on a prompt DM, then fill in the modal it opens."""
    assert await press(slack, ANA, button(prompt["blocks"], label)) == []  # a modal instead
    view = only_view(slack)
    empty_ack(await submit(slack, view, ANA, note=note))
    return view


# --- intros waiting for answers ---------------------------------------------------------------


async def test_a_reminder_goes_to_who_has_not_answered_and_its_buttons_work(
    slack: SlackWorld,
) -> None:
    await intro(slack)
    await press(slack, BEN, button(only_post(slack, dm(BEN))["blocks"], "Accept"))
    slack.double.clear()
    slack.clock.advance(days=2)
    assert (await dispatch(slack)).claimed == 0

    slack.clock.advance(days=1)
    assert (await dispatch(slack)).sent == 1

    reminder = only_post(slack, dm(ANA))
    assert reminder["text"] == (
        "A gentle reminder, in case this got buried. No pressure either way:"
    )
    assert f"<@{DANA}>" in post_text(reminder)
    assert labels(reminder["blocks"]) == CONSENT_BUTTONS
    assert posts(slack, dm(BEN)) == [] and posts(slack, dm(DANA)) == []

    [answer] = await press(slack, ANA, button(reminder["blocks"], "Accept"))

    assert answer["replace_original"] is True
    assert answer["text"] == "Wonderful, you're connected! I've opened a conversation for you."
    assert (await dispatch(slack)).sent == 0


async def test_an_unanswered_intro_expires_and_both_who_waited_hear_it(slack: SlackWorld) -> None:
    await intro(slack)
    consent = only_post(slack, dm(ANA))
    await press(slack, BEN, button(only_post(slack, dm(BEN))["blocks"], "Accept"))
    slack.clock.advance(days=3)
    await dispatch(slack)
    slack.double.clear()

    slack.clock.advance(days=4)
    await dispatch(slack)

    assert texts(slack, DANA) == [
        f"Your introduction of <@{ANA}> and <@{BEN}> didn't get both answers in time, "
        "so I've closed it.\n"
        "No answer isn't a no forever: people get busy. You could try again later."
    ]
    assert texts(slack, BEN) == [
        f"The introduction to <@{ANA}> didn't get both answers in time, so I've closed it. "
        "Thanks for being open to it!"
    ]
    assert posts(slack, dm(ANA)) == []
    [late] = await press(slack, ANA, button(consent["blocks"], "Accept"))
    assert "expired" in late["text"].lower() and late["replace_original"] is False


# --- after a connection --------------------------------------------------------------------------


async def test_helpful_brings_a_thank_you_prompt_and_closes_the_loop(slack: SlackWorld) -> None:
    await connected(slack)
    slack.clock.advance(days=4)

    assert (await dispatch(slack)).sent == 1

    check = only_post(slack, dm(ANA))
    assert post_text(check) == (
        f"How did it go with <@{BEN}>? <@{DANA}> introduced you a few days ago.\n"
        "One click is enough; only you see this."
    )
    assert labels(check["blocks"]) == CHECK_BUTTONS
    slack.double.clear()

    [answer] = await press(slack, ANA, button(check["blocks"], "Helpful"))

    assert answer["replace_original"] is True  # the question is settled: no more buttons
    assert answer["text"] == "Wonderful, I'm glad it helped! Thanks for letting me know."
    assert posts(slack) == []
    assert (await dispatch(slack)).sent == 2

    thanks = only_post(slack, dm(ANA))
    assert post_text(thanks) == (
        "Glad it helped! A short thank-you means a lot, and it's how good help gets noticed.\n"
        f"Say thanks to <@{BEN}> and <@{DANA}> with one click:"
    )
    assert labels(thanks["blocks"]) == ["Thank Ben", "Thank Dana"]
    assert texts(slack, DANA) == [
        f"How your introduction of <@{ANA}> and <@{BEN}> turned out: "
        f"<@{ANA}> says it was helpful.\n"
        "Thank you for connecting them!"
    ]
    slack.double.clear()

    view = await thank_from(slack, thanks, "Thank Ben", "the helm chart review")

    assert view["callback_id"] == "thanks.start"
    assert view["title"]["text"] == "Thank Ben"
    assert [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"] == [
        "What are you thanking them for?"
    ]
    assert texts(slack, BEN) == [f"<@{ANA}> thanked you: “the helm chart review”"]
    assert len(posts(slack, dm(ANA))) == 1  # Ana hears it went out
    slack.double.clear()
    await thank_from(slack, thanks, "Thank Dana", "the introduction")
    assert texts(slack, DANA)[-1] == f"<@{ANA}> thanked you: “the introduction”"
    assert (await dispatch(slack)).sent == 0


async def test_an_empty_thank_you_keeps_the_modal_open(slack: SlackWorld) -> None:
    check = await checked(slack)
    await press(slack, ANA, button(check["blocks"], "Helpful"))
    await dispatch(slack)
    thanks = posts(slack, dm(ANA))[-1]
    slack.double.clear()
    await press(slack, ANA, button(thanks["blocks"], "Thank Ben"))

    response = await submit(slack, only_view(slack), ANA, note="   ")

    assert response.status == 200 and response.json()["response_action"] == "errors"
    assert posts(slack, dm(BEN)) == []


@pytest.mark.parametrize(
    ("label", "answer", "loop"),
    [
        (
            "We talked",
            "Good to hear you talked. Thanks for letting me know!",
            "says they talked.\nThank you for connecting them!",
        ),
        (
            "It didn't happen",
            "Thanks for telling me; these things happen.",
            "says it didn't happen this time.\n"
            "Not every introduction clicks; thank you for making it.",
        ),
    ],
)
async def test_other_answers_close_the_loop_without_a_thank_you_prompt(
    slack: SlackWorld, label: str, answer: str, loop: str
) -> None:
    check = await checked(slack)

    [pressed] = await press(slack, ANA, button(check["blocks"], label))

    assert pressed["replace_original"] is True and pressed["text"] == answer
    assert (await dispatch(slack)).sent == 1
    assert texts(slack, DANA) == [
        f"How your introduction of <@{ANA}> and <@{BEN}> turned out: <@{ANA}> {loop}"
    ]
    assert posts(slack, dm(ANA)) == []
    [again] = await press(slack, ANA, button(check["blocks"], "Helpful"))
    assert again["text"] == "You've already told me how it went. Thank you!"
    assert again["replace_original"] is False


async def test_not_yet_asks_once_more_without_a_not_yet_button(slack: SlackWorld) -> None:
    check = await checked(slack)

    [later] = await press(slack, ANA, button(check["blocks"], "Not yet"))

    assert later["text"] == "No rush. I'll ask once more in a few days."
    assert (await dispatch(slack)).sent == 0
    slack.clock.advance(days=4)
    assert (await dispatch(slack)).sent == 1
    second = only_post(slack, dm(ANA))
    assert post_text(second).endswith(
        "introduced you a while ago.\nOne click is enough; only you see this."
    )
    assert labels(second["blocks"]) == ["Helpful", "We talked", "It didn't happen"]
    assert posts(slack, dm(DANA)) == []


async def test_keep_in_touch_after_a_quiet_spell_offers_a_thank_you(slack: SlackWorld) -> None:
    await checked(slack)
    slack.clock.advance(days=88)  # 92 days after connecting: a Tuesday morning

    assert (await dispatch(slack)).sent == 1

    nudge = only_post(slack, dm(ANA))
    assert post_text(nudge) == (
        f"It's been a while since you and <@{BEN}> connected. "
        "A short hello keeps a good connection warm.\n"
        "If they helped you, a thank-you is a nice way to start."
    )
    assert labels(nudge["blocks"]) == ["Thank Ben"]
    await thank_from(slack, nudge, "Thank Ben", "staying in touch")
    assert texts(slack, BEN) == [f"<@{ANA}> thanked you: “staying in touch”"]


async def test_a_birthday_reaches_the_people_connected_with_them(slack: SlackWorld) -> None:
    people(slack)
    await set_profile(slack, BEN, "birthday=03-05")  # a Thursday
    await connected(slack)
    slack.clock.advance(days=2)
    assert (await dispatch(slack)).sent == 0

    slack.clock.advance(days=1)
    assert (await dispatch(slack)).sent == 1

    assert texts(slack, ANA) == [
        f"It's <@{BEN}>'s birthday today. A short note would make their day!\n"
        "(They chose to share this date with the people they're connected with.)"
    ]
    assert posts(slack, dm(DANA)) == [] and posts(slack, dm(BEN)) == []


async def test_the_weekly_giver_digest_lists_unmet_asks(slack: SlackWorld) -> None:
    people(slack)
    await set_profile(slack, ANA, 'skills="kubernetes:expert"')
    await set_profile(slack, CARL, 'skills="kubernetes:practitioner"')
    asked = said(
        await slack.sender.command("/ask", f"<@{CARL}|c> How do I move Jenkins to k8s?", user=BEN)
    )
    assert asked.startswith("Sent!"), asked
    await press(slack, CARL, button(only_post(slack, dm(CARL))["blocks"], "Decline"))
    empty_ack(await submit(slack, only_view(slack), CARL))
    slack.double.clear()

    slack.clock.advance(days=7)  # Monday again
    await dispatch(slack)

    assert texts(slack, ANA) == [
        "Your week in asks. People asked for help with things you know:\n"
        "kubernetes (1)\n"
        f"Still looking: <@{BEN}> needed help with *kubernetes*.\n"
        "If you can help, send them a DM. No obligation, ever.\n"
        "Turn this digest off with /networker prompts off giver_digest."
    ]


async def test_prompts_past_the_daily_cap_arrive_merged_the_next_day(slack: SlackWorld) -> None:
    people(slack)
    for other in (BEN, CARL):
        await slack.sender.command("/intro", f"<@{ANA}|a> <@{other}|b> Both run meetups", user=DANA)
    slack.double.clear()
    slack.clock.advance(days=3)

    await dispatch(slack, dm_daily_cap=1)

    assert len(posts(slack, dm(ANA))) == 1
    slack.double.clear()
    slack.clock.advance(days=1)
    await dispatch(slack, dm_daily_cap=1)

    digest = only_post(slack, dm(ANA))
    assert digest["text"] == "*A few things I held back so as not to flood your DMs:*"
    assert labels(digest["blocks"]) == CONSENT_BUTTONS
    [accepted] = await press(slack, ANA, button(digest["blocks"], "Accept"))
    assert accepted["text"] == f"Thank you! Waiting for <@{CARL}> to answer too."


# --- /networker prompts -------------------------------------------------------------------------


async def test_networker_prompts_lists_and_switches_kinds(slack: SlackWorld) -> None:
    people(slack)

    listed = said(await slack.sender.command("/networker", "prompts", user=ANA))

    assert listed.startswith("The messages I may send you on my own:")
    for kind in SWITCHABLE:
        assert f"*{kind.value}*\non · " in listed, kind
    off = said(await slack.sender.command("/networker", "prompts off keep_in_touch", user=ANA))
    assert off.startswith("Saved: keep_in_touch is off.")
    assert "*keep_in_touch*\noff · " in off
    usage = said(await slack.sender.command("/networker", "prompts off", user=ANA))
    assert usage.startswith("Usage: /networker prompts [on|off &lt;kind&gt;]")

    await checked(slack)
    slack.clock.advance(days=88)
    await dispatch(slack)
    assert posts(slack, dm(ANA)) == []
    [row] = await rows(slack, "keep_in_touch")
    assert row["state"] == "cancelled"


# --- delivery failures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "error"),
    [("conversations.open", "cannot_dm_bot"), ("chat.postMessage", "user_not_found")],
)
async def test_a_member_slack_will_not_dm_is_marked_unreachable_and_the_prompt_cancelled(
    slack: SlackWorld, method: str, error: str
) -> None:
    await connected(slack)
    slack.double.fail(method, error)
    slack.clock.advance(days=4)

    report = await dispatch(slack)

    assert (report.sent, report.outcomes["not sent"]) == (0, 1)
    [check] = await rows(slack, "connect_check")
    assert (check["state"], check["last_error"]) == ("cancelled", error)
    refused = said(
        await slack.sender.command("/ask", f"<@{ANA}|ana> a question about helm", user=DANA)
    )
    assert refused.startswith("I can't reach Ana by direct message on this platform.")
    slack.clock.advance(days=1)
    assert (await dispatch(slack)).claimed == 0


async def test_a_server_error_is_retried_on_a_later_tick(slack: SlackWorld) -> None:
    await connected(slack)
    slack.double.fail("chat.postMessage", "internal_error", status=500)
    slack.clock.advance(days=4)

    first = await dispatch(slack)

    assert first.sent == 0
    [check] = await rows(slack, "connect_check")
    assert (check["state"], check["attempts"], check["last_error"]) == (
        "pending",
        1,
        "internal_error",
    )
    assert check["due_at"] == slack.clock.now() + timedelta(minutes=1)
    assert (await dispatch(slack)).claimed == 0

    slack.clock.advance(minutes=1)
    assert (await dispatch(slack)).sent == 1

    delivered = slack.double.calls_to("chat.postMessage")
    assert len(delivered) == 2  # the refused one, then the one that arrived
    assert labels(posts(slack, dm(ANA))[-1]["blocks"]) == CHECK_BUTTONS
