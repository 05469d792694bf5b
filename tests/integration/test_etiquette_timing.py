"""Never pressure, and contact people at a convenient time: "Not now" moves the expiry
with it and the asker hears the truth; a request waits for its recipient's contact
window, and the sender is told when it will arrive in the recipient's own time.

The injected clock moves; the dispatcher runs as it would on its interval.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.driver import Community
from tests.fakes import FakeClock
from tests.integration.prompt_time import Run, at, having, utc

pytestmark = pytest.mark.fake_store_too

NEED = "could you review my python packaging setup before the release"
REMINDER = "A gentle reminder, in case this got buried."
CLOSED = "has closed"


# --- "Not now" ----------------------------------------------------------------------------


async def test_not_now_twice_moves_the_expiry_and_the_asker_hears_the_truth(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    assert (await dana.ask(ana, NEED)).ok  # Monday 2 March, 10:00 UTC: it arrives at once
    assert len(ana.dms()) == 1

    await at(clock, run, utc(2026, 3, 3, 12))
    first = await ana.press(ana.button("Not now"))
    assert first.text == (
        "No problem. I'll check back with you around Fri 6 March. "
        "It stays open until Tue 10 March.\n"
        "@Dana knows you'll come back to it; nothing else was said."
    )
    assert dana.last_dm() == (
        "@Ana will come back to your request: they'd like more time.\n"
        "It stays open until Tue 10 March; I'll tell you how it goes."
    )

    await at(clock, run, utc(2026, 3, 6, 12))  # the one reminder
    assert len(having(ana, REMINDER)) == 1

    await at(clock, run, utc(2026, 3, 9, 10, 1))  # the first expiry would have been now
    assert having(dana, CLOSED) == having(dana, "in time") == []

    await at(clock, run, utc(2026, 3, 9, 11))
    second = await ana.press(ana.button("Not now"))  # from the reminder
    assert second.text == (
        "No problem. It stays open until Mon 16 March; I won't remind you again.\n"
        "@Dana knows you'll come back to it; nothing else was said."
    )
    assert "It stays open until Mon 16 March" in dana.last_dm()

    await at(clock, run, utc(2026, 3, 16, 10, 59))
    assert having(dana, CLOSED) == []
    await at(clock, run, utc(2026, 3, 16, 11))
    [closed] = having(dana, CLOSED)
    assert closed.startswith(
        "Your request to @Ana has closed: they said “not now” and didn't come back to it in time."
    )
    assert "didn't get an answer" not in closed
    assert len(having(ana, REMINDER)) == 1  # never a second reminder
    late = await ana.press(ana.button("Accept"))
    assert not late.ok and "expired" in late.text


async def test_a_silent_request_still_expires_on_time_and_says_so(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await dana.ask(ana, NEED)
    await at(clock, run, utc(2026, 3, 9, 9, 59))
    assert having(dana, "closed") == []
    await at(clock, run, utc(2026, 3, 9, 10))
    [closed] = having(dana, "closed")
    assert "didn't get an answer in time" in closed


async def test_an_introducer_hears_who_wanted_more_time(
    community: Community, clock: FakeClock, run: Run
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await eve.intro(ana, ben, "you both run Python meetups and could share speakers")
    await ana.press(ana.button("Not now"))
    assert "@Ana will come back to your introduction to @Ben" in eve.last_dm()
    await at(clock, run, utc(2026, 3, 20, 10))
    [closed] = having(eve, "didn't get both answers in time")
    assert "@Ana said “not now” and didn't come back to it." in closed
    assert "@Ben didn't answer." in closed


# --- contact windows ----------------------------------------------------------------------

TOKYO = ZoneInfo("Asia/Tokyo")
START = utc(2026, 3, 2)  # a Monday, 00:00 UTC


def next_opening(moment: datetime) -> datetime:
    """Weekdays 09:00-18:00 in Tokyo (the default window), worked out by hand."""
    local = moment.astimezone(TOKYO)
    if local.weekday() < 5 and 9 <= local.hour < 18:
        return moment
    day = local.date()
    while True:
        opening = datetime(day.year, day.month, day.day, 9, tzinfo=TOKYO)
        if day.weekday() < 5 and opening > local:
            return opening.astimezone(UTC)
        day += timedelta(days=1)


@pytest.mark.parametrize("hours", range(0, 7 * 24, 5), ids=lambda h: f"+{h}h")
async def test_a_request_waits_for_the_recipients_window_at_every_hour_of_the_week(
    community: Community, clock: FakeClock, run: Run, hours: int
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile("tz=Asia/Tokyo")
    clock.current = START + timedelta(hours=hours)
    arrives = next_opening(clock.current)

    sent = await dana.ask(ana, NEED)

    assert sent.ok, sent.text
    if arrives == clock.current:
        assert sent.text.startswith("Sent! I've asked @Ana privately.")
        assert len(ana.dms()) == 1
        return
    local = arrives.astimezone(TOKYO)
    when = f"{local:%H:%M}, {local:%a} {local.day} {local:%B}"
    assert f"@Ana will get it at {when} their time" in sent.text
    assert ana.dms() == []
    assert "On its way: your request reaches @Ana at" in (await dana.me()).text

    await at(clock, run, arrives - timedelta(minutes=1))
    assert ana.dms() == []
    await at(clock, run, arrives)
    [request] = ana.dms()
    assert "@Dana is asking for your help" in request
    assert local.weekday() < 5 and 9 <= local.hour < 18

    # The reminder and the expiry count from when it arrived, not from when it was sent.
    await at(clock, run, arrives + timedelta(days=3) - timedelta(minutes=1))
    assert having(ana, REMINDER) == []
    await at(clock, run, arrives + timedelta(days=7) - timedelta(minutes=1))
    assert "Waiting for your answer" in (await ana.me()).text
    await at(clock, run, arrives + timedelta(days=7))
    assert "Waiting for your answer" not in (await ana.me()).text


@pytest.mark.parametrize("hours", range(0, 7 * 24, 11), ids=lambda h: f"+{h}h")
async def test_anytime_means_at_once_at_any_hour(
    community: Community, clock: FakeClock, hours: int
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    edited = await ana.profile('tz=Asia/Tokyo window="anytime"')
    assert "I read your contact window as anytime (any day, any hour)." in edited.text
    clock.current = START + timedelta(hours=hours)
    sent = await dana.ask(ana, NEED)
    assert sent.text.startswith("Sent! I've asked @Ana privately.")
    assert len(ana.dms()) == 1


async def test_an_intro_tells_the_introducer_when_each_side_gets_it(
    community: Community, clock: FakeClock
) -> None:
    ana, ben, eve = (community.member(n) for n in ("ana", "ben", "eve"))
    await ana.profile("tz=Asia/Tokyo")  # Monday 10:00 UTC is 19:00 in Tokyo: closed
    done = await eve.intro(ana, ben, "you both run Python meetups and could share speakers")
    assert done.text.splitlines()[:2] == [
        "Done! I'm asking @Ana and @Ben privately.",
        "@Ana will get it at 09:00, Tue 3 March their time (their contact window is closed now).",
    ]
    assert ana.dms() == [] and len(ben.dms()) == 1


@pytest.mark.parametrize("hours", range(0, 7 * 24, 7), ids=lambda h: f"+{h}h")
async def test_not_now_never_runs_into_the_expiry_at_any_hour(
    community: Community, clock: FakeClock, run: Run, hours: int
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile("tz=Asia/Tokyo")
    clock.current = START + timedelta(hours=hours)
    await dana.ask(ana, NEED)
    arrives = next_opening(clock.current)
    await at(clock, run, arrives)

    await at(clock, run, arrives + timedelta(hours=1))
    snoozed = clock.current
    assert (await ana.press(ana.button("Not now"))).ok
    assert "@Ana will come back to your request" in dana.last_dm()

    await at(clock, run, snoozed + timedelta(days=7) - timedelta(minutes=1))
    assert having(dana, CLOSED) == having(dana, "in time") == []
    assert "Waiting for your answer" in (await ana.me()).text
    # Closed within a day after (a "Not now" outside Ana's window counts from its next
    # opening); the word of it waits for Dana's own window (weekdays 09-18 UTC).
    await at(clock, run, snoozed + timedelta(days=8))
    assert "Waiting for your answer" not in (await ana.me()).text
    await at(clock, run, next_utc_working_hour(clock.current))
    [closed] = having(dana, CLOSED)
    assert "they said “not now” and didn't come back to it in time" in closed


def next_utc_working_hour(moment: datetime) -> datetime:
    """The first whole hour at or after `moment` inside weekdays 09:00-18:00 UTC."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if hour < moment:
        hour += timedelta(hours=1)
    while hour.weekday() >= 5 or not 9 <= hour.hour < 18:
        hour += timedelta(hours=1)
    return hour
