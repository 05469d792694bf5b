"""Importing a member list into a Slack workspace: members found by email through the
real slack_sdk client against the Web API double, Retry-After honoured."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.member_lookup import SlackMemberLookup
from bot.domain.member_import import Identity
from bot.services.member_import import LookupRefused
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.double import FakeUser, SlackApiDouble
from tests.adapters.slack.helpers import post_text, posts


class Waits:
    """Stands in for asyncio.sleep: records each wait instead of sleeping."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def lookup(slack_double: SlackApiDouble) -> tuple[SlackMemberLookup, Waits]:
    slack_double.users["U1"] = FakeUser("ana", "Ana Lima", "Europe/Lisbon", email="ana@x.org")
    slack_double.users["UB"] = FakeUser("bot", "A bot", "UTC", is_bot=True, email="bot@x.org")
    client = AsyncWebClient(token="xoxb-test", base_url=slack_double.base_url)
    waits = Waits()
    return SlackMemberLookup(client, sleep=waits), waits


async def test_a_member_is_found_by_email_with_their_name_and_time_zone(
    lookup: tuple[SlackMemberLookup, Waits], slack_double: SlackApiDouble
) -> None:
    found = await lookup[0].find(Identity(email="ana@x.org"))
    assert [(r.user_id, r.display_name, r.timezone) for r in found] == [
        ("U1", "Ana Lima", "Europe/Lisbon")
    ]
    assert slack_double.calls_to("users.lookupByEmail")[0].params["email"] == "ana@x.org"


async def test_unknown_addresses_and_bots_match_nobody(
    lookup: tuple[SlackMemberLookup, Waits],
) -> None:
    assert await lookup[0].find(Identity(email="nobody@x.org")) == []
    assert await lookup[0].find(Identity(email="bot@x.org")) == []


async def test_a_429_is_waited_out_for_its_retry_after_then_asked_again(
    lookup: tuple[SlackMemberLookup, Waits], slack_double: SlackApiDouble
) -> None:
    slack_double.rate_limit("users.lookupByEmail", retry_after=7, times=2)
    found = await lookup[0].find(Identity(email="ana@x.org"))
    assert [r.user_id for r in found] == ["U1"]
    assert lookup[1].seconds == [7.0, 7.0]
    assert len(slack_double.calls_to("users.lookupByEmail")) == 3


async def test_a_name_alone_is_refused_with_a_reason(
    lookup: tuple[SlackMemberLookup, Waits],
) -> None:
    with pytest.raises(LookupRefused, match="by email or user id"):
        await lookup[0].find(Identity(username="ana"))


# --- a file shared in a DM to the bot --------------------------------------------------------

CSV = b"Email,Skills\r\nana@x.org,python:expert\r\nghost@x.org,go\r\n"


def shared(user: str, file_id: str, text: str = "") -> dict[str, object]:
    return {
        "type": "message",
        "subtype": "file_share",
        "channel": f"D{user}",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": "1700000000.000100",
        "files": [{"id": file_id, "name": "members.csv"}],
    }


async def test_an_admin_shares_a_list_in_a_dm_and_sees_progress_then_the_summary(
    slack: SlackWorld,
) -> None:
    slack.double.users["UADM"] = FakeUser("org", "Org", "UTC", is_admin=True)
    slack.double.users["U1"] = FakeUser("ana", "Ana", "Europe/Lisbon", email="ana@x.org")
    slack.double.files["F1"] = ("members.csv", CSV)

    response = await slack.sender.event(shared("UADM", "F1"), event_id="EvFile1")

    assert response.status == 200
    assert slack.double.calls_to("files.info")[0].params["file"] == "F1"
    updates = [str(c.params.get("text", "")) for c in slack.double.calls_to("chat.update")]
    assert any(u.startswith("Importing the member list: applying") for u in updates)
    assert updates[-1] == "Done. The summary is below."
    # The summary is a DM kept as a row first (the durable outbox), then sent.
    progress, summary = posts(slack, "DUADM")
    assert progress["text"] == "Reading the member list…"
    assert "2 rows · 1 matched · 1 new · 0 updated · 0 unchanged · 1 rejected" in post_text(summary)
    assert "row 3, email: matches no member on Slack" in post_text(summary)
    async with slack.core.units(write=False) as uow:
        community = await uow.communities.by_external_id("slack", "T1")
        assert community is not None and community.id is not None
        org = await uow.members.by_platform_id(community.id, "UADM")
        assert org is not None and org.id is not None
        assert await uow.prompts.on_its_way(org.id) == []  # delivered: nothing waits
        ana = await uow.members.by_platform_id(community.id, "U1")
        assert ana is not None and ana.skills == {"python": 3} and not ana.discoverable
    async with slack.core.units(write=False) as uow:
        community = await uow.communities.by_external_id("slack", "T1")
        assert community is not None and community.id is not None
        ana = await uow.members.by_platform_id(community.id, "U1")
        assert ana is not None and ana.skills == {"python": 3} and not ana.discoverable


async def test_a_member_who_is_not_an_admin_cannot_import(slack: SlackWorld) -> None:
    slack.double.users["U2"] = FakeUser("ben", "Ben", "UTC")
    slack.double.files["F2"] = ("members.csv", CSV)

    await slack.sender.event(shared("U2", "F2"), event_id="EvFile2")

    assert slack.double.calls_to("files.info") == []  # the file was not even read
    assert "Only organisers can do that." in post_text(posts(slack, "DU2")[-1])


async def test_other_dm_messages_are_left_alone(slack: SlackWorld) -> None:
    event = dict(shared("U2", "F3"), subtype=None)
    await slack.sender.event(event, event_id="EvFile3")
    assert slack.double.calls_to("chat.postMessage") == []
