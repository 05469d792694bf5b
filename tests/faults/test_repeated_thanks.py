"""The same /thanks sent again within minutes (the member thought Slack didn't take it)
is recognised as one: recorded once, DMed once, and the second answer says so."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import dm, posts, said

SENT = "Thank-you sent to <@UANA>."
ALREADY = "That thank-you to <@UANA> was already sent."


async def thanks_rows(slack: SlackWorld) -> int:
    async with slack.core.units.sessions() as session:
        return int((await session.execute(text("SELECT count(*) FROM thanks"))).scalar_one())


async def thank(slack: SlackWorld, words: str) -> str:
    return said(await slack.sender.command("/thanks", words, user="UDANA"))


async def test_the_same_thanks_twice_is_recorded_and_sent_once(slack: SlackWorld) -> None:
    slack.user("UDANA", "dana")
    ana = slack.user("UANA", "ana")

    assert await thank(slack, "<@UANA|ana> for the CV review") == SENT
    slack.clock.advance(minutes=9)
    assert await thank(slack, "<@UANA|ana>   for the CV review ") == ALREADY

    assert await thanks_rows(slack) == 1
    assert len(posts(slack, dm(ana))) == 1
    # Another note is another thank-you; so is the same one later.
    assert await thank(slack, "<@UANA|ana> for the intro to Bob") == SENT
    slack.clock.advance(minutes=2)
    assert await thank(slack, "<@UANA|ana> for the CV review") == SENT
    assert await thanks_rows(slack) == 3
    assert len(posts(slack, dm(ana))) == 3


async def test_the_same_thanks_sent_twice_at_once_is_recorded_once(slack: SlackWorld) -> None:
    slack.user("UDANA", "dana")
    ana = slack.user("UANA", "ana")
    await slack.sender.command("/networker", "me", user="UDANA")  # both are known already
    await slack.sender.command("/networker", "me", user="UANA")

    answers = await asyncio.gather(
        *(thank(slack, "<@UANA|ana> for the CV review") for _ in range(2))
    )

    assert sorted(answers) == sorted([SENT, ALREADY])
    assert await thanks_rows(slack) == 1
    assert len(posts(slack, dm(ana))) == 1
