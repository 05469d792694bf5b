"""The bot's own scheduled DMs, end to end: members act, the clock moves, the dispatcher runs.

The clock starts on Monday 2 March 2026, 10:00 UTC. Members without settings get DMs on
weekdays 09:00-18:00 in their time zone (UTC unless the community sets another).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import select

from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Button
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from bot.store.unit_of_work import SqlUnitOfWork
from tests.driver import Community, Member
from tests.fakes import FakeClock, FakeMessenger
from tests.integration.prompt_time import Run, at, having, utc

NEED = "could you review my python packaging setup before the release"
WHY = "you both run Python meetups and could share speakers"
REMINDER = "A gentle reminder, in case this got buried."


def members(community: Community, *names: str) -> list[Member]:
    return [community.member(n) for n in names]


def labels(member: Member) -> list[str]:
    return [b.label for b in member.community.messenger.to(member.id)[-1].message.buttons]


async def connect_by_request(helper: Member, asker: Member, topic: str | None = None) -> None:
    result = await asker.ask(helper, NEED, topic)
    assert result.ok, result.text
    accepted = await helper.press(helper.button("Accept"))
    assert accepted.ok, accepted.text


async def connect_by_intro(introducer: Member, a: Member, b: Member) -> None:
    assert (await introducer.intro(a, b, WHY)).ok
    assert (await a.press(a.button("Accept"))).ok
    assert (await b.press(b.button("Accept"))).ok


async def organiser_sets(community: Community, key: str, value: str) -> None:
    result = await community.member("olga", organiser=True).settings(key, value)
    assert result.ok, result.text


# --- consent reminders ----------------------------------------------------------------------


async def test_one_reminder_goes_to_each_party_three_days_after_an_intro(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)

    await at(clock, run, utc(2026, 3, 5, 9, 59))
    assert having(ana, REMINDER) == having(ben, REMINDER) == []

    await at(clock, run, utc(2026, 3, 5, 10))  # Thursday, three days on
    [to_ana] = having(ana, REMINDER)
    assert "@Eve would like to introduce you to @Ben" in to_ana
    assert labels(ana) == ["Accept", "Not now", "Decline"]
    assert len(having(ben, REMINDER)) == 1
    assert having(eve, REMINDER) == []

    await at(clock, run, utc(2026, 3, 6, 17))
    assert len(having(ana, REMINDER)) == len(having(ben, REMINDER)) == 1  # only one, ever
    # The reminder's own buttons still work.
    assert (await ana.press(ana.button("Accept"))).ok


async def test_not_now_moves_the_reminder_to_three_days_after_the_answer(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 4, 12))
    assert (await ana.press(ana.button("Not now"))).ok

    await at(clock, run, utc(2026, 3, 5, 10))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 7, 11, 59))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 9, 9))  # Saturday 12:00 was due; Monday it opens
    [reminder] = having(ana, REMINDER)
    assert "@Dana is asking for your help" in reminder


async def test_answering_cancels_the_reminder_for_who_answered(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    await ana.press(ana.button("Accept"))
    await at(clock, run, utc(2026, 3, 5, 10))
    assert having(ana, REMINDER) == []
    assert len(having(ben, REMINDER)) == 1

    cy, dana = members(community, "cy", "dana")
    await dana.ask(cy, NEED)
    await cy.decline()
    await at(clock, run, utc(2026, 3, 9, 10))
    assert having(cy, REMINDER) == []
    assert having(dana, "didn't get an answer in time") == []  # declined, not expired


async def test_a_reminder_that_was_missed_does_not_go_out_after_its_request_expired(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 10, 10))  # no dispatcher ran for eight days
    assert len(having(dana, "didn't get an answer in time")) == 1
    assert having(ana, REMINDER) == []


# --- expiry ---------------------------------------------------------------------------------


async def test_an_unanswered_request_expires_after_seven_days_and_the_asker_is_told_kindly(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED, "python")
    await at(clock, run, utc(2026, 3, 9, 9, 59))
    assert having(dana, "in time") == []

    await at(clock, run, utc(2026, 3, 9, 10))
    [told] = having(dana, "in time")
    assert "Your request to @Ana about python didn't get an answer in time" in told
    assert "it's nothing personal" in told
    assert "/whoknows python" in told
    assert having(ana, "in time") == []
    late = await ana.press(ana.button("Accept"))  # the request is closed now
    assert not late.ok
    assert community.messenger.to(ana.id, "group") == []


async def test_an_expired_intro_tells_the_introducer_and_the_party_who_accepted(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    await ana.press(ana.button("Accept"))

    await at(clock, run, utc(2026, 3, 9, 10))
    await run()
    [to_eve] = having(eve, "in time")
    assert "Your introduction of @Ana and @Ben didn't get both answers in time" in to_eve
    assert "No answer isn't a no forever" in to_eve
    [to_ana] = having(ana, "in time")
    assert "The introduction to @Ben didn't get both answers in time" in to_ana
    assert having(ben, "in time") == []  # who didn't answer isn't nagged about it
    assert not (await ben.press(ben.button("Accept"))).ok


async def test_an_expiry_due_outside_the_window_still_closes_the_request_on_time(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    clock.current = utc(2026, 3, 6, 17)  # Friday evening: expiry falls on Friday 13 March 17:00
    await dana.ask(ana, NEED)
    await dana.profile('window="weekdays 09:00-12:00"')
    await at(clock, run, utc(2026, 3, 13, 17))
    assert having(dana, "in time") == []
    assert not (await ana.press(ana.button("Accept"))).ok  # expired already
    await at(clock, run, utc(2026, 3, 16, 9))  # Monday, the window opens
    assert len(having(dana, "in time")) == 1


# --- after a connection ---------------------------------------------------------------------


async def test_did_you_connect_comes_four_days_later_with_four_buttons(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana, "python")
    await at(clock, run, utc(2026, 3, 6, 9, 59))
    assert having(dana, "Did you connect") == []

    await at(clock, run, utc(2026, 3, 6, 10))
    [check] = having(dana, "Did you connect")
    assert "Did you connect with @Ana about your request for help with python?" in check
    assert labels(dana) == ["Helpful", "We talked", "Not yet", "It didn't happen"]
    assert having(ana, "connect") == []  # only the one who asked is asked


async def test_helpful_after_an_intro_prompts_thanks_to_both_and_closes_the_loop(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await connect_by_intro(eve, ana, ben)
    await at(clock, run, utc(2026, 3, 6, 10))
    [check] = having(ana, "How did it go")
    assert "How did it go with @Ben? @Eve introduced you a few days ago." in check

    answered = await ana.press(ana.button("Helpful"))
    assert "glad it helped" in answered.text
    await run()
    [thanks] = having(ana, "Say thanks to")
    assert "Say thanks to @Ben and @Eve with one click:" in thanks
    assert labels(ana) == ["Thank Ben", "Thank Eve"]
    [loop] = having(eve, "turned out")
    assert "How your introduction of @Ana and @Ben turned out: @Ana says it was helpful." in loop
    assert "Thank you for connecting them!" in loop
    assert having(ben, "turned out") == having(ben, "Say thanks") == []
    # Answered: no second question.
    assert not (await ana.press(button_on_dm(ana, "How did it go", "We talked"))).ok


def button_on_dm(member: Member, text: str, label: str) -> Button:
    for sent in reversed(member.community.messenger.to(member.id)):
        if text in sent.text:
            return next(b for b in sent.message.buttons if b.label.startswith(label))
    raise AssertionError(f"no DM with {text!r}")


async def test_the_loop_closing_keeps_decline_notes_and_reasons_private(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await connect_by_intro(eve, ana, ben)
    await at(clock, run, utc(2026, 3, 6, 10))
    await ana.press(ana.button("It didn't happen"))
    await run()
    [loop] = having(eve, "turned out")
    assert "@Ana says it didn't happen this time." in loop
    assert "Not every introduction clicks; thank you for making it." in loop
    assert WHY not in loop
    assert having(ana, "Say thanks") == []


async def test_one_click_thanks_asks_for_a_note_and_records_it(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await at(clock, run, utc(2026, 3, 6, 10))
    await dana.press(dana.button("Helpful"))
    await run()
    assert labels(dana) == ["Thank Ana"]

    shown = await dana.press(dana.button("Thank Ana"))
    form = shown.message.form
    assert form is not None
    assert "Say thanks to @Ana" in shown.text
    assert [(i.name, i.required) for i in form.inputs] == [("note", True)]
    before = len(ana.dms())
    done = await dana.press(
        Button(form.submit, form.action, form.value), {"note": "the packaging review was gold"}
    )
    assert done.ok, done.text
    assert len(ana.dms()) == before + 1
    assert "the packaging review was gold" in ana.last_dm()


async def test_not_yet_asks_once_more_without_not_yet_then_stops(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await at(clock, run, utc(2026, 3, 6, 10))
    first = dana.button("Not yet")
    assert "ask once more" in (await dana.press(first)).text
    repeat = await dana.press(first)  # a double click schedules nothing more
    assert not repeat.ok
    assert "You told me already" in repeat.text
    await at(clock, run, utc(2026, 3, 10, 9, 59))
    assert len(having(dana, "Did you connect")) == 1

    await at(clock, run, utc(2026, 3, 10, 10))
    assert len(having(dana, "Did you connect")) == 2
    assert labels(dana) == ["Helpful", "We talked", "It didn't happen"]
    assert not (await dana.press(first)).ok  # no third round through the old button

    finished = await dana.press(dana.button("It didn't happen"))
    assert "these things happen" in finished.text
    assert "/whoknows" in finished.text
    await at(clock, run, utc(2026, 3, 20, 10))
    assert len(having(dana, "Did you connect")) == 2
    assert having(dana, "Say thanks") == []


async def test_an_intros_second_round_says_a_while_ago(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await connect_by_intro(eve, ana, ben)
    await at(clock, run, utc(2026, 3, 6, 10))
    await ana.press(ana.button("Not yet"))
    await at(clock, run, utc(2026, 3, 10, 10))
    assert "@Eve introduced you a while ago." in ana.last_dm()
    await ana.press(ana.button("We talked"))
    await run()
    assert "@Ana says they talked." in eve.last_dm()


# --- keep in touch --------------------------------------------------------------------------

KEEP = "It's been a while since you and"


async def test_keep_in_touch_after_ninety_quiet_days(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana, "python")
    # 90 days on is Sunday 31 May: it waits for Monday morning.
    await at(clock, run, utc(2026, 5, 31, 10))
    assert having(dana, KEEP) == []
    await at(clock, run, utc(2026, 6, 1, 9))
    [nudge] = having(dana, KEEP)
    assert "It's been a while since you and @Ana connected about python." in nudge
    assert labels(dana) == ["Thank Ana"]
    assert having(ana, KEEP) == []


async def test_a_thank_you_in_between_postpones_keep_in_touch(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    clock.current = utc(2026, 4, 1, 10)
    assert (await ana.thank(dana, "thanks for the great question")).ok
    await at(clock, run, utc(2026, 6, 1, 9))
    assert having(dana, KEEP) == []
    await at(clock, run, utc(2026, 6, 29, 9, 59))
    assert having(dana, KEEP) == []
    await at(clock, run, utc(2026, 6, 30, 10))  # 90 days after the thank-you
    assert len(having(dana, KEEP)) == 1


async def test_answering_did_you_connect_counts_as_an_interaction(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await at(clock, run, utc(2026, 3, 6, 10))
    await dana.press(dana.button("We talked"))
    await at(clock, run, utc(2026, 6, 1, 9))  # 90 days after connecting, 87 after talking
    assert having(dana, KEEP) == []
    await at(clock, run, utc(2026, 6, 4, 10))
    assert len(having(dana, KEEP)) == 1


# --- occasions ------------------------------------------------------------------------------


async def test_birthdays_go_to_connected_members_of_those_who_opted_in(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, dana = members(community, "ana", "ben", "dana")
    await ana.profile("birthday=03-11")  # Wednesday
    await connect_by_request(ana, dana)
    await ben.profile("skills=python")  # not connected with ana

    await at(clock, run, utc(2026, 3, 11, 8, 59))
    assert having(dana, "birthday") == []
    await at(clock, run, utc(2026, 3, 11, 9))
    [note] = having(dana, "birthday")
    assert "It's @Ana's birthday today. A short note would make their day!" in note
    assert "They chose to share this date" in note
    assert having(ben, "birthday") == []
    assert having(ana, "birthday") == []  # dana never shared a date
    await at(clock, run, utc(2027, 3, 11, 9))  # and again next year
    assert len(having(dana, "@Ana's birthday today")) == 2


async def test_a_birthday_set_after_connecting_is_planned_and_off_removes_it(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana, cy = members(community, "ana", "dana", "cy")
    await connect_by_request(ana, dana)
    await connect_by_request(cy, dana)
    await ana.profile("birthday=03-11")
    await cy.profile("birthday=03-12")
    await cy.profile("birthday=off")
    await at(clock, run, utc(2026, 3, 13, 17))
    assert len(having(dana, "@Ana's birthday")) == 1
    assert having(dana, "@Cy's birthday") == []


async def test_a_birthday_turned_off_and_on_again_comes_back(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await ana.profile("birthday=03-11")
    await ana.profile("birthday=off")
    await ana.profile("birthday=03-11")
    await at(clock, run, utc(2026, 3, 11, 9))
    assert len(having(dana, "@Ana's birthday today")) == 1


async def test_a_work_anniversary_counts_the_years(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await ana.profile("anniversary=2019-03-12")
    await at(clock, run, utc(2026, 3, 12, 9))
    [note] = having(dana, "at work")
    assert "@Ana celebrates 7 years at work today." in note
    await ana.profile("anniversary=off")
    await at(clock, run, utc(2027, 3, 12, 17))
    assert len(having(dana, "at work")) == 1


# --- giver digest ---------------------------------------------------------------------------

DIGEST = "Your week in asks"


async def test_the_weekly_giver_digest_is_skipped_when_nothing_happened_and_sent_when_it_did(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, dana, finn = members(community, "ana", "ben", "dana", "finn")
    await ana.profile("skills=python")
    await ben.profile("skills=python")
    await at(clock, run, utc(2026, 3, 9, 17))  # first Monday: nothing was asked
    assert having(ana, DIGEST) == []

    clock.current = utc(2026, 3, 10, 10)
    await dana.ask(ben, NEED, "python")
    await ben.decline()
    await finn.ask(ben, "help me choose a python web framework", "python")
    await at(clock, run, utc(2026, 3, 16, 8, 59))
    assert having(ana, DIGEST) == []
    await at(clock, run, utc(2026, 3, 16, 9))
    [digest] = having(ana, DIGEST)
    assert "2 people asked about python; 1 still looking for help." in digest
    # A private ask: topics and counts, never who asked or what they wrote.
    assert "@Dana" not in digest and "@Finn" not in digest and NEED not in digest
    assert "/networker prompts off giver_digest" in digest
    assert having(dana, DIGEST) == having(finn, DIGEST) == []
    assert having(ben, "@Ben needed help") == []
    # Both asks were to ben: he knows of them, and isn't pressed about the one he declined.
    assert having(ben, DIGEST) == []


async def test_the_digest_does_not_call_someone_still_looking_once_they_found_help(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, cleo, dana = members(community, "ana", "ben", "cleo", "dana")
    for helper in (ana, ben, cleo):
        await helper.profile("skills=python")
    await at(clock, run, utc(2026, 3, 9, 17))  # the first Monday: nothing yet
    clock.current = utc(2026, 3, 10, 10)
    await dana.ask(ben, NEED, "python")
    await ben.decline()
    await dana.ask(cleo, NEED, "python")  # she tried someone else, who is still to answer
    await at(clock, run, utc(2026, 3, 16, 9))
    [digest] = having(ana, DIGEST)
    assert "1 person asked about python." in digest
    assert "still looking" not in digest


# --- delivery: contact windows and time zones -----------------------------------------------


async def test_the_community_time_zone_applies_to_members_without_one(
    community: Community, clock: FakeClock, run: Run
) -> None:
    await organiser_sets(community, "timezone", "Asia/Tokyo")
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 5, 10))  # Thursday 19:00 in Tokyo
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 5, 23, 59))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 6, 0))  # Friday 09:00 in Tokyo
    assert len(having(ana, REMINDER)) == 1


async def test_a_window_crossing_midnight(community: Community, clock: FakeClock, run: Run) -> None:
    ana, dana = members(community, "ana", "dana")
    await ana.profile('window="daily 22:00-02:00"')
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 5, 10))
    await at(clock, run, utc(2026, 3, 5, 21, 59))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 5, 22))
    assert len(having(ana, REMINDER)) == 1


async def test_a_window_crossing_midnight_sends_after_midnight_too(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await ana.profile('window="daily 22:00-02:00"')
    clock.current = utc(2026, 3, 2, 1)
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 5, 1, 30))  # due 01:00, inside last night's window
    assert len(having(ana, REMINDER)) == 1


async def test_the_window_follows_daylight_saving_time(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await ana.profile("tz=America/New_York")
    # Friday 17:30 EST, inside her window; DST starts in New York on Sunday 8 March.
    clock.current = utc(2026, 3, 6, 22, 30)
    await dana.ask(ana, NEED)
    assert len(ana.dms()) == 1  # the request itself, at once
    # The reminder is due Monday 22:30 UTC: 18:30 EDT, past her window (in winter it
    # would be 17:30, inside it). It waits for Tuesday 09:00 EDT.
    await at(clock, run, utc(2026, 3, 9, 22, 30))
    await at(clock, run, utc(2026, 3, 10, 12, 59))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 10, 13))  # 09:00 EDT (it would be 14:00 UTC in winter)
    assert len(having(ana, REMINDER)) == 1


async def test_members_at_utc_plus_14_and_minus_12(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await ana.profile("tz=Pacific/Kiritimati")
    await ben.profile("tz=Etc/GMT+12")
    await eve.intro(ana, ben, WHY)  # reminders due Thursday 10:00 UTC
    await at(clock, run, utc(2026, 3, 5, 10))  # Friday 00:00 for ana, Wednesday 22:00 for ben
    await at(clock, run, utc(2026, 3, 5, 18, 59))
    assert having(ana, REMINDER) == having(ben, REMINDER) == []
    await at(clock, run, utc(2026, 3, 5, 19))  # Friday 09:00 in Kiritimati
    assert len(having(ana, REMINDER)) == 1
    await at(clock, run, utc(2026, 3, 5, 20, 59))
    assert having(ben, REMINDER) == []
    await at(clock, run, utc(2026, 3, 5, 21))  # Thursday 09:00 in UTC-12
    assert len(having(ben, REMINDER)) == 1


# --- delivery: pause, switches, the daily cap -----------------------------------------------


async def test_pause_holds_prompts_until_resume(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await ana.pause()
    await at(clock, run, utc(2026, 3, 5, 10))
    await at(clock, run, utc(2026, 3, 6, 12))
    assert having(ana, REMINDER) == []
    clock.current = utc(2026, 3, 6, 13)
    await ana.pause(False)
    await run()
    assert len(having(ana, REMINDER)) == 1


async def test_a_member_turns_one_kind_off(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    switched = await dana.do(c.PromptSwitch("keep_in_touch", on=False))
    assert switched.ok
    assert "Saved: keep_in_touch is off." in switched.text
    refused = await dana.do(c.PromptSwitch("nagging", on=False))
    assert not refused.ok
    await at(clock, run, utc(2026, 3, 6, 10))
    assert len(having(dana, "Did you connect")) == 1  # other kinds still come
    await at(clock, run, utc(2026, 6, 10, 10))
    assert having(dana, KEEP) == []


async def test_weekly_and_yearly_kinds_come_back_when_switched_on_again(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, dana = members(community, "ana", "ben", "dana")
    await ana.profile("skills=python birthday=03-11")
    await ben.profile("skills=python")
    await connect_by_request(ana, dana)
    await ana.do(c.PromptSwitch("giver_digest", on=False))
    await dana.do(c.PromptSwitch("occasion", on=False))
    await dana.ask(ben, NEED, "python")  # an ask ana would hear of in her digest
    await at(clock, run, utc(2026, 3, 9, 10))  # Monday: ana's digest, switched off
    await at(clock, run, utc(2026, 3, 11, 10))  # ana's birthday: dana switched those off
    assert having(ana, DIGEST) == having(dana, "@Ana's birthday") == []

    await ana.do(c.PromptSwitch("giver_digest", on=True))
    await dana.do(c.PromptSwitch("occasion", on=True))
    await dana.ask(ben, "a second look at the python release notes", "python")
    await at(clock, run, utc(2026, 3, 16, 10))  # the next Monday
    assert len(having(ana, DIGEST)) == 1
    await at(clock, run, utc(2027, 3, 11, 10))  # the next birthday
    assert len(having(dana, "@Ana's birthday today")) == 1


async def test_an_organiser_turns_one_kind_off_for_the_community(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await organiser_sets(community, "prompts_off", "connect_check")
    listed = await dana.do(c.PromptSwitch())
    assert "off for the community" in listed.text
    await at(clock, run, utc(2026, 3, 10, 10))
    assert having(dana, "Did you connect") == []


async def test_past_the_daily_cap_the_rest_merge_into_one_digest_next_day(
    community: Community, clock: FakeClock, run: Run
) -> None:
    dana = community.member("dana")
    helpers = members(community, "ana", "ben", "cy", "eve", "finn")
    for helper in helpers:
        assert (await dana.ask(helper, NEED)).ok
    expired = "didn't get an answer in time"
    await at(clock, run, utc(2026, 3, 9, 10))  # five requests expire at once
    assert len(having(dana, expired)) == 3

    await at(clock, run, utc(2026, 3, 9, 17, 59))
    assert len(having(dana, expired)) == 3
    await at(clock, run, utc(2026, 3, 10, 8, 59))
    assert len(having(dana, expired)) == 3
    await at(clock, run, utc(2026, 3, 10, 9))
    digest = dana.last_dm()
    assert "A few things I held back so as not to flood your DMs:" in digest
    assert digest.count(expired) == 2
    assert len(dana.dms()) == 4
    await at(clock, run, utc(2026, 3, 12, 10))
    assert sum(dm.count(expired) for dm in dana.dms()) == 5  # each said once


async def test_a_digest_counts_as_one_message_towards_the_next_days_cap(
    community: Community, clock: FakeClock, run: Run
) -> None:
    dana = community.member("dana")
    for helper in members(community, "ana", "ben", "cy", "eve", "finn"):
        await dana.ask(helper, NEED)
    gus = community.member("gus")
    clock.current = utc(2026, 3, 6, 10)
    await connect_by_request(gus, dana)  # "did you connect?" due Tuesday 10 March 10:00
    await at(clock, run, utc(2026, 3, 9, 10))
    await at(clock, run, utc(2026, 3, 10, 9))
    assert "held back" in dana.last_dm()
    await at(clock, run, utc(2026, 3, 10, 10))  # the second DM of Tuesday: under the cap
    assert "Did you connect with @Gus" in dana.last_dm()


async def test_the_cap_is_a_community_setting(
    community: Community, clock: FakeClock, run: Run
) -> None:
    await organiser_sets(community, "dm_daily_cap", "1")
    dana = community.member("dana")
    for helper in members(community, "ana", "ben"):
        await dana.ask(helper, NEED)
    await at(clock, run, utc(2026, 3, 9, 10))
    assert len(dana.dms()) == 1
    await at(clock, run, utc(2026, 3, 10, 9))
    assert len(dana.dms()) == 2
    assert "held back" in dana.last_dm()


# --- delivery: failures ---------------------------------------------------------------------


async def test_transient_failures_are_retried_with_back_off_then_fail_and_are_counted(
    community: Community, clock: FakeClock, messenger: FakeMessenger, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    messenger.down_for.add(ana.id)
    start = utc(2026, 3, 5, 10)
    tries: list[datetime] = []
    when = start
    while when < start + timedelta(hours=2):
        before = len(messenger.attempts)
        await at(clock, run, when)
        if len(messenger.attempts) > before:
            tries.append(when)
        when += timedelta(seconds=30)
    gaps = [(b - a).total_seconds() / 60 for a, b in pairwise(tries)]
    assert gaps == [1, 2, 4, 8, 16]
    assert having(ana, REMINDER) == []
    stats = await community.member("olga", organiser=True).stats()
    assert "1 failed after every retry" in stats.text

    messenger.down_for.clear()
    await at(clock, run, utc(2026, 3, 6, 10))
    assert having(ana, REMINDER) == []  # failed is final


async def test_a_transient_failure_then_success(
    community: Community, clock: FakeClock, messenger: FakeMessenger, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    messenger.down_for.add(ana.id)
    await at(clock, run, utc(2026, 3, 5, 10))
    messenger.down_for.clear()
    await at(clock, run, utc(2026, 3, 5, 10, 0, 30))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 5, 10, 1))
    assert len(having(ana, REMINDER)) == 1
    assert messenger.attempts[-1].key == messenger.attempts[-2].key  # same delivery key


async def test_a_permanent_failure_cancels_with_a_reason(
    community: Community, clock: FakeClock, messenger: FakeMessenger, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    messenger.fail_for.add(ana.id)
    report = await at(clock, run, utc(2026, 3, 5, 10))
    assert report.outcomes["not sent"] == 1
    attempts = len(messenger.attempts)
    await at(clock, run, utc(2026, 3, 5, 12))
    assert len(messenger.attempts) == attempts  # never retried
    stats = await community.member("olga", organiser=True).stats()
    assert "0 failed" in stats.text
    async with community.app.units() as uow:
        [row] = [p for p in await all_prompts(uow) if p.kind == "consent_reminder"]
        assert (row.state, row.last_error) == ("cancelled", "dms closed")


# --- cancellation ---------------------------------------------------------------------------


async def test_a_forgotten_member_gets_nothing_and_nobody_is_reminded_of_them(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = members(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    dana = community.member("dana")
    await dana.profile("birthday=03-11")
    await connect_by_request(dana, ana)
    assert (await dana.forget()).ok
    assert (await ana.forget()).ok
    sent = len(community.messenger.sent)
    await at(clock, run, utc(2026, 7, 1, 10))
    assert len(community.messenger.sent) == sent


async def test_nothing_more_is_said_about_a_connection_with_a_forgotten_member(
    community: Community, clock: FakeClock, run: Run
) -> None:
    cy, dana = members(community, "cy", "dana")
    await dana.profile("birthday=03-11")
    await connect_by_request(dana, cy)
    assert (await dana.forget()).ok
    await at(clock, run, utc(2026, 7, 1, 10))
    assert cy.dms() == []  # no "did you connect?", birthday or keep-in-touch about dana


async def test_removing_the_community_cancels_its_prompts(
    community: Community, app: Networker, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await app.set_community_active("test", "T1", False)
    sent = len(community.messenger.sent)
    await at(clock, run, utc(2026, 3, 20, 10))
    assert len(community.messenger.sent) == sent


async def test_a_prompt_due_while_no_dispatcher_ran_goes_out_at_the_next_run(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await connect_by_request(ana, dana)
    await at(clock, run, utc(2026, 3, 19, 10))  # two weeks late
    assert len(having(dana, "Did you connect")) == 1
    await at(clock, run, utc(2026, 3, 20, 10))
    assert len(having(dana, "Did you connect")) == 1


async def test_scheduling_twice_with_one_key_makes_one_prompt(
    community: Community, app: Networker, clock: FakeClock, run: Run
) -> None:
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    async with app.units() as uow:
        [reminder] = [p for p in await all_prompts(uow) if p.kind == "consent_reminder"]
        again = await uow.prompts.schedule(
            community_id=reminder.community_id,
            recipient_id=reminder.recipient_id,
            kind=PromptKind.CONSENT_REMINDER.value,
            due_at=clock.now(),
            key=reminder.dedupe_key,
            now=clock.now(),
            subject_id=reminder.subject_id,
        )
        await uow.commit()
    assert not again
    await at(clock, run, utc(2026, 3, 6, 10))
    assert len(having(ana, REMINDER)) == 1


async def all_prompts(uow: SqlUnitOfWork) -> list[Prompt]:
    return list(await uow.session.scalars(select(Prompt)))


# --- settings -------------------------------------------------------------------------------


async def test_organisers_set_durations_and_bad_ones_change_nothing(
    community: Community, clock: FakeClock, run: Run
) -> None:
    olga = community.member("olga", organiser=True)
    for key, value, shown in [
        ("consent_reminder_after", "12h", "12h"),
        ("connect_check_after", "3d", "3d"),
        ("keep_in_touch_after", "2w", "2w"),
        ("consent_expires_after", "1w 2d", "1w 2d"),
    ]:
        saved = await olga.settings(key, value)
        assert saved.ok, saved.text
        assert f"Saved: {key} = {shown}." in saved.text

    for bad in ("soon", "3", "-1d", "0d", "5y"):
        refused = await olga.settings("consent_reminder_after", bad)
        assert not refused.ok
        assert "duration" in refused.text
    assert "consent_reminder_after = 12h" in (await olga.settings("consent_reminder_after")).text
    assert not (await olga.settings("keep_in_touch_after", "1d")).ok  # below a week
    assert not (await community.member("ana").settings("connect_check_after", "1d")).ok

    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 2, 21, 59))
    assert having(ana, REMINDER) == []
    await at(clock, run, utc(2026, 3, 3, 9))  # due 22:00, the window opens at 09:00
    assert len(having(ana, REMINDER)) == 1


# --- the next due time (a simulated clock steps through them) ---------------------------


async def test_next_due_is_the_earliest_waiting_prompt(
    app: Networker, community: Community, clock: FakeClock, run: Run
) -> None:
    dispatcher = Dispatcher(app.units, clock, app.config, app.messengers)
    assert await dispatcher.next_due() is None  # nothing waits yet
    ana, dana = members(community, "ana", "dana")
    await dana.ask(ana, NEED)
    async with app.units() as uow:
        earliest = min(p.due_at for p in await all_prompts(uow) if p.state == "pending")
    assert await dispatcher.next_due() == earliest
    # Once it is sent (or moved on), the next one is what comes after it.
    await at(clock, run, earliest)
    after = await dispatcher.next_due()
    assert after is None or after > earliest
    # Another platform's prompts are not this dispatcher's.
    elsewhere = Dispatcher(app.units, clock, app.config, {"other": FakeMessenger()})
    assert await elsewhere.next_due() is None
