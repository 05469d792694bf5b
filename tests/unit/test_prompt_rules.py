"""The prompt rules: durations in settings, retry back-off, local days and contact windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import UserError
from bot.domain.profile import ContactWindow
from bot.domain.prompts import (
    FIRST_RETRY,
    LONGEST_RETRY,
    MAX_ATTEMPTS,
    format_duration,
    local_date,
    local_day_start,
    next_local_day,
    parse_duration,
    retry_delay,
)
from bot.prompts.kinds.occasion import next_date

LOW, HIGH = timedelta(hours=1), timedelta(days=90)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
        ("1w 2d", timedelta(days=9)),
        ("1w2d", timedelta(days=9)),
        ("1w, 2d", timedelta(days=9)),
        (" 3D ", timedelta(days=3)),
        ("3 d", timedelta(days=3)),
        ("90m", timedelta(minutes=90)),
        ("1h", LOW),
        ("90d", HIGH),
        ("12w 6d", HIGH),
    ],
)
def test_durations_are_read_in_the_units_organisers_write(text: str, expected: timedelta) -> None:
    assert parse_duration(text, low=LOW, high=HIGH) == expected


@pytest.mark.parametrize(
    "text",
    [
        "three days",
        "3",
        "d",
        "3x",
        "3days",
        "-3d",
        "1.5d",
        "3d extra",
        "extra 3d",
        "3d -1h",
        "3y",
        "99999999999999999999w",
    ],
)
def test_bad_durations_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_duration(text, low=LOW, high=HIGH)
    assert "is not a duration I understand" in str(raised.value) or "Pick a duration" in str(
        raised.value
    )


@pytest.mark.parametrize("text", ["", "   ", ","])
def test_an_empty_duration_is_refused(text: str) -> None:
    with pytest.raises(UserError):
        parse_duration(text, low=LOW, high=HIGH)


@pytest.mark.parametrize("text", ["59m", "0d", "0h", "91d", "13w"])
def test_durations_outside_the_bounds_name_the_bounds(text: str) -> None:
    with pytest.raises(UserError, match="Pick a duration from 1h to 12w 6d"):
        parse_duration(text, low=LOW, high=HIGH)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (timedelta(weeks=2), "2w"),
        (timedelta(days=3), "3d"),
        (timedelta(days=1, hours=12), "1d 12h"),
        (timedelta(minutes=90), "1h 30m"),
        (timedelta(days=9), "1w 2d"),
        (timedelta(), "0m"),
    ],
)
def test_durations_are_shown_in_their_shortest_exact_form(value: timedelta, shown: str) -> None:
    assert format_duration(value) == shown
    if value:
        assert parse_duration(shown, low=timedelta(minutes=1), high=timedelta(days=999)) == value


# --- retries --------------------------------------------------------------------------------


def test_retries_back_off_exponentially_from_a_minute() -> None:
    delays = [retry_delay(n) for n in range(1, 6)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert retry_delay(0) == FIRST_RETRY


def test_retries_never_wait_longer_than_the_cap() -> None:
    assert retry_delay(30) == LONGEST_RETRY
    assert retry_delay(10_000) == LONGEST_RETRY
    assert all(retry_delay(n) <= retry_delay(n + 1) for n in range(0, 40))


def test_every_attempt_before_giving_up_waits_a_sane_time() -> None:
    total = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(minutes=10) < total < timedelta(days=1)


# --- local days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "tz", "start", "next_start"),
    [
        # Berlin, spring forward on Sunday 29 March 2026: that day has 23 hours.
        (utc(2026, 3, 29, 12), "Europe/Berlin", utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
        (utc(2026, 3, 28, 12), "Europe/Berlin", utc(2026, 3, 27, 23), utc(2026, 3, 28, 23)),
        # Berlin, fall back on Sunday 25 October 2026: that day has 25 hours.
        (utc(2026, 10, 25, 12), "Europe/Berlin", utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)),
        # New York: spring forward 8 March 2026, fall back 1 November 2026.
        (utc(2026, 3, 8, 15), "America/New_York", utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)),
        (utc(2026, 11, 1, 15), "America/New_York", utc(2026, 11, 1, 4), utc(2026, 11, 2, 5)),
        # Just after UTC midnight it is still yesterday evening in New York.
        (utc(2026, 3, 3, 1), "America/New_York", utc(2026, 3, 2, 5), utc(2026, 3, 3, 5)),
        # UTC+14: the local day starts at 10:00 UTC the day before.
        (utc(2026, 3, 2, 10), "Pacific/Kiritimati", utc(2026, 3, 2, 10), utc(2026, 3, 3, 10)),
        (utc(2026, 3, 2, 9, 59), "Pacific/Kiritimati", utc(2026, 3, 1, 10), utc(2026, 3, 2, 10)),
        # UTC-12 (Etc/GMT+12 is twelve hours *behind* UTC).
        (utc(2026, 3, 2, 11), "Etc/GMT+12", utc(2026, 3, 1, 12), utc(2026, 3, 2, 12)),
        (utc(2026, 3, 2, 12), "Etc/GMT+12", utc(2026, 3, 2, 12), utc(2026, 3, 3, 12)),
        (utc(2026, 3, 2, 10), "UTC", utc(2026, 3, 2), utc(2026, 3, 3)),
    ],
)
def test_local_days_start_at_the_recipients_midnight(
    moment: datetime, tz: str, start: datetime, next_start: datetime
) -> None:
    assert local_day_start(moment, tz) == start
    assert next_local_day(moment, tz) == next_start
    assert local_day_start(moment, tz) <= moment < next_local_day(moment, tz)
    midnight = next_local_day(moment, tz).astimezone(ZoneInfo(tz))
    assert (midnight.hour, midnight.minute) == (0, 0)
    assert local_date(next_local_day(moment, tz), tz) == local_date(moment, tz) + timedelta(days=1)


def test_the_dst_days_are_23_and_25_hours_long() -> None:
    spring = utc(2026, 3, 29, 12)
    autumn = utc(2026, 10, 25, 12)
    tz = "Europe/Berlin"
    assert next_local_day(spring, tz) - local_day_start(spring, tz) == timedelta(hours=23)
    assert next_local_day(autumn, tz) - local_day_start(autumn, tz) == timedelta(hours=25)


def test_local_days_keep_the_moments_time_zone() -> None:
    moment = utc(2026, 3, 2, 10)
    assert local_day_start(moment, "Asia/Tokyo").utcoffset() == timedelta(0)
    assert next_local_day(moment, "Asia/Tokyo").utcoffset() == timedelta(0)


# --- contact windows ------------------------------------------------------------------------


def test_a_window_crossing_midnight_is_open_late_and_early() -> None:
    late = ContactWindow.parse("daily 22:00-02:00")
    # Monday 2 March 2026, UTC.
    assert late.next_open(utc(2026, 3, 2, 23), "UTC") == utc(2026, 3, 2, 23)
    assert late.next_open(utc(2026, 3, 3, 1, 59), "UTC") == utc(2026, 3, 3, 1, 59)
    assert late.next_open(utc(2026, 3, 3, 2), "UTC") == utc(2026, 3, 3, 22)
    assert late.next_open(utc(2026, 3, 2, 10), "UTC") == utc(2026, 3, 2, 22)


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts() -> None:
    friday_night = ContactWindow.parse("fri 22:00-02:00")
    # Saturday 7 March 01:00 is still Friday night's window.
    assert friday_night.next_open(utc(2026, 3, 7, 1), "UTC") == utc(2026, 3, 7, 1)
    # Saturday 03:00: next Friday 22:00.
    assert friday_night.next_open(utc(2026, 3, 7, 3), "UTC") == utc(2026, 3, 13, 22)
    # Friday 01:00 belongs to Thursday night, which is not in the window.
    assert friday_night.next_open(utc(2026, 3, 6, 1), "UTC") == utc(2026, 3, 6, 22)


def test_the_default_weekday_window_skips_the_weekend_in_local_time() -> None:
    weekdays = ContactWindow.parse("weekdays 09:00-18:00")
    # Friday 6 March 18:30 in Berlin (17:30 UTC) → Monday 09:00 Berlin (08:00 UTC).
    assert weekdays.next_open(utc(2026, 3, 6, 17, 30), "Europe/Berlin") == utc(2026, 3, 9, 8)
    # Monday 10:00 UTC is 05:00 in New York: opens at 09:00 EST = 14:00 UTC.
    assert weekdays.next_open(utc(2026, 3, 2, 10), "America/New_York") == utc(2026, 3, 2, 14)


def test_next_open_on_the_night_clocks_go_forward() -> None:
    # Berlin, 29 March 2026: 02:00 → 03:00. A window opening at 02:30 opens at 03:30 CEST.
    night = ContactWindow.parse("daily 02:30-05:00")
    opens = night.next_open(utc(2026, 3, 28, 23), "Europe/Berlin")  # 00:00 CET
    assert opens == utc(2026, 3, 29, 1, 30)
    # A window opening at 08:00 local that Sunday is at 06:00 UTC (CEST), not 07:00.
    morning = ContactWindow.parse("daily 08:00-12:00")
    assert morning.next_open(utc(2026, 3, 29, 0), "Europe/Berlin") == utc(2026, 3, 29, 6)
    # ... and the day before still at 07:00 UTC (CET).
    assert morning.next_open(utc(2026, 3, 28, 0), "Europe/Berlin") == utc(2026, 3, 28, 7)


def test_next_open_on_the_night_clocks_go_back() -> None:
    # Berlin, 25 October 2026: 03:00 CEST → 02:00 CET; 02:30 happens twice, first at 00:30 UTC.
    night = ContactWindow.parse("daily 02:30-05:00")
    assert night.next_open(utc(2026, 10, 24, 22), "Europe/Berlin") == utc(2026, 10, 25, 0, 30)
    morning = ContactWindow.parse("daily 08:00-12:00")
    assert morning.next_open(utc(2026, 10, 25, 0), "Europe/Berlin") == utc(2026, 10, 25, 7)
    # New York, 1 November 2026: 09:00 EST is 14:00 UTC (it was 13:00 the day before).
    weekly = ContactWindow.parse("daily 09:00-17:00")
    assert weekly.next_open(utc(2026, 11, 1, 5), "America/New_York") == utc(2026, 11, 1, 14)
    assert weekly.next_open(utc(2026, 10, 31, 5), "America/New_York") == utc(2026, 10, 31, 13)


def test_next_open_at_the_ends_of_the_world() -> None:
    weekdays = ContactWindow.parse("weekdays 09:00-18:00")
    # Monday 2 March 10:00 UTC: Tuesday 00:00 in Kiritimati → Tuesday 09:00 there = 19:00 UTC.
    assert weekdays.next_open(utc(2026, 3, 2, 10), "Pacific/Kiritimati") == utc(2026, 3, 2, 19)
    # Sunday 20:00 UTC is already Monday 10:00 in Kiritimati: open now.
    assert weekdays.next_open(utc(2026, 3, 1, 20), "Pacific/Kiritimati") == utc(2026, 3, 1, 20)
    # Monday 10:00 UTC is Sunday 22:00 in UTC-12: Monday 09:00 there = Monday 21:00 UTC.
    assert weekdays.next_open(utc(2026, 3, 2, 10), "Etc/GMT+12") == utc(2026, 3, 2, 21)


def test_a_whole_day_window_and_every_opening_is_within_a_week() -> None:
    always = ContactWindow.parse("daily")
    moment = utc(2026, 3, 2, 3)
    assert always.next_open(moment, "Pacific/Kiritimati") == moment
    sunday = ContactWindow.parse("sun 10:00-11:00")
    for hours in range(0, 24 * 8, 5):
        start = moment + timedelta(hours=hours)
        opens = sunday.next_open(start, "Etc/GMT+12")
        assert start <= opens <= start + timedelta(days=7)
        assert sunday.contains(opens.astimezone(ZoneInfo("Etc/GMT+12")))


# --- occasions ------------------------------------------------------------------------------


def test_next_date_includes_today_and_wraps_to_next_year() -> None:
    assert next_date("03-14", date(2026, 3, 14)) == date(2026, 3, 14)
    assert next_date("03-14", date(2026, 3, 15)) == date(2027, 3, 14)
    assert next_date("12-31", date(2026, 1, 1)) == date(2026, 12, 31)
    assert next_date("01-01", date(2026, 12, 31)) == date(2027, 1, 1)


def test_a_29_february_birthday_is_on_the_28th_outside_leap_years() -> None:
    assert next_date("02-29", date(2026, 1, 10)) == date(2026, 2, 28)
    assert next_date("02-29", date(2026, 3, 1)) == date(2027, 2, 28)
    assert next_date("02-29", date(2027, 3, 1)) == date(2028, 2, 29)
    assert next_date("02-29", date(2028, 2, 28)) == date(2028, 2, 29)
    assert next_date("02-29", date(2028, 2, 29)) == date(2028, 2, 29)
