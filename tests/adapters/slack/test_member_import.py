"""Importing a member list into a Slack workspace: members found by email through the
real slack_sdk client against the Web API double, Retry-After honoured."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.member_lookup import SlackMemberLookup
from bot.domain.member_import import Identity
from bot.services.member_import import LookupRefused
from tests.adapters.slack.double import FakeUser, SlackApiDouble


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
