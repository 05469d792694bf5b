"""A command's messages are rows: one HTTP 500 from Slack delays them, never loses them.

The real Slack adapter and the Web API double, as elsewhere here; the dispatcher's next
pass (what the scheduler runs every interval) is run by hand after the back-off."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, text

from bot.prompts.dispatcher import Dispatcher, Report
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    group,
    only_post,
    opened,
    post_text,
    posts,
    press,
    said,
)

ANA, BEN, DEV = "UANA", "UBEN", "UDEV"


async def retry(slack: SlackWorld) -> Report:
    """The back-off's first wait, then the dispatcher's pass."""
    slack.clock.advance(minutes=1, seconds=1)
    dispatcher = Dispatcher(
        slack.core.units, slack.clock, slack.runtime.settings, dict(slack.core.messengers)
    )
    return await dispatcher.run_due()


async def me(slack: SlackWorld, user: str) -> str:
    return said(await slack.sender.command("/networker", "me", user=user))


async def introduced(slack: SlackWorld) -> tuple[Json, Json]:
    """Dev introduces Ana and Ben; their consent DMs."""
    for user, name in ((ANA, "ana"), (BEN, "ben"), (DEV, "dev")):
        slack.user(user, name)
    answer = said(
        await slack.sender.command(
            "/intro", "<@UANA|ana> <@UBEN|ben> Both run Kubernetes meetups", user=DEV
        )
    )
    assert answer.startswith("Done!")
    return only_post(slack, dm(ANA)), only_post(slack, dm(BEN))


async def test_a_500_on_opening_the_group_at_connect_is_retried_and_everyone_hears(
    slack: SlackWorld,
) -> None:
    to_ana, to_ben = await introduced(slack)
    await press(slack, ANA, button(to_ana["blocks"], "Accept"))
    slack.double.clear()
    slack.double.fail("conversations.open", "internal_error", status=500)

    [accepted] = await press(slack, BEN, button(to_ben["blocks"], "Accept"))

    # Not "I've opened": it is not open. The answer stays as it is (no second answer).
    assert accepted["text"] == (
        "Wonderful, you're connected! Your conversation is on its way: "
        "/networker me shows it until it's open."
    )
    # Ben hears, in his DM with the bot, that it is not there yet: nobody else heard.
    [note] = posts(slack)
    assert note["channel"] == dm(BEN)
    assert post_text(note) == (
        "⚠ A message to the new conversation is on its way: Slack didn't accept it just "
        "now (internal_error); I'll keep trying. /networker me shows what's waiting."
    )
    waiting = await me(slack, BEN)
    assert (
        "On its way: the conversation for <@UANA>, <@UBEN> and <@UDEV> "
        "(Slack didn't accept it yet: internal_error; I'll keep trying)." in waiting
    )
    assert "All clear" not in waiting

    report = await retry(slack)

    assert report.sent == 1
    assert opened(slack)[-1] == "UANA,UBEN,UDEV"
    intro = only_post(slack, group(ANA, BEN, DEV))  # the three of them, once
    assert "“Both run Kubernetes meetups”" in post_text(intro)
    assert "All clear" in await me(slack, BEN)
    assert (await retry(slack)).claimed == 0  # nothing is sent twice
    assert len(posts(slack, group(ANA, BEN, DEV))) == 1


async def test_a_500_on_a_consent_dm_is_retried_and_delivered_once(slack: SlackWorld) -> None:
    for user, name in ((ANA, "ana"), (BEN, "ben"), (DEV, "dev")):
        slack.user(user, name)
    slack.double.fail("chat.postMessage", "internal_error", status=500)

    answer = said(
        await slack.sender.command(
            "/intro", "<@UANA|ana> <@UBEN|ben> Both run Kubernetes meetups", user=DEV
        )
    )

    assert answer.startswith("Done!")
    assert len(posts(slack, dm(ANA))) == 1  # the call Slack answered with a 500
    assert len(posts(slack, dm(BEN))) == 1
    assert "On its way: your introduction to <@UANA>" in await me(slack, DEV)

    assert (await retry(slack)).sent == 1

    assert len(posts(slack, dm(ANA))) == 2  # the refused call, then the one Slack accepted
    assert "Accept" in str(posts(slack, dm(ANA))[-1]["blocks"])
    assert (await retry(slack)).claimed == 0
    assert "On its way" not in await me(slack, DEV)


async def test_a_500_on_a_thanks_dm_is_retried_and_delivered_once(slack: SlackWorld) -> None:
    slack.user(ANA, "ana")
    slack.user(DEV, "dev")
    slack.double.fail("chat.postMessage", "internal_error", status=500)

    answer = said(
        await slack.sender.command("/thanks", "<@UANA|ana> for the helm review", user=DEV)
    )

    assert answer == "Thank-you sent to <@UANA>."
    assert "On its way: a message to <@UANA>" in await me(slack, DEV)

    assert (await retry(slack)).sent == 1
    [refused, delivered] = posts(slack, dm(ANA))
    assert refused["text"] == delivered["text"]
    assert "for the helm review" in post_text(delivered)
    assert (await retry(slack)).claimed == 0
    assert len(posts(slack, dm(ANA))) == 2


def groups_opened(slack: SlackWorld) -> list[str]:
    return [users for users in opened(slack) if "," in users]


async def receipts(
    slack: SlackWorld, kinds: tuple[str, ...] = ("message",)
) -> list[dict[str, str] | None]:
    """The receipt of every command message row (or row of these kinds), oldest first."""
    async with slack.core.units.sessions() as session:
        rows = await session.execute(
            text("SELECT receipt FROM prompts WHERE kind IN :kinds ORDER BY id").bindparams(
                bindparam("kinds", expanding=True)
            ),
            {"kinds": list(kinds)},
        )
        return [json.loads(r) if isinstance(r, str) else r for (r,) in rows]


async def test_a_500_on_the_post_after_the_group_opened_posts_there_without_reopening(
    slack: SlackWorld,
) -> None:
    to_ana, to_ben = await introduced(slack)
    await press(slack, ANA, button(to_ana["blocks"], "Accept"))
    slack.double.clear()
    # conversations.open succeeds; the intro's post into it gets a 500.
    slack.double.fail("chat.postMessage", "internal_error", status=500)

    await press(slack, BEN, button(to_ben["blocks"], "Accept"))

    assert groups_opened(slack) == ["UANA,UBEN,UDEV"]
    assert (await receipts(slack))[-1] == {"channel": group(ANA, BEN, DEV)}

    assert (await retry(slack)).sent == 1

    assert groups_opened(slack) == ["UANA,UBEN,UDEV"]  # the conversation was not opened again
    refused, delivered = posts(slack, group(ANA, BEN, DEV))
    assert refused["metadata"] == delivered["metadata"]  # the same row, one delivery key
    [call] = [c for c in slack.double.calls_to("chat.postMessage") if c.params is delivered]
    assert (await receipts(slack))[-1] == {
        "channel": group(ANA, BEN, DEV),
        "ts": (call.answer or {})["ts"],
    }


async def test_every_sent_message_records_where_slack_put_it(slack: SlackWorld) -> None:
    await introduced(slack)

    calls = slack.double.calls_to("chat.postMessage")
    sent = [(c.params["channel"], (c.answer or {})["ts"]) for c in calls]
    assert len(sent) == 2
    # The consent DMs are rows of their own kind (they wait for each contact window).
    rows = await receipts(slack, ("message", "consent_request"))
    assert sorted(sent) == sorted((r["channel"], r["ts"]) for r in rows if r is not None)
    keys = [p["metadata"]["event_payload"]["key"] for p in posts(slack)]
    assert len(set(keys)) == 2  # each message under its own delivery key
