"""/thanks: gratitude shown to the receiver (and the introducer), capped, never ranked."""

from __future__ import annotations

import pytest

from tests.driver import Community, Member, button_on, names_in
from tests.fakes import FakeClock

pytestmark = pytest.mark.fake_store_too  # use cases only: the in-memory store serves too

WHY = "you both run Python meetups and could share speakers"


async def connected_intro(introducer: Member, a: Member, b: Member) -> None:
    await introducer.intro(a, b, WHY)
    await a.press(a.button("Accept"))
    await b.press(b.button("Accept"))


async def test_a_thank_you_reaches_the_receiver_privately(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    result = await ana.thank(ben, "for the thorough CV review last week")
    assert result.ok
    assert result.text == "Thank-you sent to @Ben."
    assert ben.last_dm() == "@Ana thanked you: “for the thorough CV review last week”"
    assert [s.kind for s in community.messenger.sent] == ["dm"]  # no public post by default
    [stored] = (await ben.export())["thanks"]
    assert stored["from"] == "Ana"
    assert stored["to"] == "Ben"
    assert stored["note"] == "for the thorough CV review last week"


async def test_the_introducer_hears_when_an_introduction_led_to_thanks(
    community: Community,
) -> None:
    ana, ben, eve = community.member("ana"), community.member("ben"), community.member("eve")
    await connected_intro(eve, ana, ben)
    await ana.thank(ben, "great chat about meetup speakers")
    assert "@Ana thanked you" in ben.last_dm()
    assert eve.last_dm() == (
        "@Ana thanked @Ben after the introduction you made. Nice work connecting them!"
    )


async def test_thanking_the_introducer_directly_sends_one_dm(community: Community) -> None:
    ana, ben, eve = community.member("ana"), community.member("ben"), community.member("eve")
    await connected_intro(eve, ana, ben)
    await ana.thank(eve, "for introducing me to Ben")
    assert eve.dms() == ["@Ana thanked you: “for introducing me to Ben”"]


async def test_thanks_outside_an_introduction_does_not_involve_anyone_else(
    community: Community,
) -> None:
    ana, ben, cara, eve = (community.member(n) for n in ("ana", "ben", "cara", "eve"))
    await connected_intro(eve, ana, ben)
    await ana.thank(cara, "for the lovely coffee chat")
    assert eve.dms() == []
    assert not any("thanked" in dm for dm in ben.dms())


async def test_a_declined_introduction_is_not_credited(community: Community) -> None:
    ana, ben, eve = community.member("ana"), community.member("ben"), community.member("eve")
    await eve.intro(ana, ben, WHY)
    await ben.decline()
    dms_to_eve = len(eve.dms())
    await ana.thank(ben, "for the kind reply anyway")
    assert len(eve.dms()) == dms_to_eve


async def test_thanks_for_a_request_counts_as_evidence_for_its_topic(
    community: Community,
) -> None:
    ana, ben, dana, zed = (community.member(n) for n in ("ana", "ben", "dana", "zed"))
    await ben.profile('skills="python:expert"')
    await ana.profile('skills="python:expert"')
    before = await zed.whoknows("python")
    assert names_in(before) == ["Ben", "Ana"]
    assert "vouched" not in before.text
    await dana.ask(ana, "could you review my python packaging setup")
    await ana.press(ana.button("Accept"))
    await dana.thank(ana, "you were a great help, thank you so much")
    result = await zed.whoknows("python")
    assert "vouched for 1×" in result.text


async def test_you_cannot_thank_yourself(community: Community) -> None:
    ana = community.member("ana")
    result = await ana.thank(ana, "for being awesome")
    assert not result.ok
    assert "You can't thank yourself" in result.text
    assert community.messenger.sent == []
    assert (await ana.export())["thanks"] == []


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "What are you thanking them for?"),
        ("   ", "What are you thanking them for?"),
        ("x" * 1001, "the limit is 1000"),
        ("thanks\x00 a lot", "contains control characters"),
    ],
)
async def test_unusable_notes_are_refused_and_nothing_is_stored(
    community: Community, note: str, message: str
) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    result = await ana.thank(ben, note)
    assert not result.ok
    assert message in result.text
    assert ben.dms() == []
    assert (await ben.export())["thanks"] == []


async def test_ten_thank_yous_a_day_then_a_polite_stop(
    community: Community, clock: FakeClock
) -> None:
    ana = community.member("ana")
    friends = [community.member(f"friend{i}") for i in range(11)]
    for i, friend in enumerate(friends[:10]):
        assert (await ana.thank(friend, f"for help number {i}")).ok
        clock.advance(minutes=30)
    refused = await ana.thank(friends[10], "for help number 10")
    assert not refused.ok
    assert "You've sent 10 thank-yous in the last 24 hours, the daily limit." in refused.text
    assert friends[10].dms() == []
    assert len((await ana.export())["thanks"]) == 10

    # The cap is per giver: someone else can still thank.
    assert (await community.member("ben").thank(friends[10], "for the tips")).ok

    clock.advance(hours=24)
    assert (await ana.thank(friends[10], "for help number 10")).ok
    assert "for help number 10" in friends[10].last_dm()


async def test_the_same_thank_you_again_within_minutes_is_the_first_one(
    community: Community, clock: FakeClock
) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    assert (await ana.thank(ben, "for the CV review")).text == "Thank-you sent to @Ben."
    clock.advance(minutes=9)
    again = await ana.thank(ben, "for the CV review")
    assert (again.ok, again.text) == (True, "That thank-you to @Ben was already sent.")
    assert len(ben.dms()) == 1
    assert len((await ana.export())["thanks"]) == 1
    # Someone else's, another note, or the same note later: each a thank-you of its own.
    assert (await community.member("cy").thank(ben, "for the CV review")).ok
    assert (await ana.thank(ben, "for the intro to Cy")).text == "Thank-you sent to @Ben."
    clock.advance(minutes=2)
    assert (await ana.thank(ben, "for the CV review")).text == "Thank-you sent to @Ben."
    assert len(ben.dms()) == 4


async def test_an_organiser_can_lower_the_daily_cap(community: Community) -> None:
    org = community.member("olga", organiser=True)
    await org.settings("thanks_daily_cap", "2")
    ana, ben = community.member("ana"), community.member("ben")
    assert (await ana.thank(ben, "for one thing")).ok
    assert (await ana.thank(ben, "for another thing")).ok
    refused = await ana.thank(ben, "for a third thing")
    assert "You've sent 2 thank-yous" in refused.text
    assert len(ben.dms()) == 2


async def test_a_thanks_wall_shows_thanks_only_when_the_community_turns_it_on(
    community: Community,
) -> None:
    org = community.member("olga", organiser=True)
    ana, ben = community.member("ana"), community.member("ben")
    await ana.thank(ben, "for the first favour")
    assert [s for s in community.messenger.sent if s.kind == "channel"] == []
    await org.settings("thanks_wall", "kudos")
    asked = await ana.thank(ben, "for the second favour")
    assert "public thanks wall, #kudos" in asked.text
    assert [b.label for b in asked.message.buttons] == [
        "Post on the thanks wall",
        "Keep it private",
    ]
    assert "for the second favour" in ben.last_dm()  # the receiver has it already
    assert [s for s in community.messenger.sent if s.kind == "channel"] == []  # not yet
    posted = await ana.press(button_on(asked, "Post on the thanks wall"))
    assert posted.ok and posted.replaces
    [post] = [s for s in community.messenger.sent if s.kind == "channel"]
    assert post.to == ("#kudos",)
    assert post.text == "@Ana thanked @Ben: “for the second favour”"
    again = await ana.press(button_on(asked, "Post on the thanks wall"))  # a double click
    assert "already on #kudos" in again.text
    assert len([s for s in community.messenger.sent if s.kind == "channel"]) == 1


async def test_a_thank_you_stays_private_unless_its_sender_chooses_the_wall(
    community: Community,
) -> None:
    org = community.member("olga", organiser=True)
    ana, ben = community.member("ana"), community.member("ben")
    await org.settings("thanks_wall", "kudos")
    first = await ana.thank(ben, "for the code review")
    second = await ana.thank(ben, "for lending me the projector")
    kept = await ana.press(button_on(first, "Keep it private"))
    assert kept.ok and kept.replaces and "Kept private" in kept.text
    # Someone else can't post your thanks; unanswered means private.
    assert not (await ben.press(button_on(second, "Post on"))).ok
    assert [s for s in community.messenger.sent if s.kind == "channel"] == []
    await org.settings("thanks_wall", "off")
    late = await ana.press(button_on(second, "Post on"))
    assert "turned off" in late.text
    assert [s for s in community.messenger.sent if s.kind == "channel"] == []
    no_wall = await ana.thank(ben, "for the lift home")
    assert no_wall.message.buttons == ()


async def test_a_paused_member_gets_no_dm_but_the_thanks_is_kept(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ben.pause()
    assert (await ana.thank(ben, "for the help with my slides")).ok
    assert ben.dms() == []
    [kept] = (await ben.export())["thanks"]
    assert kept["note"] == "for the help with my slides"


async def test_thanks_shows_up_in_both_balances(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.thank(ben, "for the help with my slides")
    assert "thanks given 1 · thanks received 0" in (await ana.me()).text
    assert "thanks given 0 · thanks received 1" in (await ben.me()).text
