"""The /profile edit syntax, time zones and contact windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import UserError
from bot.domain.members import Member
from bot.domain.profile import (
    DEFAULT_WINDOW,
    Availability,
    ContactWindow,
    Level,
    ProfileChanges,
    parse_profile_edit,
    parse_timezone,
)
from tests.fakes import FakeClock

TODAY = FakeClock().now().date()  # Monday 2 March 2026
WEEKDAYS = "weekdays 09:00-18:00"


def edit(line: str) -> ProfileChanges:
    return parse_profile_edit(line, today=TODAY)


def refused(line: str) -> UserError:
    with pytest.raises(UserError) as caught:
        edit(line)
    return caught.value


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the one-line edit syntax -------------------------------------------------------------


def test_every_field_in_one_line() -> None:
    changes = edit(
        'skills="python:expert, kubernetes:practitioner" +skill=rust:learning -skill=go '
        'help="k8s and CI pipelines" looking="a mentor for talks" bio="Platform engineer" '
        'tz=Europe/Berlin window="weekdays 09:00-18:00" availability=busy:2026-12-31 '
        "capacity=3 discoverable=no"
    )
    assert changes.skills == {"python": Level.EXPERT, "kubernetes": Level.PRACTITIONER}
    assert changes.add_skills == {"rust": Level.LEARNING}
    assert changes.remove_skills == ["go"]
    assert changes.can_help_with == "k8s and CI pipelines"
    assert changes.looking_for == "a mentor for talks"
    assert changes.bio == "Platform engineer"
    assert changes.timezone == "Europe/Berlin"
    assert changes.contact_window == ContactWindow(frozenset(range(5)), time(9), time(18))
    assert changes.availability is Availability.BUSY
    assert changes.busy_until == date(2026, 12, 31)
    assert changes.capacity == 3
    assert changes.discoverable is False


def test_fields_left_out_stay_as_they_are() -> None:
    changes = edit("capacity=2")
    assert changes == ProfileChanges(capacity=2)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('help="moving teams to k8s, on-call sanity"', "moving teams to k8s, on-call sanity"),
        ("help='single quotes work too'", "single quotes work too"),
        ('help="I\'m happy to help"', "I'm happy to help"),
        ('help="  padded  "', "padded"),
        ("help=one-word", "one-word"),
        ('"help=quoted whole token"', "quoted whole token"),
    ],
)
def test_quotes_allow_spaces(line: str, expected: str) -> None:
    assert edit(line).can_help_with == expected


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("offers=mentoring", "can_help_with", "mentoring"),
        ("can_help_with=mentoring", "can_help_with", "mentoring"),
        ("looking_for=mentor", "looking_for", "mentor"),
        ("timezone=Asia/Tokyo", "timezone", "Asia/Tokyo"),
        ("status=away", "availability", Availability.AWAY),
        ("visible=yes", "discoverable", True),
        ("TZ=Asia/Tokyo", "timezone", "Asia/Tokyo"),  # field names are case-free
    ],
)
def test_field_synonyms(line: str, field: str, value: object) -> None:
    assert getattr(edit(line), field) == value


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("learning", Level.LEARNING),
        ("Expert", Level.EXPERT),
        ("exp", Level.EXPERT),
        ("prac", Level.PRACTITIONER),
        ("l", Level.LEARNING),
    ],
)
def test_skill_levels_may_be_abbreviated(typed: str, level: Level) -> None:
    assert edit(f"skills=python:{typed}").skills == {"python": level}


def test_a_skill_without_level_is_practitioner() -> None:
    assert edit('skills="python, public speaking:expert"').skills == {
        "python": Level.PRACTITIONER,
        "public speaking": Level.EXPERT,
    }


def test_add_and_remove_single_skills() -> None:
    changes = edit("+skill=rust:learning skill=go:expert -skill=java,php")
    assert changes.skills is None  # the other skills are kept
    assert changes.add_skills == {"rust": Level.LEARNING, "go": Level.EXPERT}
    assert changes.remove_skills == ["java", "php"]


@pytest.mark.parametrize(
    ("value", "availability", "until"),
    [
        ("open", Availability.OPEN, None),
        ("away", Availability.AWAY, None),
        ("AWAY", Availability.AWAY, None),
        ("busy:2026-04-01", Availability.BUSY, date(2026, 4, 1)),
        ('"busy until 2026-04-01"', Availability.BUSY, date(2026, 4, 1)),
        (f"busy:{TODAY.isoformat()}", Availability.BUSY, TODAY),
    ],
)
def test_availability(value: str, availability: Availability, until: date | None) -> None:
    changes = edit(f"availability={value}")
    assert (changes.availability, changes.busy_until) == (availability, until)


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("4", 4), ("100", 100), ('" 5 "', 5)])
def test_capacity(value: str, expected: int) -> None:
    assert edit(f"capacity={value}").capacity == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("Y", True), ("on", True), ("true", True), ("no", False), ("off", False)],
)
def test_discoverable(value: str, expected: bool) -> None:
    assert edit(f"discoverable={value}").discoverable is expected


# --- refused edits: a UserError that says what to do ---------------------------------------


@pytest.mark.parametrize(
    ("line", "says", "hints"),
    [
        ("", "Tell me what to change", "skills="),
        ("colour=red", "profile field “colour”", "tz=Europe/Berlin"),
        ("bio", "profile field “bio”", "bio="),
        ('help="never closed', "quote", "Syntax: /profile"),
        ("skills=python:guru", "“guru” is not a skill level", "learning, practitioner or expert"),
        ('skills=":expert"', "skill name is missing", ""),
        ("availability=maybe", "“maybe” is not an availability", "busy:YYYY-MM-DD"),
        ("availability=busy", "Busy until when", "busy:YYYY-MM-DD"),
        ("availability=busy:next-week", "not a date", "YYYY-MM-DD"),
        ("availability=busy:2026-03-01", "already past", "from today on"),
        ("capacity=lots", "“lots” is not a number", "0-100"),
        ("capacity=-1", "between 0 and 100", ""),
        ("capacity=101", "between 0 and 100", ""),
        ("discoverable=maybe", "yes or no", ""),
        ("tz=Berlin", "not a time zone I know", "Europe/Berlin"),
        ("tz=Mars/Olympus_Mons", "not a time zone I know", "Europe/Berlin"),
        ("tz=", "time zone is empty", "Europe/Berlin"),
        ('window="funday 09:00-17:00"', "“funday”", "weekdays 09:00-18:00"),
        ('window="mon 25:00-26:00"', "hour that does not exist", "weekdays 09:00-18:00"),
        ('window="mon 09:60-10:00"', "hour that does not exist", ""),
        ('window="mon 9 till 5"', "not a contact window I understand", "weekdays 09:00-18:00"),
        ('window="mon nine-five"', "not a range of hours", "weekdays 09:00-18:00"),
        ('window=""', "contact window is empty", "weekdays 09:00-18:00"),
        ('bio="line\x00break"', "control characters", "plain text"),
        (f'help="{"x" * 501}"', "501 characters long; the limit is 500", "shorten"),
        ("skills=" + ",".join(f"s{i}" for i in range(31)), "at most 30 skills", "own words"),
    ],
)
def test_bad_edits_are_refused_with_a_helpful_message(line: str, says: str, hints: str) -> None:
    error = refused(line)
    assert says in error.message
    assert hints in str(error)


def test_time_zone_suggestions_are_real_zone_names() -> None:
    error = refused("tz=berlin")
    assert error.hint == "Did you mean Europe/Berlin?"


def test_empty_time_zone_does_not_suggest_random_zones() -> None:
    error = refused("tz=")
    assert "Africa" not in str(error)


def test_a_refused_edit_names_no_partial_change() -> None:
    """One bad field refuses the whole line: nothing half-applied."""
    with pytest.raises(UserError):
        edit("capacity=3 tz=Nowhere/Land")


# --- time zones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        (" America/New_York ", "America/New_York"),
        ("utc", "UTC"),
        ("UTC", "UTC"),
        ("Pacific/Kiritimati", "Pacific/Kiritimati"),
        ("Etc/GMT+12", "Etc/GMT+12"),
    ],
)
def test_time_zones(typed: str, stored: str) -> None:
    assert parse_timezone(typed) == stored


def test_a_path_is_not_a_time_zone() -> None:
    with pytest.raises(UserError):
        parse_timezone("../../etc/passwd")


# --- contact windows: parsing --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "days", "start", "end"),
    [
        (WEEKDAYS, {0, 1, 2, 3, 4}, time(9), time(18)),
        ("Weekdays  9-18", {0, 1, 2, 3, 4}, time(9), time(18)),
        ("mon,wed,fri 10:00-16:00", {0, 2, 4}, time(10), time(16)),
        ("mon-fri 08:30-17:15", {0, 1, 2, 3, 4}, time(8, 30), time(17, 15)),
        ("fri-mon 10-12", {4, 5, 6, 0}, time(10), time(12)),  # a range across the week's end
        ("tuesday,thursday 9-17", {1, 3}, time(9), time(17)),
        ("daily 08-20", set(range(7)), time(8), time(20)),
        ("22:00-06:00", set(range(7)), time(22), time(6)),  # hours alone: every day
        ("weekdays 18:00-24:00", {0, 1, 2, 3, 4}, time(18), time(0)),
        ("weekends", {5, 6}, time(0), time(0)),  # days alone: all day
    ],
)
def test_contact_window_syntax(typed: str, days: set[int], start: time, end: time) -> None:
    window = ContactWindow.parse(typed)
    assert (set(window.days), window.start, window.end) == (days, start, end)


@pytest.mark.parametrize(
    "typed",
    [WEEKDAYS, "mon,wed,fri 10:00-16:00", "fri-mon 10-12", "22:00-06:00", "weekends", "sat 9-9"],
)
def test_a_saved_window_reads_back_the_same(typed: str) -> None:
    """Profiles store str(window); showing the profile parses it again."""
    window = ContactWindow.parse(typed)
    again = ContactWindow.parse(str(window))
    assert str(again) == str(window)
    week = [datetime(2026, 3, 2) + timedelta(minutes=m) for m in range(0, 7 * 24 * 60, 15)]
    assert [again.contains(t) for t in week] == [window.contains(t) for t in week]


def test_default_window_is_weekday_office_hours() -> None:
    assert str(DEFAULT_WINDOW) == WEEKDAYS


def test_a_member_without_window_gets_the_default() -> None:
    assert Member(1, "U1", "Ana").window() == DEFAULT_WINDOW
    assert Member(1, "U1", "Ana", contact_window="weekends").window().days == {5, 6}


# --- contact windows: contains ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2026, 3, 2, 9, 0), True),  # Monday opening minute
        (datetime(2026, 3, 2, 8, 59), False),
        (datetime(2026, 3, 2, 17, 59), True),
        (datetime(2026, 3, 2, 18, 0), False),  # the end is exclusive
        (datetime(2026, 3, 7, 12, 0), False),  # Saturday
    ],
)
def test_office_hours_window(moment: datetime, inside: bool) -> None:
    assert ContactWindow.parse(WEEKDAYS).contains(moment) is inside


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2026, 3, 6, 23, 0), True),  # Friday night
        (datetime(2026, 3, 7, 1, 30), True),  # Friday's window runs into Saturday morning
        (datetime(2026, 3, 7, 2, 0), False),
        (datetime(2026, 3, 7, 23, 0), False),  # Saturday is not a window day itself
        (datetime(2026, 3, 5, 1, 0), False),  # Thursday early: Wednesday is not in the window
        (datetime(2026, 3, 6, 21, 59), False),
    ],
)
def test_window_crossing_midnight(moment: datetime, inside: bool) -> None:
    assert ContactWindow.parse("fri 22:00-02:00").contains(moment) is inside


def test_all_day_window() -> None:
    window = ContactWindow.parse("weekends")
    assert window.contains(datetime(2026, 3, 7, 0, 0))
    assert window.contains(datetime(2026, 3, 8, 23, 59))
    assert not window.contains(datetime(2026, 3, 9, 0, 0))


# --- contact windows: next_open ---------------------------------------------------------------


def test_inside_the_window_means_now() -> None:
    now = utc(2026, 3, 2, 10, 0)  # Monday 11:00 in Berlin
    assert ContactWindow.parse(WEEKDAYS).next_open(now, "Europe/Berlin") == now


def test_friday_evening_waits_for_monday_morning_local_time() -> None:
    friday_evening = utc(2026, 3, 6, 20, 0)  # 21:00 in Berlin
    opens = ContactWindow.parse(WEEKDAYS).next_open(friday_evening, "Europe/Berlin")
    assert opens == utc(2026, 3, 9, 8, 0)  # Monday 09:00 CET
    assert opens.utcoffset() == timedelta(0)


def test_early_morning_waits_until_opening_the_same_day() -> None:
    early = utc(2026, 3, 3, 5, 0)  # Tuesday 06:00 in Berlin
    assert ContactWindow.parse(WEEKDAYS).next_open(early, "Europe/Berlin") == utc(2026, 3, 3, 8)


def test_window_across_midnight_opens_at_its_start() -> None:
    window = ContactWindow.parse("fri 22:00-02:00")
    assert window.next_open(utc(2026, 3, 2, 12), "UTC") == utc(2026, 3, 6, 22)
    assert window.next_open(utc(2026, 3, 7, 1), "UTC") == utc(2026, 3, 7, 1)  # still open


def test_spring_forward_weekend_opens_at_the_new_offset() -> None:
    """Berlin moves to summer time on Sunday 29 March 2026: Monday 09:00 is 07:00 UTC."""
    friday_evening = utc(2026, 3, 27, 18, 0)
    opens = ContactWindow.parse(WEEKDAYS).next_open(friday_evening, "Europe/Berlin")
    assert opens == utc(2026, 3, 30, 7, 0)
    assert opens.astimezone(ZoneInfo("Europe/Berlin")).hour == 9


def test_fall_back_weekend_opens_at_the_new_offset() -> None:
    """Berlin returns to winter time on Sunday 25 October 2026: Monday 09:00 is 08:00 UTC."""
    friday_evening = utc(2026, 10, 23, 18, 0)
    opens = ContactWindow.parse(WEEKDAYS).next_open(friday_evening, "Europe/Berlin")
    assert opens == utc(2026, 10, 26, 8, 0)


def test_new_york_changes_on_a_different_weekend() -> None:
    """America/New_York springs forward on 8 March 2026, three weeks before Europe."""
    friday_evening = utc(2026, 3, 6, 23, 30)
    assert ContactWindow.parse(WEEKDAYS).next_open(friday_evening, "America/New_York") == utc(
        2026, 3, 9, 13, 0
    )  # 09:00 EDT


def test_never_before_the_moment_when_the_clock_repeats_an_hour() -> None:
    """1 November 2026, New York: 01:00-02:00 happens twice. At the second 01:00 the
    window 01:30-03:30 opens at the second 01:30, not at the first (already past)."""
    second_one_am = utc(2026, 11, 1, 6, 0)  # 01:00 EST
    assert second_one_am.astimezone(ZoneInfo("America/New_York")).fold == 1
    opens = ContactWindow.parse("daily 01:30-03:30").next_open(second_one_am, "America/New_York")
    assert opens == utc(2026, 11, 1, 6, 30)


def test_a_start_in_the_skipped_hour_opens_after_the_jump() -> None:
    """8 March 2026, New York: 02:30 does not exist; the window still opens that night."""
    before = utc(2026, 3, 8, 6, 0)  # 01:00 EST
    window = ContactWindow.parse("daily 02:30-04:00")
    opens = window.next_open(before, "America/New_York")
    local_open = opens.astimezone(ZoneInfo("America/New_York"))
    assert opens > before
    assert local_open.date() == date(2026, 3, 8)
    assert window.contains(local_open)


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        # UTC+14: Monday 10:00 UTC is already Tuesday 00:00 there; opens Tuesday 09:00 local.
        (utc(2026, 3, 2, 10), "Pacific/Kiritimati", utc(2026, 3, 2, 19)),
        # Friday 10:00 UTC is Saturday there: next is Monday 09:00 local = Sunday 19:00 UTC.
        (utc(2026, 3, 6, 10), "Pacific/Kiritimati", utc(2026, 3, 8, 19)),
        # Sunday 20:00 UTC is Monday 10:00 there: open right now.
        (utc(2026, 3, 8, 20), "Pacific/Kiritimati", utc(2026, 3, 8, 20)),
        # UTC-12 (Etc/GMT+12 is *minus* twelve): Monday 10:00 UTC is Sunday 22:00 there.
        (utc(2026, 3, 2, 10), "Etc/GMT+12", utc(2026, 3, 2, 21)),
        # Saturday 10:00 UTC is still Friday 22:00 there: wait for Monday 09:00 local.
        (utc(2026, 3, 7, 10), "Etc/GMT+12", utc(2026, 3, 9, 21)),
    ],
)
def test_next_open_at_the_edges_of_the_world(moment: datetime, tz: str, expected: datetime) -> None:
    assert ContactWindow.parse(WEEKDAYS).next_open(moment, tz) == expected


def test_next_open_is_always_inside_the_window_and_not_in_the_past() -> None:
    """A sweep over a week, several windows and zones: the promise users rely on."""
    windows = [WEEKDAYS, "fri 22:00-02:00", "sat 9-9", "mon,thu 07:15-07:45", "daily 23:00-01:00"]
    zones = ["Europe/Berlin", "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kolkata"]
    start = utc(2026, 3, 2, 0, 0)
    for text in windows:
        window = ContactWindow.parse(text)
        for tz in zones:
            for step in range(0, 7 * 24 * 60, 97):
                moment = start + timedelta(minutes=step)
                opens = window.next_open(moment, tz)
                assert opens >= moment, (text, tz, moment)
                assert opens - moment <= timedelta(days=7), (text, tz, moment)
                assert window.contains(opens.astimezone(ZoneInfo(tz))), (text, tz, moment)


# --- availability over time ---------------------------------------------------------------


def test_busy_ends_by_itself_after_its_date() -> None:
    member = Member(1, "U1", "Ana", availability="busy", busy_until=date(2026, 3, 10))
    assert member.availability_on(date(2026, 3, 10)) is Availability.BUSY
    assert member.availability_on(date(2026, 3, 11)) is Availability.OPEN


def test_away_members_are_not_listed_but_busy_ones_are() -> None:
    assert not Member(1, "U1", "Ana", availability="away").is_listed()
    assert Member(1, "U1", "Ana", availability="busy").is_listed()
    assert not Member(1, "U1", "Ana", discoverable=False).is_listed()
    assert not Member(1, "U1", "Ana", paused=True).is_listed()


# --- contact windows as people write them -------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("daily 9-5", "daily 09:00-17:00"),
        ("weekdays 9 - 5", "weekdays 09:00-17:00"),
        ("daily 9am-5pm", "daily 09:00-17:00"),
        ("mon,wed 10 to 4", "mon,wed 10:00-16:00"),
        ("daily 11-1", "daily 11:00-13:00"),
        ("daily 12-5", "daily 12:00-17:00"),
        ("weekdays 09:00-18:00", "weekdays 09:00-18:00"),
        ("daily 22:00-02:00", "daily 22:00-02:00"),
        ("daily 22-2", "daily 22:00-02:00"),
        ("daily 8pm-2am", "daily 20:00-02:00"),
        ("daily 09:00-05:00", "daily 09:00-05:00"),  # 24-hour, leading zero: past midnight
        ("anytime", "anytime"),
        ("daily all day", "anytime"),
        ("weekends", "weekends all day"),
    ],
)
def test_a_window_reads_as_people_mean_it(written: str, read: str) -> None:
    window = ContactWindow.parse(written)
    assert str(window) == read
    assert ContactWindow.parse(str(window)) == window  # what is shown reads back


def test_the_reading_is_said_back_and_past_midnight_is_named() -> None:
    assert ContactWindow.parse("daily 9-5").describe() == "daily 09:00-17:00 (your local time)"
    assert ContactWindow.parse("daily 22:00-02:00").describe() == (
        "daily 22:00-02:00, running past midnight into the next day (your local time)"
    )
    assert ContactWindow.parse("anytime").describe() == "anytime (any day, any hour)"


def test_anytime_is_always_open() -> None:
    window = ContactWindow.parse("anytime")
    for hour in range(0, 7 * 24, 5):
        moment = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(hours=hour)
        assert window.next_open(moment, "Asia/Tokyo") == moment


@pytest.mark.parametrize("written", ["daily 13pm-5pm", "daily 0am-5pm", "daily 25-3"])
def test_hours_that_do_not_exist_are_refused(written: str) -> None:
    with pytest.raises(UserError, match="has an hour that does not exist"):
        ContactWindow.parse(written)
