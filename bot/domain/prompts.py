"""Prompts: the messages the bot sends on its own, on a schedule.

A prompt is a row with a due time. The dispatcher sends it inside the recipient's
contact window, at most `dm_daily_cap` a local day (the rest merge into one digest),
and retries transient failures with exponential back-off. These are the rules; the
store and the dispatcher carry them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError


class PromptKind(StrEnum):
    """Each kind is declared (label, dedupe key, renderer, rhythm) in bot/prompts/kinds/."""

    CONSENT_REQUEST = "consent_request"  # an intro or ask, in the recipient's window
    CONSENT_REMINDER = "consent_reminder"
    CONSENT_EXPIRY = "consent_expiry"
    CONNECT_CHECK = "connect_check"
    THANKS_PROMPT = "thanks_prompt"
    LOOP_CLOSING = "loop_closing"
    KEEP_IN_TOUCH = "keep_in_touch"
    OCCASION = "occasion"  # birthdays and work anniversaries, for members who opted in
    GIVER_DIGEST = "giver_digest"
    DIGEST = "digest"  # what went past the daily cap, merged into one message
    PAIRING_REMINDER = "pairing_reminder"  # the day before a round, with a Skip button
    PAIRING_CHECK = "pairing_check"  # "did you meet?" near the end of a pairing round
    MESSAGE = "message"  # a message a command produced (a DM, a group, a post)
    IMPORT_CONSENT = "import_consent"  # "your association shared this profile": show it?


class PromptState(StrEnum):
    PENDING = "pending"  # waiting for its due time (or its retry)
    SENDING = "sending"  # claimed by a dispatcher; a lease that expires if it dies
    DIGEST = "digest"  # over the daily cap: goes out inside the next digest
    SENT = "sent"
    CANCELLED = "cancelled"  # its reason went away, or delivery can never work
    FAILED = "failed"  # every attempt failed


@dataclass(eq=False)
class Prompt:
    community_id: int
    recipient_id: int
    kind: str
    due_at: datetime
    dedupe_key: str
    subject_id: int | None = None  # a connection, or the member an occasion is about
    payload: dict[str, Any] = field(default_factory=dict)
    state: str = PromptState.PENDING.value
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None
    id: int | None = None
    # What the platform did with it (its ids), saved with each attempt's outcome.
    receipt: dict[str, str] | None = None

    def cancel(self, reason: str) -> None:
        """Its reason went away, or it can never be delivered."""
        self.state, self.last_error = PromptState.CANCELLED.value, reason[:200]

    def wait_until(self, due: datetime) -> None:
        self.state, self.due_at = PromptState.PENDING.value, due


HELD = "held: paused"  # why a prompt waits while its recipient is on pause


@dataclass(frozen=True)
class PromptOutcome:
    """What became of one claimed prompt after a send; it counts only while the claim
    (state "sending" at this attempt number) still holds."""

    prompt_id: int
    claim: int  # the attempt number the dispatcher claimed it with
    state: str
    due_at: datetime
    last_error: str | None
    sent_at: datetime | None
    receipt: dict[str, str] | None = None  # what the platform did, for a retry to reuse


# --- delivery rules -----------------------------------------------------------------------

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """1 min, 2, 4, 8, 16… capped: a platform outage is waited out, not hammered."""
    factor: int = 2 ** min(max(attempts - 1, 0), 30)  # bounded: timedelta overflows
    return min(FIRST_RETRY * factor, LONGEST_RETRY)


def local_day_start(moment: datetime, tz: str) -> datetime:
    """Midnight of the recipient's local day containing `moment`, as an aware instant."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), datetime.min.time(), zone).astimezone(moment.tzinfo)


def next_local_day(moment: datetime, tz: str) -> datetime:
    """Midnight starting the recipient's next local day (DST-safe: 23 or 25 hours away)."""
    zone = ZoneInfo(tz)
    tomorrow = moment.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), zone).astimezone(moment.tzinfo)


def local_midnight(day: date, tz: str) -> datetime:
    """The start of this day where the recipient lives."""
    return datetime.combine(day, datetime.min.time(), ZoneInfo(tz))


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


# --- durations in settings ------------------------------------------------------------------

_DURATION = re.compile(r"(\d+)\s*(w|d|h|m)", re.IGNORECASE)
_UNITS: dict[str, timedelta] = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}


def parse_duration(text: str, *, low: timedelta, high: timedelta) -> timedelta:
    """`3d`, `12h`, `2w`, `1w 2d`, `90m` → a timedelta within [low, high]."""
    raw = text.strip().lower().replace(",", " ")
    hint = "Write it like 3d, 12h, 2w or 1w 2d."
    if not raw:
        raise UserError("The duration is empty.", hint)
    pos, total = 0, timedelta()
    for match in _DURATION.finditer(raw):
        if raw[pos : match.start()].strip():
            break
        count = int(match.group(1))
        if count > 100_000:  # far past any bound, and timedelta would overflow
            total = high + timedelta(days=1)
        else:
            total += count * _UNITS[match.group(2)]
        pos = match.end()
    if pos == 0 or raw[pos:].strip():
        raise UserError(f"“{text}” is not a duration I understand.", hint)
    if not low <= total <= high:
        raise UserError(
            f"Pick a duration from {format_duration(low)} to {format_duration(high)}.", hint
        )
    return total


def format_duration(value: timedelta) -> str:
    """The shortest exact form: 2w, 3d, 1d 12h, 90m."""
    minutes = int(value.total_seconds() // 60)
    parts = []
    for unit, size in (("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60), ("m", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"
