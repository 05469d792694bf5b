"""Pairing on Slack, through slack-bolt against the Web API double: joining the pairing
channel opts in, leaving it opts out, and a round opens one group DM per group."""

from __future__ import annotations

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import dm, group, opened, post_text, posts, said


def moved(kind: str, user: str, channel: str) -> dict[str, str]:
    return {"type": kind, "user": user, "channel": channel}


async def test_the_pairing_channel_opts_members_in_and_out_and_a_round_opens_group_dms(
    slack: SlackWorld,
) -> None:
    slack.user("UORG", "olga", admin=True)
    for user, name in (("UANA", "ana"), ("UBEN", "ben"), ("UCAT", "cat")):
        slack.user(user, name, "Europe/Berlin")
    on = await slack.sender.command(
        "/networker", "pairing on <#CCOFFEE|coffee> every=2w day=thu", user="UORG"
    )
    assert "Pairing is on in #coffee (CCOFFEE): every two weeks on Thursday" in said(on)
    [announced] = posts(slack, "CCOFFEE")  # in the channel, with a Join button
    assert "Pairing rounds start here" in post_text(announced)
    assert "pairing.join" in str(announced["blocks"])

    # Another channel means nothing; the pairing channel opts in, with a DM saying so.
    await slack.sender.event(moved("member_joined_channel", "UANA", "CRANDOM"), event_id="Ev1")
    assert posts(slack, dm("UANA")) == []
    for n, user in enumerate(("UANA", "UBEN", "UCAT")):
        await slack.sender.event(
            moved("member_joined_channel", user, "CCOFFEE"), event_id=f"EvJ{n}"
        )
    assert "You're in!" in post_text(posts(slack, dm("UANA"))[-1])
    # Leaving the channel opts out: cat is not in the round.
    await slack.sender.event(moved("member_left_channel", "UCAT", "CCOFFEE"), event_id="EvL1")

    run = await slack.sender.command("/networker", "pairing run <#CCOFFEE|coffee>", user="UORG")
    assert "1 group conversations" in said(run)
    assert group("UANA", "UBEN") in [p["channel"] for p in posts(slack)]
    assert "UANA,UBEN" in opened(slack) or "UBEN,UANA" in opened(slack)
    assert not any("UCAT" in users for users in opened(slack) if "," in users)
    intro = post_text(posts(slack, group("UANA", "UBEN"))[0])
    assert "pairing group" in intro and "<@UANA>" in intro and "<@UBEN>" in intro
