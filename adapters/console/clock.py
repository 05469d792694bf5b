"""The console's clock: real time, moved forward by /clock to see prompts fall due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class SimulatedClock:
    offset: timedelta = field(default_factory=timedelta)
    start: datetime | None = None  # a fixed starting time (tests); else the real time

    def now(self) -> datetime:
        return (self.start or datetime.now(UTC)) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by

    def move_to(self, moment: datetime) -> None:
        """Stand at this moment (never backwards): a jump stops at each due time."""
        self.offset += max(moment - self.now(), timedelta())
