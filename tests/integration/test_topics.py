"""/networker topics: where the community's asks go, in counts, never in names."""

from __future__ import annotations

import pytest

from bot.services import commands as c
from tests.driver import Community
from tests.fakes import FakeClock

pytestmark = pytest.mark.fake_store_too  # use cases only: the in-memory store serves too

NEED = "could you walk me through {} for our chapter's new project"


async def test_with_no_asks_it_says_so_and_where_asks_come_from(community: Community) -> None:
    result = await community.member("dana").do(c.Topics())
    assert result.ok
    assert "Nobody has asked for help about a topic in the last 90 days." in result.text
    assert "/whoknows" in result.text


async def test_most_asked_and_thinly_covered_topics_in_counts_only(
    community: Community, clock: FakeClock
) -> None:
    ana, ben, cleo = (community.member(n) for n in ("ana", "ben", "cleo"))
    await ana.profile('skills="kubernetes:expert, grant writing:expert"')
    await ben.profile('skills="kubernetes:practitioner"')
    await cleo.profile('skills="kubernetes:expert"')
    askers = [community.member(f"asker{i}") for i in range(4)]
    for asker in askers[:3]:
        assert (await asker.ask(ana, NEED.format("grant writing"), "grant writing")).ok
    assert (await askers[3].ask(ben, NEED.format("kubernetes"), "kubernetes")).ok
    for i, asker in enumerate(askers[:2]):
        await asker.ask(cleo, NEED.format(f"kubernetes step {i}"), "kubernetes")

    text = (await community.member("zoe").do(c.Topics())).text

    assert "Most asked: grant writing (3 asks, 1 member can help) · kubernetes (3 asks, " in text
    assert "Few can help: grant writing (3 asks, 1 member can help)" in text
    assert "kubernetes" not in text.split("Few can help:")[1].split("\n")[0]
    for name in ("Asker", "Ana", "Ben", "Cleo", "walk me through"):
        assert name not in text  # nobody is named, no ask is quoted


async def test_old_asks_and_unsent_drafts_do_not_count(
    community: Community, clock: FakeClock
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="statistics:expert"')
    await dana.ask(ana, NEED.format("statistics"), "statistics")
    clock.advance(days=91)

    text = (await dana.do(c.Topics())).text

    assert "Nobody has asked" in text
