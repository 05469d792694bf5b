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


# --- organiser settings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("consent_reminder_after", "7d"),  # at the expiry (7d by default)
        ("consent_reminder_after", "10d"),  # after it
        ("consent_expires_after", "3d"),  # at the reminder (3d by default)
        ("consent_expires_after", "2d"),  # before it
    ],
)
async def test_a_reminder_at_or_after_the_expiry_is_refused_and_never_listed(
    community: Community, key: str, value: str
) -> None:
    org = community.member("olga", organiser=True)
    before = (await org.settings()).text
    refused = await org.settings(key, value)
    assert not refused.ok
    assert "would come at or after the expiry" in refused.text
    assert "Keep consent_reminder_after shorter than consent_expires_after" in refused.text
    after = (await org.settings()).text
    assert after == before
    assert f"{key}: {value}" not in after


async def test_changing_both_in_the_right_order_is_accepted(community: Community) -> None:
    org = community.member("olga", organiser=True)
    assert (await org.settings("consent_expires_after", "14d")).ok
    saved = await org.settings("consent_reminder_after", "10d")
    assert saved.text == "Saved: consent_reminder_after = 1w 3d."


@pytest.mark.parametrize(
    ("key", "value", "default"),
    [
        ("whoknows_results", "2", "5 (default)"),
        ("consent_reminder_after", "2d", "3d (default)"),
        ("asks_channel", "#asks", "off (default)"),
        ("prompts_off", "keep_in_touch", "none (default)"),
        ("timezone", "Asia/Tokyo", "UTC (default)"),
    ],
)
async def test_key_default_resets_any_setting(
    community: Community, key: str, value: str, default: str
) -> None:
    org = community.member("olga", organiser=True)
    assert (await org.settings(key, value)).ok
    assert f"{key}: {value}" in (await org.settings()).text
    reset = await org.settings(key, "default")
    assert reset.ok
    assert reset.text == f"Reset: {key} = {default}."
    assert f"{key}: {default}" in (await org.settings()).text
