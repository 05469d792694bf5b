"""Issue 11's promises, at the use-case level: confidences kept, the introducer kept in
the loop, thanks for both sides, and the weekly digest covering its own week.

The clock starts on Monday 2 March 2026, 10:00 UTC; members without settings get DMs
on weekdays 09:00-18:00 in their time zone (UTC unless set).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.text_commands import parse
from bot.messages import Button
from bot.services import commands as c
from tests.driver import TEXT_DIALECT, Community, Member, button_on
from tests.fakes import FakeClock
from tests.integration.prompt_time import Run, at, having, utc

NEED = "could you review my python packaging setup before the release"
WHY = "you both run Python meetups and could share speakers"
DIGEST = "Your week in asks"


def button_in(member: Member, text: str, label: str) -> Button:
    """A button on the latest DM to `member` that says `text`."""
    for sent in reversed(member.community.messenger.to(member.id)):
        if text in sent.text:
            return next(b for b in sent.message.buttons if b.label.startswith(label))
    raise AssertionError(f"no DM with {text!r} to {member.name}")


async def connect_by_intro(introducer: Member, a: Member, b: Member) -> None:
    assert (await introducer.intro(a, b, WHY)).ok
    assert (await a.press(a.button("Accept"))).ok
    assert (await b.press(b.button("Accept"))).ok


# --- privacy: a private ask stays private --------------------------------------------------


async def test_the_digest_names_only_askers_who_chose_to_be_seen(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, cleo, dana, finn = (
        community.member(n) for n in ("ana", "ben", "cleo", "dana", "finn")
    )
    for helper in (ana, ben, cleo):
        await helper.profile("skills=python")
    await at(clock, run, utc(2026, 3, 9, 17))  # the first Monday: nothing yet
    clock.current = utc(2026, 3, 10, 10)
    secret = "my visa expires and I need a python job quickly"
    await dana.ask(ben, secret, "python")
    await ben.decline()
    shared = await finn.do(
        c.Ask(ben.ref, "a second pair of eyes on my python tests", "python", True)
    )
    assert "Members who know python may see in their weekly digest that you asked" in shared.text
    await ben.decline()
    await at(clock, run, utc(2026, 3, 16, 9))
    [digest] = having(ana, DIGEST)
    assert "2 people asked about python; 2 still looking for help." in digest
    assert "Still looking: @Finn asked about python and is happy to hear from people" in digest
    assert "@Dana" not in digest and secret not in digest
    assert "second pair of eyes" not in digest  # a visible ask shows who, never the words


async def test_the_visibility_is_chosen_per_ask_typed_or_with_a_button(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ana.profile("skills=python")
    await ben.profile("skills=python")
    typed = await parse("/ask", "@Ben help me profile my python service --visible", TEXT_DIALECT)
    assert isinstance(typed, c.Ask) and typed.visible
    assert typed.request == "help me profile my python service"
    plain = await parse("/ask", "@Ben make my python talk more visible", TEXT_DIALECT)
    assert isinstance(plain, c.Ask) and not plain.visible  # a word, not the flag

    asked = await dana.ask(ben, NEED, "python")
    assert "Nobody else will know you asked." in asked.text
    opened = await dana.press(button_on(asked, "Let others who know python see I asked"))
    assert opened.ok and opened.replaces
    assert not (await ben.press(button_on(asked, "Let others"))).ok  # only the asker chooses
    closed = await dana.press(button_on(opened, "Keep it private"))
    assert "Saved: your ask stays private." in closed.text
    await ben.decline()
    await at(clock, run, utc(2026, 3, 9, 9))
    [digest] = having(ana, DIGEST)
    assert "1 person asked about python; 1 still looking for help." in digest
    assert "@Dana" not in digest
    assert "I don't say who" in digest


@pytest.mark.parametrize("hour", [0, 5, 8, 9, 13, 14, 17, 23])
async def test_the_digest_covers_the_week_before_its_planned_time_at_any_hour(
    community: Community, clock: FakeClock, run: Run, hour: int
) -> None:
    """Digests are planned for Monday 00:00 local; ana's window opens at 14:00, so hers
    go out 14 hours late. An ask made on a Monday, at any hour, is in the next Monday's
    digest, once."""
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ana.profile('skills=python window="weekdays 14:00-18:00"')
    await ben.profile("skills=python")
    asked_at, first_out = utc(2026, 3, 9, hour, 30), utc(2026, 3, 9, 14)
    if asked_at > first_out:
        await at(clock, run, first_out)
    clock.current = asked_at
    assert (await dana.ask(ben, NEED, "python")).ok
    await at(clock, run, max(asked_at, first_out))
    assert having(ana, DIGEST) == []  # the first digest covered the week before 9 March
    await at(clock, run, utc(2026, 3, 16, 13, 59))
    assert having(ana, DIGEST) == []
    await at(clock, run, utc(2026, 3, 16, 14))
    [digest] = having(ana, DIGEST)
    assert "1 person asked about python" in digest  # (unanswered, it expired: still looking)
    await at(clock, run, utc(2026, 3, 23, 14))
    assert len(having(ana, DIGEST)) == 1  # not counted twice


async def test_an_ask_made_while_the_digest_waits_for_its_window_comes_the_week_after(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, dana, finn = (community.member(n) for n in ("ana", "ben", "dana", "finn"))
    await ana.profile('skills=python window="weekdays 14:00-18:00"')
    await ben.profile("skills=python")
    await at(clock, run, utc(2026, 3, 9, 14))  # the first digest: nothing yet
    clock.current = utc(2026, 3, 10, 10)
    await dana.ask(ben, NEED, "python")
    clock.current = utc(2026, 3, 16, 10)  # planned at 00:00, waiting for 14:00
    await finn.ask(ben, "help me choose a python web framework", "python")
    await at(clock, run, utc(2026, 3, 16, 14))
    await at(clock, run, utc(2026, 3, 23, 14))
    first, second = having(ana, DIGEST)
    assert "1 person asked about python" in first  # dana's
    assert "1 person asked about python" in second  # finn's, in its own week


# --- keep the introducer in the loop -------------------------------------------------------


async def test_both_people_of_an_intro_are_asked_how_it_went_each_separately(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await connect_by_intro(eve, ana, ben)
    await at(clock, run, utc(2026, 3, 6, 10))
    assert "How did it go with @Ben? @Eve introduced you" in having(ana, "How did it go")[0]
    assert "How did it go with @Ana? @Eve introduced you" in having(ben, "How did it go")[0]
    assert having(eve, "How did it go") == []

    assert (await ben.press(button_in(ben, "How did it go", "Helpful"))).ok
    await run()
    [thanks] = having(ben, "Say thanks to")
    assert "Say thanks to @Ana and @Eve with one click:" in thanks
    [loop] = having(eve, "turned out")
    assert "@Ben says it was helpful." in loop
    assert having(ana, "Say thanks") == []  # ana hasn't answered: her question still stands

    assert (await ana.press(button_in(ana, "How did it go", "We talked"))).ok
    await run()
    assert "@Ana says they talked." in having(eve, "turned out")[1]
    assert not (await ana.press(button_in(ana, "How did it go", "Helpful"))).ok  # answered


async def test_pressing_one_thank_button_keeps_the_others_of_that_message_usable(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await connect_by_intro(eve, ana, ben)
    await at(clock, run, utc(2026, 3, 6, 10))
    await ana.press(button_in(ana, "How did it go", "Helpful"))
    await run()
    thank_ben, thank_eve = (button_in(ana, "Say thanks", n) for n in ("Thank Ben", "Thank Eve"))
    for button, receiver, note in (
        (thank_ben, ben, "for the tour of your team's python tooling"),
        (thank_eve, eve, "for thinking of us two"),
    ):
        form = (await ana.press(button)).message.form
        assert form is not None
        sent = await ana.press(Button(form.submit, form.action, form.value), {"note": note})
        assert sent.ok and not sent.replaces, sent.text  # the message keeps its buttons
        assert note in receiver.last_dm()


async def test_introducing_a_connected_pair_says_since_when_and_what_to_do(
    community: Community, clock: FakeClock
) -> None:
    ana, ben, eve, fay = (community.member(n) for n in ("ana", "ben", "eve", "fay"))
    await connect_by_intro(eve, ana, ben)
    clock.advance(days=20)
    mine = await eve.intro(ben, ana, "you could swap notes on conference talks")
    assert not mine.ok
    assert "You introduced Ben and Ana already: they've been connected since 2 March." in (
        mine.text
    )
    assert "message them yourself" in mine.text
    theirs = await fay.intro(ana, ben, "you could swap notes on conference talks")
    assert "Ana and Ben already know each other: they've been connected since 2 March." in (
        theirs.text
    )
    assert "Eve" not in theirs.text and WHY not in theirs.text


async def test_a_pair_connected_by_a_private_ask_is_not_introduced_and_the_ask_stays_private(
    community: Community, clock: FakeClock
) -> None:
    ana, dana, eve = (community.member(n) for n in ("ana", "dana", "eve"))
    await dana.ask(ana, NEED)
    await ana.press(ana.button("Accept"))
    clock.current = utc(2027, 1, 5, 10)
    refused = await eve.intro(ana, dana, WHY)
    assert not refused.ok
    assert "since 2 March 2026" in refused.text  # another year: the year is said
    assert NEED not in refused.text and "ask" not in refused.text.split(".")[0]


async def test_time_between_an_intro_and_its_refusal_is_read_in_the_introducers_time_zone(
    community: Community, clock: FakeClock
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await eve.profile("tz=Pacific/Kiritimati")  # UTC+14: already 3 March there
    clock.current = utc(2026, 3, 2, 23)
    await eve.intro(ana, ben, WHY)
    again = await eve.intro(ana, ben, WHY)
    assert "on 3 March" in again.text


async def test_a_thanks_prompt_is_planned_once_per_person(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await connect_by_intro(eve, ana, ben)
    await at(clock, run, utc(2026, 3, 6, 10))
    await ana.press(button_in(ana, "How did it go", "Helpful"))
    await ben.press(button_in(ben, "How did it go", "Helpful"))
    await run()
    await at(clock, run, utc(2026, 3, 6, 10) + timedelta(days=2))
    assert len(having(ana, "Say thanks")) == len(having(ben, "Say thanks")) == 1
