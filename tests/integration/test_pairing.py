"""Pairing rounds through the real use cases: organisers open a channel, members opt in,
and the dispatcher's pass starts each round once, with one conversation per group."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from itertools import combinations

import pytest

from bot.messages import Reply
from bot.prompts.dispatcher import Dispatcher, Report
from bot.services import commands as c
from bot.services.app import Networker
from tests.driver import Community, Member
from tests.fakes import FakeClock, FakeMessenger

pytestmark = pytest.mark.fake_store_too

NAMES = ["ana", "ben", "cleo", "dev", "eli", "fay", "gus", "hana", "ivo"]


@pytest.fixture
def run_due(app: Networker, clock: FakeClock) -> Callable[[], Awaitable[Report]]:
    return Dispatcher(app.units, clock, app.config, app.messengers).run_due


async def pairing(
    m: Member, action: str, channel: str | None = "#coffee", options: str = ""
) -> Reply:
    if m.organiser and action in ("on", "off", "run", "status", "set"):
        return await m.do(c.PairingManage(action, channel, options))
    return await m.do(c.PairingMember(action, channel))


def groups_of(messenger: FakeMessenger) -> list[tuple[str, ...]]:
    return [s.to for s in messenger.sent if s.kind == "group"]


async def setup(community: Community, n: int, options: str = "") -> tuple[Member, list[Member]]:
    olga = community.member("olga", organiser=True)
    result = await pairing(olga, "on", options=options or "day=mon time=10:00")
    assert result.ok, result.text
    members = [community.member(name) for name in NAMES[:n]]
    for m in members:
        joined = await pairing(m, "join")
        assert joined.ok and "You're in!" in joined.text, joined.text
    return olga, members


async def test_a_round_puts_everyone_in_exactly_one_group_once(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    # The fake clock starts on a Monday at 10:00: the first slot is next Monday's.
    _, members = await setup(community, 7)
    await run_due()
    assert groups_of(messenger) == []  # not yet
    clock.advance(days=7)
    await run_due()
    groups = groups_of(messenger)
    seated = sorted(u for g in groups for u in g)
    assert seated == sorted(m.id for m in members)  # each exactly once
    assert sorted(len(g) for g in groups) == [2, 2, 3]  # odd: one trio
    text = messenger.to(members[0].id, kind="group")[0].text
    assert "pairing group" in text and "Why you" in text and "To start" in text
    await run_due()  # the same moment again: no second round, no group messaged twice
    assert groups_of(messenger) == groups


async def test_no_pair_meets_twice_while_anyone_else_is_left(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    olga, _ = await setup(community, 6)
    assert (await pairing(olga, "set", options="ghost_rounds=10")).ok  # nobody answers here
    met: set[tuple[str, ...]] = set()
    for _ in range(5):  # six people: five rounds of fresh pairs exist
        messenger.clear()
        clock.advance(days=7)
        await run_due()
        pairs = {tuple(sorted(p)) for g in groups_of(messenger) for p in combinations(g, 2)}
        assert len(pairs) == 3 and not pairs & met
        met |= pairs


async def test_paused_away_skipping_and_leaving_members_are_left_out_not_removed(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    _, (ana, ben, cleo, dev, eli, fay) = await setup(community, 6)
    await ana.pause()
    await ben.profile("availability=away")
    skipped = await pairing(cleo, "skip", None)
    assert skipped.ok and "sit out the next round" in skipped.text
    left = await pairing(dev, "leave", None)
    assert left.ok and "left" in left.text
    clock.advance(days=7)
    await run_due()
    assert sorted(u for g in groups_of(messenger) for u in g) == sorted([eli.id, fay.id])
    # Next week: cleo's skip is over, ana is back; dev stays out; ben is still away.
    await ana.pause(False)
    messenger.clear()
    clock.advance(days=7)
    await run_due()
    assert sorted(u for g in groups_of(messenger) for u in g) == sorted(
        [ana.id, cleo.id, eli.id, fay.id]
    )


async def test_organisers_run_a_round_now_and_see_its_status(
    community: Community, messenger: FakeMessenger
) -> None:
    olga, _ = await setup(community, 4)
    started = await pairing(olga, "run")
    assert started.ok and "2 group conversations" in started.text, started.text
    assert len(groups_of(messenger)) == 2  # sent with the answer, not later
    status = (await pairing(olga, "status")).text
    assert "Participants: 4" in status and "2 groups" in status and "0% met" in status


async def test_members_cannot_run_organiser_actions_and_bad_options_change_nothing(
    community: Community, messenger: FakeMessenger
) -> None:
    olga, (ana, *_) = await setup(community, 3)
    refused = await ana.do(c.PairingManage("run", "#coffee"))
    assert not refused.ok and "Only organisers" in refused.text
    before = (await pairing(olga, "status")).text
    assert "Next round: Mon 09 Mar 10:00 (UTC)" in before, before
    for options in ("every=3w day=thu", "day=thu size=5", "day=sun", "time=25:00", "colour=red"):
        bad = await pairing(olga, "on", options=options)
        assert not bad.ok, options
    assert "1w, 2w or 4w" in (await pairing(olga, "on", options="every=3w")).text
    assert (await pairing(olga, "status")).text == before  # nothing changed
    unknown = await pairing(ana, "join", "#nowhere")
    assert not unknown.ok and "no pairing rounds" in unknown.text
    assert groups_of(messenger) == []


async def test_a_second_pairing_channel_has_its_own_cadence_and_participants(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    olga, (ana, ben, cleo, dev) = await setup(community, 4)
    assert (await pairing(olga, "on", "#newcomers", "day=wed time=09:00 size=3")).ok
    for m in (ana, ben, cleo):
        assert (await pairing(m, "join", "#newcomers")).ok
    clock.advance(days=2, hours=-0.5)  # Wednesday 09:30 (the fake clock starts Mon 10:00)
    await run_due()
    assert [sorted(g) for g in groups_of(messenger)] == [sorted([ana.id, ben.id, cleo.id])]
    ambiguous = await pairing(ana, "skip", None)
    assert not ambiguous.ok and "Say which" in ambiguous.text
    messenger.clear()
    clock.advance(days=5, hours=1)  # Monday 10:30: #coffee's round, with all four
    await run_due()
    assert len(groups_of(messenger)) == 2
    assert all(dev.id in g or len(g) == 2 for g in groups_of(messenger))


async def test_the_round_time_is_the_organisers_local_time(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    olga = community.member("olga", organiser=True)
    await olga.profile("tz=America/New_York")
    on = await pairing(olga, "on", options="day=tue time=09:00")
    assert "Tuesday at 09:00 (America/New_York)" in on.text, on.text
    for name in NAMES[:2]:
        await pairing(community.member(name), "join")
    clock.advance(days=1, hours=3, minutes=59)  # Tue 13:59 UTC: 08:59 in New York
    await run_due()
    assert groups_of(messenger) == []
    clock.advance(minutes=2)  # 09:01 there
    await run_due()
    assert len(groups_of(messenger)) == 1


async def test_export_shows_a_members_pairing_and_forget_takes_them_out(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    _, (ana, ben, cleo) = await setup(community, 3)
    clock.advance(days=7)
    await run_due()
    data = await ana.export()
    assert data["pairing"]["channels"] == [
        {
            "channel": "#coffee",
            "presence": "in",
            "skip_next": False,
            "group": "",
            "joined_at": "2026-03-02T10:00:00+00:00",
        }
    ]
    assert data["pairing"]["rounds"] == [{"round": "2026-03-09T10:00:00+00:00", "answer": None}]
    await cleo.forget()
    messenger.clear()
    clock.advance(days=7)
    await run_due()
    assert [sorted(g) for g in groups_of(messenger)] == [sorted([ana.id, ben.id])]


async def test_did_you_meet_then_thanks_and_silent_members_are_paused_kindly(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    _, (ana, ben, cleo, dev) = await setup(community, 4)
    clock.advance(days=7)  # Mon 9 Mar 10:00: round 1
    await run_due()
    (first, *_) = [g for g in groups_of(messenger) if ana.id in g]
    partner = next(m for m in (ben, cleo, dev) if m.id in first)
    # Five days on is a Saturday: the question waits for the weekday window (Mon 09:00).
    clock.advance(days=5)
    await run_due()
    assert not any("Did you meet" in d for d in ana.dms())
    clock.advance(days=1, hours=23)  # Mon 16 Mar 09:00
    await run_due()
    asked = ana.last_dm()
    assert "Did you meet @" in asked and partner.name.capitalize() in asked
    yes = await ana.press(ana.button("Yes"))
    assert yes.ok and "glad you met" in yes.text and yes.message.buttons
    thanked = await ana.press(yes.message.buttons[0], {"note": "Great chat about grants"})
    assert thanked.ok, thanked.text
    await partner.press(partner.button("Yes"))
    again = await ana.press(ana.button("Yes"))  # answering twice changes nothing
    assert again.ok

    clock.advance(hours=1)  # round 2: the silent two of round 1 have one strike
    await run_due()
    clock.advance(days=6, hours=23)  # round 2's question; nobody answers it
    await run_due()
    messenger.clear()
    clock.advance(hours=1)  # round 3: a second strike in a row pauses the silent two
    await run_due()
    silent = [m for m in (ben, cleo, dev) if m is not partner]
    assert [sorted(g) for g in groups_of(messenger)] == [sorted([ana.id, partner.id])]
    for m in silent:
        note = m.last_dm()
        assert "paused your pairing rounds" in note and "Rejoin" in [
            b.label for s in messenger.to(m.id) for b in s.message.buttons
        ]
    for m in (ana, partner):
        assert not any("paused" in d for d in m.dms())  # nobody is told about anyone else
    back = await silent[0].press(silent[0].button("Rejoin"))
    assert back.ok and "You're in!" in back.text


async def test_the_announcement_in_the_channel_has_a_join_button(
    community: Community, messenger: FakeMessenger
) -> None:
    olga = community.member("olga", organiser=True)
    await pairing(olga, "on")
    [post] = [s for s in messenger.sent if s.kind == "channel"]
    assert post.to == ("#coffee",) and "Pairing rounds start here" in post.text
    ana = community.member("ana")
    joined = await ana.press(post.message.buttons[0])
    assert joined.ok and "You're in!" in joined.text and not joined.replaces
    assert "already in" in (await ana.press(post.message.buttons[0])).text
    await pairing(olga, "on", options="every=2w")  # a change of cadence: no second post
    assert len([s for s in messenger.sent if s.kind == "channel"]) == 1


async def test_the_day_before_a_round_a_reminder_offers_to_skip_it(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    _, (ana, ben, cleo) = await setup(community, 3)
    clock.advance(days=5)  # Sat 7 Mar 10:00: not yet
    await run_due()
    assert not any("pairing round" in d for d in ana.dms())
    clock.advance(days=1)  # Sun 8 Mar 10:00: a day before, but outside the weekday window
    await run_due()
    assert not any("pairing round" in d for d in ana.dms())
    clock.advance(hours=23)  # Mon 9 Mar 09:00, the window opens an hour before the round
    await run_due()
    assert "starts within a day" in ana.last_dm()
    skipped = await ana.press(ana.button("Skip this round"))
    assert skipped.ok and "sit out the next round" in skipped.text
    clock.advance(hours=1)
    await run_due()
    assert [sorted(g) for g in groups_of(messenger)] == [sorted([ben.id, cleo.id])]
    reminders = [d for d in ben.dms() if "starts within a day" in d]
    assert len(reminders) == 1  # once per round


async def test_members_of_different_chapters_are_paired_first(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    _, members = await setup(community, 8)
    chapters = {m.name: "Berlin" if i < 4 else "Lisbon" for i, m in enumerate(members)}
    for m in members:
        assert (await m.profile(f"chapter={chapters[m.name]}")).ok
    clock.advance(days=7)
    await run_due()
    groups = groups_of(messenger)
    names = {m.id: m.name for m in members}
    assert len(groups) == 4
    for group in groups:
        assert {chapters[names[u]] for u in group} == {"Berlin", "Lisbon"}, groups


async def test_not_yet_is_asked_once_more_before_the_next_round(
    community: Community,
    clock: FakeClock,
    messenger: FakeMessenger,
    run_due: Callable[[], Awaitable[Report]],
) -> None:
    _, (ana, ben) = await setup(community, 2, "every=4w day=mon time=10:00")

    def asked(m: Member) -> int:
        return sum("Did you meet" in d for d in m.dms())

    for _ in range(24):  # the round, then its question (in ana's window), a day at a time
        clock.advance(days=1)
        await run_due()
        if asked(ana):
            break
    assert asked(ana) == 1
    later = await ana.press(ana.button("Not yet"))
    assert later.ok and "I'll ask once more around" in later.text, later.text
    for _ in range(6):
        clock.advance(days=1)
        await run_due()
    assert asked(ana) == 2  # once more, and only once
    again = await ana.press(ana.button("Not yet"))
    assert again.ok and "once more" not in again.text
    yes = await ana.press(ana.button("Yes"))
    assert yes.ok and "glad you met" in yes.text
    for _ in range(6):
        clock.advance(days=1)
        await run_due()
    assert asked(ana) == 2
    assert asked(ben) == 1  # ben never said "Not yet": asked once
