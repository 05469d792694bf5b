"""Be specific: contentless reasons, contradicting settings, defaults and trailing words
are answered with what was not understood, and change nothing."""

from __future__ import annotations

import pytest

from tests.driver import Community

pytestmark = pytest.mark.fake_store_too


@pytest.mark.parametrize("reason", ["please help", "you two", "x", "thanks", "you two should meet"])
async def test_a_contentless_intro_reason_is_refused_and_nobody_is_asked(
    community: Community, reason: str
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await ana.me(), await ben.me()
    refused = await eve.intro(ana, ben, reason)
    assert not refused.ok
    assert "e.g. “you both organise Python meetups and could share speakers”" in refused.text
    assert community.messenger.sent == []
    assert "All clear" in (await eve.me()).text


@pytest.mark.parametrize("request_", ["please help", "thanks", "x", "can you help me please"])
async def test_a_contentless_ask_is_refused_and_nothing_is_sent(
    community: Community, request_: str
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.me()
    refused = await dana.ask(ana, request_)
    assert not refused.ok
    assert "e.g. “could you look over the budget section of my grant proposal?”" in refused.text
    assert ana.dms() == []


async def test_a_short_ask_naming_a_topic_the_community_knows_goes_through(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    assert (await dana.ask(ana, "help with python")).ok
    assert "@Dana is asking for your help with python" in ana.last_dm()
