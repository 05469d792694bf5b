"""Pairing channels, their participants and rounds: the rules, without I/O.

A pairing channel has its own cadence (every 1, 2 or 4 weeks, on a weekday, at a time in
the organiser's time zone), its own group size and settings, and its own participants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError

DAYS = ("mon", "tue", "wed", "thu", "fri")
EVERY = {"1w": 1, "2w": 2, "4w": 4}

# Organiser settings of a pairing channel, with their defaults and allowed range.
SETTINGS: dict[str, tuple[int, int, int, str]] = {
    "ghost_rounds": (2, 1, 10, "rounds in a row without an answer (or a “No”) before a pause"),
    "check_after_days": (5, 1, 27, "days into a round the “did you meet?” question comes"),
    "newcomer_days": (60, 0, 365, "days a member counts as a newcomer"),
}


def is_row_id(value: int) -> bool:
    """A button's value can name a row only within the id columns' range."""
    return 0 < value <= 2**31 - 1


class Presence(StrEnum):
    IN = "in"  # takes part in the rounds
    LEFT = "left"  # left by themselves
    GHOST = "ghost"  # paused by the bot after rounds without an answer; Rejoin brings back


class Answer(StrEnum):
    YES = "yes"
    NOT_YET = "not_yet"
    NO = "no"


@dataclass
class PairingChannel:
    community_id: int
    channel: str  # the platform's channel id
    every_weeks: int = 1
    weekday: int = 0  # 0 = Monday
    at: str = "10:00"  # local time in `timezone`
    timezone: str = "UTC"
    size: int = 2
    active: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    next_round_at: datetime | None = None
    created_at: datetime | None = None
    id: int | None = None

    def setting(self, key: str) -> int:
        default, low, high, _ = SETTINGS[key]
        value = self.settings.get(key, default)
        return int(value) if isinstance(value, int) and low <= value <= high else default

    def first_round_after(self, now: datetime) -> datetime:
        """The next slot strictly after `now` on the weekday and time, local to the
        channel's time zone (a DST gap moves the slot on, as the clock does)."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        hour, minute = (int(x) for x in self.at.split(":"))
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if day.weekday() != self.weekday:
                continue
            slot = datetime.combine(day, time(hour, minute), tzinfo=zone)
            if slot > now:
                return slot.astimezone(now.tzinfo)
        raise AssertionError("a weekday comes every seven days")

    def round_after(self, planned: datetime) -> datetime:
        """The slot `every_weeks` after a round's own slot, at the same local time."""
        zone = ZoneInfo(self.timezone)
        local = planned.astimezone(zone)
        day: date = local.date() + timedelta(weeks=self.every_weeks)
        hour, minute = (int(x) for x in self.at.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(planned.tzinfo)


@dataclass
class Participant:
    channel_id: int
    member_id: int
    presence: Presence = Presence.IN
    skip_next: bool = False
    missed: int = 0  # rounds in a row without an answer to "did you meet?"
    joined_at: datetime | None = None
    group: str = ""  # chapter, company or section: favoured to differ inside a group


@dataclass
class Round:
    channel_id: int
    planned_for: datetime  # the slot it was for: one round per slot, ever
    seed: int
    number: int
    created_at: datetime
    check_at: datetime  # when "did you meet?" is asked
    id: int | None = None


@dataclass(frozen=True)
class Seat:
    """One member's place in one group of a round, with their answer."""

    round_id: int
    group_no: int
    member_id: int
    answer: Answer | None = None


@dataclass(frozen=True)
class RoundSummary:
    round_id: int
    channel_id: int
    planned_for: datetime
    groups: int
    members: int
    answered: int
    met: int  # groups where someone answered Yes

    @property
    def met_rate(self) -> float | None:
        return self.met / self.groups if self.groups else None


@dataclass(frozen=True)
class Schedule:
    every_weeks: int
    weekday: int
    at: str
    size: int


def parse_schedule(words: list[str], current: Schedule) -> Schedule:
    """`every=2w day=thu time=10:30 size=3`, any order, each optional."""
    hint = "e.g. every=2w day=thu time=10:00 size=2"
    every, weekday, at, size = current.every_weeks, current.weekday, current.at, current.size
    for word in words:
        key, sep, value = word.partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        if not sep:
            raise UserError(f"I don't understand “{word}”.", hint)
        if key == "every":
            if value not in EVERY:
                raise UserError(f"every={value} is not a cadence I run.", "Use 1w, 2w or 4w.")
            every = EVERY[value]
        elif key == "day":
            if value[:3] not in DAYS or len(value) < 3:
                raise UserError(f"day={value} is not a weekday.", "Use mon, tue, wed, thu or fri.")
            weekday = DAYS.index(value[:3])
        elif key == "time":
            at = _parse_time(value)
        elif key == "size":
            if value not in ("2", "3"):
                raise UserError(f"size={value} is not a group size I make.", "Use 2 or 3.")
            size = int(value)
        else:
            raise UserError(f"I don't know the option “{key}”.", hint)
    return Schedule(every, weekday, at, size)


def _parse_time(value: str) -> str:
    hour, _, minute = value.partition(":")
    try:
        h, m = int(hour), int(minute or 0)
    except ValueError:
        raise UserError(f"time={value} is not a time of day.", "Use HH:MM, e.g. 10:00.") from None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise UserError(f"time={value} is not a time of day.", "Use HH:MM, e.g. 10:00.")
    return f"{h:02d}:{m:02d}"


def parse_setting(key: str, value: str) -> int:
    if key not in SETTINGS:
        raise UserError(f"Pairing has no setting “{key}”.", "Settings: " + ", ".join(SETTINGS))
    _, low, high, what = SETTINGS[key]
    try:
        number = int(value)
    except ValueError:
        raise UserError(f"{key} takes a number ({what}).") from None
    if not low <= number <= high:
        raise UserError(f"{key} must be between {low} and {high} ({what}).")
    return number
