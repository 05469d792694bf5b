"""Member profiles: skill levels, availability, contact windows and the edit syntax."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import UserError
from bot.domain.text import PROFILE_TEXT_MAX, TOPIC_MAX, clean
from bot.domain.vocabulary import is_known_term, normalise, singular
from bot.domain.wording import day_text

MAX_SKILLS = 30
MIN_SKILL_LETTERS = 2

CHAPTER_MAX = 80


class Level(IntEnum):
    LEARNING = 1
    PRACTITIONER = 2
    EXPERT = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Level:
        key = value.strip().lower()
        for level in cls:
            if level.label.startswith(key) and key:
                return level
        raise UserError(f"“{value}” is not a skill level.", "Use learning, practitioner or expert.")


class Availability(StrEnum):
    OPEN = "open"
    BUSY = "busy"
    AWAY = "away"


def parse_timezone(value: str) -> str:
    name = value.strip()
    if not name:
        raise UserError("The time zone is empty.", "Use a name like Europe/Berlin.")
    if name.upper() == "UTC":
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = [tz for tz in sorted(available_timezones()) if name.lower() in tz.lower()][:3]
        hint = f"Did you mean {', '.join(close)}?" if close else "Use a name like Europe/Berlin."
        raise UserError(f"“{value}” is not a time zone I know.", hint) from None
    return name


_DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_GROUPS = {
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "any": frozenset(range(7)),
}
_ANYTIME = {"anytime", "any time", "always", "whenever"}
_TIME = r"(\d{1,2})(?::(\d{2}))?\s?(am|pm)?"
_HOURS = re.compile(rf"^{_TIME}\s?(?:-|–|to)\s?{_TIME}$")


@dataclass(frozen=True)
class ContactWindow:
    """Days and hours (local time) when a member is happy to get DMs from the bot.

    A window whose end is before its start runs past midnight into the next day;
    equal start and end mean the whole day.
    """

    days: frozenset[int]
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> ContactWindow:
        raw = " ".join(text.strip().lower().split())
        hint = (
            "Write it like “weekdays 09:00-18:00”, “mon,wed,fri 10:00-16:00”, “daily 9-5” "
            "or “anytime”; a window past midnight in 24-hour times, like “daily 20:00-02:00”."
        )
        if not raw:
            raise UserError("The contact window is empty.", hint)
        if raw in _ANYTIME:
            return cls(days=frozenset(range(7)), start=time(0), end=time(0))
        if raw.endswith(" all day"):  # how str() shows a whole-day window: must read back
            raw = raw.removesuffix(" all day") + " 00:00-00:00"
        # "9am - 5pm", "9 to 5": one token for the hours
        raw = re.sub(r"\s*(-|–|\bto\b)\s*", "-", raw)
        raw = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", raw)
        parts = raw.split(" ")
        if len(parts) == 1 and _HOURS.match(parts[0]):
            parts = ["daily", parts[0]]
        if len(parts) == 1 and parts[0] in _DAY_GROUPS:
            parts.append("00:00-00:00")
        if len(parts) != 2:
            raise UserError(f"“{text}” is not a contact window I understand.", hint)
        days = _parse_days(parts[0], text, hint)
        match = _HOURS.match(parts[1])
        if not match:
            raise UserError(f"“{parts[1]}” is not a range of hours.", hint)
        h1, m1, p1, h2, m2, p2 = match.groups()
        start = _to_time(_hour(h1, p1, text, hint), int(m1 or 0), text, hint)
        end = _to_time(_hour(h2, p2, text, hint), int(m2 or 0), text, hint)
        if _afternoon_meant(start, end, h1, h2, p1, p2):
            end = end.replace(hour=end.hour + 12)  # "9-5" is the working day, not the night
        return cls(days=days, start=start, end=end)

    @property
    def past_midnight(self) -> bool:
        return self.end < self.start and self.end != time(0)

    def describe(self) -> str:
        """How the window was read, said back: the member sees what it will do."""
        if self.start == self.end:
            return str(self) if len(self.days) < 7 else "anytime (any day, any hour)"
        text = f"{self} (your local time)"
        if self.past_midnight:
            text = f"{self}, running past midnight into the next day (your local time)"
        return text

    def contains(self, local: datetime) -> bool:
        t, day = local.time().replace(tzinfo=None), local.weekday()
        if self.start == self.end:
            return day in self.days
        if self.start < self.end:
            return day in self.days and self.start <= t < self.end
        return (day in self.days and t >= self.start) or (
            (day - 1) % 7 in self.days and t < self.end
        )

    def next_open(self, moment: datetime, tz: str) -> datetime:
        """The first instant at or after `moment` inside the window, in UTC-aware form.

        On the night clocks go back the opening hour can happen twice; on the night they
        go forward a start inside the skipped hour opens that much later.
        """
        zone = ZoneInfo(tz)
        local = moment.astimezone(zone)
        if self.contains(local):
            return moment
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            if day.weekday() not in self.days:
                continue
            for candidate in _openings(datetime.combine(day, self.start), zone):
                if candidate >= moment:  # compared as instants, not as wall-clock times
                    return candidate.astimezone(moment.tzinfo)
        return moment  # unreachable for a non-empty set of days

    def __str__(self) -> str:
        if self.start == self.end and len(self.days) == 7:
            return "anytime"
        days = next((name for name, group in _DAY_GROUPS.items() if group == self.days), None)
        if days is None:
            days = ",".join(_DAY_NAMES[d] for d in sorted(self.days))
        if self.start == self.end:
            return f"{days} all day"
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


def _openings(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants a local wall-clock time names: two in a repeated hour, else one."""
    instants: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        exists = instant.astimezone(zone).replace(tzinfo=None) == wall
        if exists and instant not in instants:
            instants.append(instant)
    return instants or [wall.replace(tzinfo=zone).astimezone(UTC)]


DEFAULT_WINDOW = ContactWindow(frozenset(range(5)), time(9), time(18))


def _parse_days(token: str, text: str, hint: str) -> frozenset[int]:
    if token in _DAY_GROUPS:
        return _DAY_GROUPS[token]
    days: set[int] = set()
    for piece in token.split(","):
        if "-" in piece:
            first, _, last = piece.partition("-")
            a, b = _day_index(first, text, hint), _day_index(last, text, hint)
            days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
        else:
            days.add(_day_index(piece, text, hint))
    return frozenset(days)


def _day_index(name: str, text: str, hint: str) -> int:
    key = name.strip()[:3]
    if key not in _DAY_NAMES or len(name.strip()) < 3:
        raise UserError(f"“{name}” in “{text}” is not a day of the week.", hint)
    return _DAY_NAMES.index(key)


def _hour(digits: str, half: str | None, text: str, hint: str) -> int:
    """An hour as written: 24-hour, or with am/pm."""
    hour = int(digits)
    if half is None:
        return hour
    if not 1 <= hour <= 12:
        raise UserError(f"“{text}” has an hour that does not exist.", hint)
    return hour % 12 + (12 if half == "pm" else 0)


def _afternoon_meant(
    start: time, end: time, h1: str, h2: str, p1: str | None, p2: str | None
) -> bool:
    """ "9-5" means 09:00-17:00. A window past midnight is written in 24-hour times
    ("22:00-02:00", with its leading zero) or with am/pm; a bare small end hour earlier
    than the start is an afternoon hour."""
    if p1 or p2 or not end < start:
        return False
    written_24h = h2.startswith("0") or int(h1) > 12
    return not written_24h and 1 <= end.hour <= 11


def _to_time(hour: int, minute: int, text: str, hint: str) -> time:
    if hour == 24 and minute == 0:
        return time(0)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise UserError(f"“{text}” has an hour that does not exist.", hint)
    return time(hour, minute)


@dataclass
class ProfileChanges:
    """A partial profile edit; None means 'leave as it is'."""

    skills: dict[str, Level] | None = None
    add_skills: dict[str, Level] = field(default_factory=dict)
    remove_skills: list[str] = field(default_factory=list)
    can_help_with: str | None = None
    looking_for: str | None = None
    bio: str | None = None
    chapter: str | None = None
    timezone: str | None = None
    contact_window: ContactWindow | None = None
    availability: Availability | None = None
    busy_until: date | None = None
    capacity: int | None = None
    discoverable: bool | None = None
    birthday: str | None = None  # "MM-DD"; "" removes it
    work_anniversary: date | None = None
    clear_work_anniversary: bool = False
    notes: list[str] = field(default_factory=list)  # what was merged, told on saving

    def is_empty(self) -> bool:
        return self == ProfileChanges()


PROFILE_SYNTAX = (
    'skills="python:expert, kubernetes:practitioner" +skill=rust:learning -skill=rust '
    'help="what you can help with" looking="what you look for" bio="…" chapter="…" '
    'tz=Europe/Berlin window="weekdays 09:00-18:00" '
    "availability=open|busy:2026-12-31|away capacity=4 discoverable=yes|no "
    "birthday=03-14|off anniversary=2019-05-01|off"
)

_KEYS = {
    "skills": "skills",
    "+skill": "add",
    "skill": "add",
    "add": "add",
    "-skill": "remove",
    "remove": "remove",
    "help": "can_help_with",
    "can_help_with": "can_help_with",
    "offers": "can_help_with",
    "looking": "looking_for",
    "looking_for": "looking_for",
    "bio": "bio",
    "chapter": "chapter",
    "group": "chapter",
    "tz": "timezone",
    "timezone": "timezone",
    "window": "contact_window",
    "contact_window": "contact_window",
    "availability": "availability",
    "status": "availability",
    "capacity": "capacity",
    "discoverable": "discoverable",
    "visible": "discoverable",
    "birthday": "birthday",
    "anniversary": "work_anniversary",
    "work_anniversary": "work_anniversary",
}
_YES = {"yes", "y", "true", "on", "1"}
_NO = {"no", "n", "false", "off", "0"}


def parse_profile_edit(line: str, *, today: date) -> ProfileChanges:
    """Parse the one-line edit syntax (`key=value` pairs, quotes for spaces)."""
    hint = f"Syntax: /profile {PROFILE_SYNTAX}"
    try:
        tokens = shlex.split(line)
    except ValueError:
        raise UserError("A quote in your profile edit is not closed.", hint) from None
    changes = ProfileChanges()
    for token in tokens:
        key, sep, value = token.partition("=")
        target = _KEYS.get(key.strip().lower())
        if not sep or target is None:
            raise UserError(f"I don't know the profile field “{key}”.", hint)
        _apply(changes, target, value, today)
    if changes.is_empty():
        raise UserError("Tell me what to change.", hint)
    return changes


def _apply(changes: ProfileChanges, target: str, value: str, today: date) -> None:
    if target == "skills":
        changes.skills = parse_skills(value, changes.notes)
    elif target == "add":
        added = parse_skills(value, changes.notes)
        merged = merge_skills([*changes.add_skills.items(), *added.items()], changes.notes)
        changes.add_skills = merged
    elif target == "remove":
        changes.remove_skills.extend(
            clean(s, "skill", max_len=TOPIC_MAX) for s in value.split(",") if s.strip()
        )
    elif target in TEXT_FIELDS:
        setattr(changes, target, clean_text_field(target, value))
    elif target == "chapter":
        changes.chapter = clean(value, "chapter", max_len=CHAPTER_MAX)
    elif target == "timezone":
        changes.timezone = parse_timezone(value)
    elif target == "contact_window":
        changes.contact_window = ContactWindow.parse(value)
    elif target == "availability":
        changes.availability, changes.busy_until = parse_availability(value, today)
    elif target == "capacity":
        changes.capacity = parse_capacity(value)
    elif target == "discoverable":
        changes.discoverable = parse_bool(value, "discoverable")
    elif target == "birthday":
        changes.birthday = parse_birthday(value)
    elif target == "work_anniversary":
        changes.work_anniversary = parse_anniversary(value, today)
        changes.clear_work_anniversary = changes.work_anniversary is None


TEXT_FIELDS = {
    "can_help_with": "“can help with” text",
    "looking_for": "“looking for” text",
    "bio": "bio",
}


def clean_text_field(name: str, value: str) -> str:
    return clean(value, TEXT_FIELDS[name], max_len=PROFILE_TEXT_MAX)


def validated(changes: ProfileChanges) -> ProfileChanges:
    """The same checks as the text syntax, for edits built elsewhere (modals, forms)."""
    for name in TEXT_FIELDS:
        value = getattr(changes, name)
        if value is not None:
            setattr(changes, name, clean_text_field(name, value))
    if changes.skills is not None:
        changes.skills = merge_skills(
            [(skill_name(t), lvl) for t, lvl in changes.skills.items()], changes.notes
        )
    changes.add_skills = merge_skills(
        [(skill_name(t), lvl) for t, lvl in changes.add_skills.items()], changes.notes
    )
    for skills in (changes.skills, changes.add_skills):
        if skills is not None and len(skills) > MAX_SKILLS:
            raise _too_many()
    if changes.timezone is not None:
        changes.timezone = parse_timezone(changes.timezone)
    if changes.capacity is not None:
        changes.capacity = parse_capacity(str(changes.capacity))
    return changes


def parse_skills(value: str, notes: list[str] | None = None) -> dict[str, Level]:
    """`python:expert, k8s` → {"python": EXPERT, "k8s": PRACTITIONER}; a skill written
    twice is kept once, at the higher level, and `notes` says so."""
    items: list[tuple[str, Level]] = []
    for item in value.split(","):
        if not item.strip():
            continue
        name, _, level = item.partition(":")
        topic = skill_name(name)
        items.append((topic, Level.parse(level) if level.strip() else Level.PRACTITIONER))
    skills = merge_skills(items, notes if notes is not None else [])
    if len(skills) > MAX_SKILLS:
        raise _too_many()
    return skills


def _too_many() -> UserError:
    return UserError(
        f"A profile holds at most {MAX_SKILLS} skills.",
        "Keep the ones you would help with; the rest can go in your own words (help=…).",
    )


def skill_name(name: str) -> str:
    """A skill as typed, refused when nobody could ever find it by searching."""
    topic = clean(name, "skill name", max_len=TOPIC_MAX, required=True)
    letters = sum(1 for ch in normalise(topic) if ch.isalnum())
    if letters == 0:
        raise UserError(
            f"“{topic}” has no letters, so nobody could find it with /whoknows.",
            'Name the skill in words, e.g. +skill="rocket science:expert".',
        )
    if letters < MIN_SKILL_LETTERS and not is_known_term(topic):
        raise UserError(
            f"“{topic}” is too short to find: a skill needs at least {MIN_SKILL_LETTERS} letters.",
            'Write it out, e.g. +skill="go:expert" or +skill="public speaking".',
        )
    return topic


def skill_key(name: str) -> str:
    """Skills that differ only in case, accents or a plural are the same skill."""
    return singular(normalise(name))


def merge_skills(
    items: list[tuple[str, Level]], notes: list[str], key: Callable[[str], str] = skill_key
) -> dict[str, Level]:
    """Keep each skill once, at the highest level given, under its first spelling."""
    merged: dict[str, tuple[str, Level]] = {}
    for name, level in items:
        k = key(name)
        if k in merged:
            first, before = merged[k]
            best = max(before, level)
            spelled = f"“{first}”" if first == name else f"“{first}” and “{name}”"
            notes.append(f"{spelled} are the same skill: kept once, as {first} ({best.label}).")
            merged[k] = (first, best)
        else:
            merged[k] = (name, level)
    return {name: level for name, level in merged.values()}


def parse_availability(value: str, today: date) -> tuple[Availability, date | None]:
    raw = value.strip().lower().replace(" until ", ":").replace("until", ":")
    kind, _, until = raw.partition(":")
    try:
        availability = Availability(kind.strip())
    except ValueError:
        raise UserError(
            f"“{value}” is not an availability.", "Use open, busy:YYYY-MM-DD or away."
        ) from None
    if availability is not Availability.BUSY:
        return availability, None
    if not until.strip():
        raise UserError("Busy until when?", "Write busy:YYYY-MM-DD, e.g. busy:2026-12-31.")
    try:
        end = date.fromisoformat(until.strip())
    except ValueError:
        raise UserError(f"“{until.strip()}” is not a date.", "Use YYYY-MM-DD.") from None
    if end < today:
        raise UserError(f"{day_text(end, today)} is already past.", "Pick a date from today on.")
    return availability, end


_OFF = {"off", "none", "no", "-"}


def parse_birthday(value: str) -> str:
    """`03-14` (or a full date, whose year is not kept) → "03-14"; `off` → "" (removed).

    Setting it is the opt-in: people you are connected with get a reminder on the day."""
    raw = value.strip().lower()
    if raw in _OFF:
        return ""
    hint = "Write it as MM-DD, e.g. birthday=03-14, or birthday=off to remove it."
    parts = raw.split("-")
    if len(parts) == 3 and len(parts[0]) == 4:
        parts = parts[1:]  # the year stays private: it is never stored
    try:
        month, day = (int(p) for p in parts)
        date(2000, month, day)  # a leap year: 02-29 is a birthday too
    except ValueError:
        raise UserError(f"“{value}” is not a day of the year.", hint) from None
    return f"{month:02d}-{day:02d}"


def parse_anniversary(value: str, today: date) -> date | None:
    """The day you started (YYYY-MM-DD); `off` → None (removed)."""
    raw = value.strip().lower()
    if raw in _OFF:
        return None
    hint = "Write the day you started as YYYY-MM-DD, or anniversary=off to remove it."
    try:
        started = date.fromisoformat(raw)
    except ValueError:
        raise UserError(f"“{value}” is not a date.", hint) from None
    if started > today:
        raise UserError(f"{day_text(started, today)} is in the future.", hint)
    return started


def parse_capacity(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise UserError(
            f"“{value}” is not a number.", "Capacity is requests per 30 days, 0-100."
        ) from None
    if not 0 <= number <= 100:
        raise UserError("Capacity must be between 0 and 100 requests per 30 days.")
    return number


def parse_bool(value: str, field_name: str) -> bool:
    key = value.strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise UserError(f"{field_name} takes yes or no, not “{value}”.")
