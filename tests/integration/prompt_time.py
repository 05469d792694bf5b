"""Moving the injected clock and running what falls due, for prompt and timing tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.prompts.dispatcher import Report
from tests.driver import Member
from tests.fakes import FakeClock

Run = Callable[[], Awaitable[Report]]


async def at(clock: FakeClock, run: Run, when: datetime) -> Report:
    """Move the clock to `when` (UTC) and run the dispatcher."""
    assert when >= clock.current, "the clock only moves forward"
    clock.current = when
    return await run()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def having(member: Member, text: str) -> list[str]:
    return [dm for dm in member.dms() if text in dm]
