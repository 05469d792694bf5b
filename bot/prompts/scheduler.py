"""Runs the dispatcher on an APScheduler interval job, in every bot process.

The job only claims rows; the rows are the schedule. Several processes may run it at
once (they share the work through row claims), and a process that starts after every
other one was down sends what fell due meanwhile on its first run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.ports import DatabaseUnavailable
from bot.prompts.dispatcher import Dispatcher

log = logging.getLogger(__name__)


Chore = Callable[[], Awaitable[object]]


class PromptScheduler:
    """`chores`: other periodic work of every process, (interval in seconds, job), such as
    relearning topic relations; each runs on its own interval job in the same scheduler."""

    def __init__(
        self, dispatcher: Dispatcher, interval: float, chores: Sequence[tuple[float, Chore]] = ()
    ) -> None:
        self.dispatcher = dispatcher
        self.interval = interval
        self.chores = tuple(chores)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._busy = asyncio.Lock()  # held while a pass runs, so stop() can wait for it
        self._chores_busy = asyncio.Lock()  # the same for the chores (one at a time)
        self._stopping = False

    def start(self) -> None:
        self.job = self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval,
            next_run_time=datetime.now(UTC),  # catch up at once on start
            max_instances=1,  # a long catch-up is not run twice in one process
            coalesce=True,
            misfire_grace_time=None,
        )
        for seconds, chore in self.chores:
            self.scheduler.add_job(
                self._run_chore,
                "interval",
                args=(chore,),
                seconds=seconds,
                next_run_time=datetime.now(UTC),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )
        self.scheduler.start()

    async def _run_chore(self, chore: Chore) -> None:
        if self._stopping:
            return
        try:
            async with self._chores_busy:
                await chore()
        except DatabaseUnavailable:  # logged by the store; the next run retries
            return
        except Exception:  # a bug: in full in the log; the next run tries again
            log.exception("periodic job failed")

    def kick(self) -> None:
        """Run a pass now (a prompt became due at once); a pass under way finds it anyway."""
        if self.scheduler.running and not self._busy.locked():
            self.job.modify(next_run_time=datetime.now(UTC))

    async def tick(self) -> None:
        if self._stopping:  # handed to the loop just before stop(): nothing to do
            return
        try:
            async with self._busy:
                report = await self.dispatcher.run_due()
        except DatabaseUnavailable:  # the store logs the outage; the next tick retries
            return
        except Exception:  # a bug: in full in the log; the next tick tries again
            log.exception("prompt dispatch failed")
            return
        if report.claimed:
            log.info("prompts dispatched", extra={"outcomes": dict(report.outcomes)})

    async def stop(self) -> None:
        """No new passes; the one under way finishes (its claims are recorded).

        The pass, and a chore under way, are awaited BEFORE the scheduler shuts down:
        APScheduler's shutdown cancels the jobs still running, which would cut a pass
        short and log a CancelledError traceback (a console whose input ends at once
        showed one); a chore cut short while it opened its database connection left the
        connection's close pending, and the process never exited."""
        self._stopping = True
        async with self._busy, self._chores_busy:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
