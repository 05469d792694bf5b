"""Counts and dates read one way everywhere: "1 request", "3 December"."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.wording import (
    day_text,
    moment_text,
    month_day_text,
    plural,
    times,
    weekday_day_text,
)


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "request", "0 requests"),
        (1, "request", "1 request"),
        (2, "request", "2 requests"),
        (1, "person", "1 person"),
        (3, "person", "3 people"),
        (1, "reply", "1 reply"),
        (2, "reply", "2 replies"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (1, "thank-you", "1 thank-you"),
        (10, "thank-you", "10 thank-yous"),
    ],
)
def test_plural_agrees_with_the_count(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


def test_times_reads_as_words() -> None:
    assert [times(n) for n in (1, 2, 3)] == ["once", "twice", "3 times"]


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        (date(2026, 12, 3), date(2026, 11, 30), "3 December"),
        (date(2026, 3, 12), date(2026, 11, 30), "12 March"),  # never "12-03" or "03-12"
        (date(2027, 1, 5), date(2026, 11, 30), "5 January 2027"),  # another year: said
        (date(2026, 12, 3), None, "3 December 2026"),
    ],
)
def test_dates_are_unambiguous(day: date, today: date | None, expected: str) -> None:
    assert day_text(day, today) == expected


def test_weekday_and_moment() -> None:
    assert weekday_day_text(date(2026, 12, 1), date(2026, 11, 30)) == "Tue 1 December"
    assert moment_text(datetime(2026, 12, 1, 9, 0), date(2026, 11, 30)) == ("09:00, Tue 1 December")


def test_a_yearly_date_reads_as_day_and_month() -> None:
    assert month_day_text("03-14") == "14 March"
    assert month_day_text("12-03") == "3 December"
