"""How counts and dates read in what members see: one way everywhere.

"1 request", never "1 requests"; "3 December", never "12-03" (which reads as
12 March to half the world).
"""

from __future__ import annotations

from datetime import date, datetime

_IRREGULAR = {"person": "people", "reply": "replies", "is": "are", "was": "were"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`plural(1, "request")` → "1 request"; `plural(3, "request")` → "3 requests"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {many or plural_noun(noun)}"


def plural_noun(noun: str) -> str:
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def times(count: int) -> str:
    """ "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def day_text(day: date, today: date | None = None) -> str:
    """ "3 December", with the year when it is not this year's: "3 December 2027"."""
    text = f"{day.day} {day:%B}"
    if today is None or day.year != today.year:
        text += f" {day.year}"
    return text


def weekday_day_text(day: date, today: date | None = None) -> str:
    """ "Tue 3 December": the weekday helps people place a date in their week."""
    return f"{day:%a} {day_text(day, today)}"


def moment_text(local: datetime, today: date | None = None) -> str:
    """ "09:00, Tue 3 December", for a local time."""
    return f"{local:%H:%M}, {weekday_day_text(local.date(), today)}"


def month_day_text(month_day: str) -> str:
    """A yearly date kept as "MM-DD" (a birthday) → "14 March"."""
    month, _, day = month_day.partition("-")
    return f"{int(day)} {date(2000, int(month), 1):%B}"
