"""Words members see: counts agree, dates can't be misread, hints send people to the
right place and say what they need to the person reading them."""

from __future__ import annotations

import pytest

from tests.driver import Community

pytestmark = pytest.mark.fake_store_too

NEED = "could you review my python packaging setup before the release"
WHY = "you both run Python meetups and could share speakers"


async def test_one_request_is_one_request(community: Community) -> None:
    ana = community.member("ana")
    assert "Capacity: 1 request per 30 days" in (await ana.profile("capacity=1")).text
    assert "Capacity: 2 requests per 30 days" in (await ana.profile("capacity=2")).text


async def test_dates_are_written_out(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    shown = await ana.profile("availability=busy:2026-12-03 anniversary=2019-05-01 birthday=03-12")
    assert "busy until 3 December" in shown.text
    assert "Work anniversary: 1 May 2019" in shown.text
    assert "Birthday: 12 March" in shown.text
    for ambiguous in ("12-03", "03-12", "2026-12-03", "Dec 2026"):
        assert ambiguous not in shown.text
    past = await ana.edit("availability=busy:2026-03-01")
    assert past.text.startswith("1 March is already past.")
    assert "until 3 December" in (await dana.ask(ana, NEED)).text


async def test_the_balance_hint_points_to_where_asks_are(community: Community) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    for helper in (ana, ben):
        await dana.ask(helper, NEED)
        await helper.press(helper.button("Accept"))
    summary = (await dana.me()).text
    assert "You've had more help than you've given lately" in summary
    assert "/whoknows" not in summary  # it finds helpers, not asks
    assert "/networker topics shows what people ask about" in summary


async def test_a_second_intro_of_a_waiting_pair_speaks_to_whoever_tried(
    community: Community,
) -> None:
    ana, ben, eve, fay = (community.member(n) for n in ("ana", "ben", "eve", "fay"))
    await eve.intro(ana, ben, WHY)
    again = await eve.intro(ana, ben, WHY)
    assert "I'll tell you how it goes" in again.text
    assert "introducer" not in again.text  # eve is the introducer
    other = await fay.intro(ben, ana, WHY)
    assert "has been waiting for their answers" in other.text
    assert "Eve" not in other.text  # whose introduction it is stays theirs
