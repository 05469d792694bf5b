"""A progress message in chat for a long import: one message edited in place, at most
once per tenth of the work (platforms rate-limit edits), never per row."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)
STEPS = 10


class ChatProgress:
    def __init__(self, edit: Callable[[str], Awaitable[Any]]) -> None:
        self.edit = edit
        self.shown: tuple[str, int] | None = None

    async def __call__(self, phase: str, done: int, total: int) -> None:
        step = (done * STEPS // total) if total else STEPS
        if self.shown == (phase, step):
            return
        self.shown = (phase, step)
        filled = step * 2
        bar = "▰" * filled + "▱" * (2 * STEPS - filled)
        try:
            await self.edit(f"Importing the member list: {phase}… {bar} {done:,} of {total:,} rows")
        except Exception:  # progress is a courtesy: the import goes on without it
            log.warning("could not update the import's progress message", exc_info=True)
