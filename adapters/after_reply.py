"""Work that follows an answer to the platform (DMs, look-ups): a task of its own in
production, so the answer leaves at once; awaited in place in tests, so every side effect
is done when the request returns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.messages import Outbox, Reply, reply
from bot.ports import DatabaseUnavailable
from bot.services.app import Networker, with_delivery_note

log = logging.getLogger(__name__)


class AfterReply:
    def __init__(self, *, background: bool) -> None:
        self.background = background
        self._tasks: set[asyncio.Task[None]] = set()

    async def later(self, work: Coroutine[Any, Any, None]) -> None:
        if not self.background:
            await work
            return
        task = asyncio.create_task(work)
        self._tasks.add(task)  # a reference, or the task may be collected mid-way
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        error = None if task.cancelled() else task.exception()
        # A database outage is logged once by the store, not once per request.
        if error is not None and not isinstance(error, DatabaseUnavailable):
            log.error("work after the answer failed", exc_info=error)

    async def drain(self) -> None:
        """Let work still running finish (shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


async def deliver(
    core: Networker,
    platform: str,
    community: str,
    outbox: Outbox,
    tell: Callable[[Reply], Awaitable[None]],
    *,
    answered: Reply | None = None,
    update: Callable[[Reply], Awaitable[None]] | None = None,
) -> None:
    """Send what a command produced, then tell the member whom it could not reach; or,
    when all of it arrived and the answer given says more now (`Reply.once_delivered`:
    "I've opened a conversation" instead of "on its way"), `update` that answer."""
    failures = await core.deliver(platform, community, outbox)
    if failures:
        await tell(with_delivery_note(reply(""), failures, platform))
        return
    settled = answered.delivered() if answered is not None else None
    if settled is not None and update is not None:
        await update(settled)
