"""What the pages show, computed away from the request: figures briefly cached, the network's
shape in the background at most hourly.

A page never waits for networkx: the shape is computed in the background when a session opens
and again when the cached one is an hour old, and a page shows the last one it has.
Figures (overview, trends, topics) are kept for a minute and refreshed behind the page,
so at thousands of members a page still answers from memory; the first ones of a large
community take seconds, and a page that finds them not ready says so and reloads itself.
Both are computed in a thread; past OWN_PROCESS_ABOVE the shape is computed in a worker
process, where its seconds of networkx do not hold the lock the pages need.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from typing import TypeVar

from bot.domain.dashboard import DashboardFacts, Figures, compute_figures
from bot.domain.network import NetworkShape, compact, shape, shape_of_rows
from bot.ports import Clock
from bot.services.dashboard import DashboardAccess

log = logging.getLogger(__name__)
T = TypeVar("T")

FIGURES_FRESH = timedelta(minutes=1)
SHAPE_FRESH = timedelta(hours=1)
# Past this many members and connections, the computation runs in a separate process:
# seconds of networkx in a thread would hold the interpreter lock the pages need.
OWN_PROCESS_ABOVE = 5000


class _Slot:
    """One community's cached result and the computation under way, if any."""

    def __init__(self) -> None:
        self.value: Figures | NetworkShape | None = None
        self.at: datetime | None = None
        self.gone = False  # the last look found no such community
        self.task: asyncio.Task[None] | None = None


class FigureCache:
    def __init__(self, access: DashboardAccess, clock: Clock) -> None:
        self.access = access
        self.clock = clock
        self._figures: dict[int, _Slot] = {}
        self._shapes: dict[int, _Slot] = {}
        # The facts last read, shared by the figures and the shape computed from them.
        self._facts: dict[int, tuple[datetime, DashboardFacts]] = {}
        self._reading: dict[int, asyncio.Lock] = {}
        self._pool: ProcessPoolExecutor | None = None

    async def _elsewhere(self, fn: Callable[..., T], *args: object) -> T:
        """Run in a worker process (started on first need, stopped with the server)."""
        if self._pool is None:
            # spawn: a fork of a process with running threads and an event loop is unsafe.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def _read(self, community_id: int) -> DashboardFacts | None:
        async with self._reading.setdefault(community_id, asyncio.Lock()):
            kept = self._facts.get(community_id)
            if kept is not None and self.clock.now() - kept[0] < FIGURES_FRESH:
                return kept[1]
            now = self.clock.now()
            # Reading and counting tens of thousands of rows makes the cyclic garbage
            # collector rescan every object the process holds, in stops of 0.3-0.4 s on
            # a busy machine that block the event loop. Objects alive now (the process's
            # own, then the facts, which hold no cycles) are left out of those scans.
            gc.freeze()
            facts = await self.access.facts(community_id)
            gc.freeze()
            if facts is None:
                self._facts.pop(community_id, None)
                return None
            self._facts[community_id] = (now, facts)
            return facts

    # --- figures ---------------------------------------------------------------------

    async def figures(self, community_id: int, *, wait: float) -> Figures | None:
        """The figures, refreshed behind the page once a minute old; the first ones are
        waited for at most `wait` seconds (None: not ready yet, or no such community)."""
        slot = self._figures.setdefault(community_id, _Slot())
        if slot.value is None or self._stale(slot, FIGURES_FRESH):
            self._start(slot, self._compute_figures(community_id, slot))
        if slot.value is None and slot.task is not None:
            await asyncio.wait({slot.task}, timeout=wait)
        value = slot.value
        return value if isinstance(value, Figures) else None

    def gone(self, community_id: int) -> bool:
        """The community was not found when last looked for (removed since the link)."""
        slot = self._figures.get(community_id)
        return slot is not None and slot.gone

    async def _compute_figures(self, community_id: int, slot: _Slot) -> None:
        now = self.clock.now()
        facts = await self._read(community_id)
        slot.gone = facts is None
        if facts is None:
            return
        # A second or two even at 10,000 members: a thread does.
        slot.value = await asyncio.to_thread(compute_figures, facts, now)
        slot.at = now

    # --- the network's shape ---------------------------------------------------------

    def warm(self, community_id: int) -> None:
        """A session opened: start on the figures and the picture now, so they are there
        when asked for."""
        figures = self._figures.setdefault(community_id, _Slot())
        if figures.value is None or self._stale(figures, FIGURES_FRESH):
            self._start(figures, self._compute_figures(community_id, figures))
        slot = self._shapes.setdefault(community_id, _Slot())
        if slot.value is None or self._stale(slot, SHAPE_FRESH):
            self._start(slot, self._compute_shape(community_id, slot))

    async def shape(self, community_id: int, *, wait: float = 0.0) -> NetworkShape | None:
        """The last shape computed (refreshed behind it when an hour old); with `wait`,
        the first one is waited for that long."""
        slot = self._shapes.setdefault(community_id, _Slot())
        if slot.value is None or self._stale(slot, SHAPE_FRESH):
            self._start(slot, self._compute_shape(community_id, slot))
        if slot.value is None and wait > 0 and slot.task is not None:
            await asyncio.wait({slot.task}, timeout=wait)
        value = slot.value
        return value if isinstance(value, NetworkShape) else None

    async def _compute_shape(self, community_id: int, slot: _Slot) -> None:
        now = self.clock.now()
        facts = await self._read(community_id)
        if facts is None:
            return
        if len(facts.members) + len(facts.connections) <= OWN_PROCESS_ABOVE:
            slot.value = await asyncio.to_thread(shape, facts, now)
        else:  # seconds of networkx: in a process, sent only what it needs
            rows, edges = compact(facts)
            slot.value = await self._elsewhere(shape_of_rows, rows, edges, now)
        slot.at = now

    # --- bookkeeping -----------------------------------------------------------------

    def _stale(self, slot: _Slot, fresh: timedelta) -> bool:
        return slot.at is None or self.clock.now() - slot.at >= fresh

    def _start(self, slot: _Slot, work: object) -> None:
        assert asyncio.iscoroutine(work)
        if slot.task is not None and not slot.task.done():
            work.close()  # one computation at a time per community
            return
        slot.task = asyncio.create_task(self._guarded(work))

    async def _guarded(self, work: object) -> None:
        assert asyncio.iscoroutine(work)
        try:
            await work
        except Exception:  # the page shows the last figures; the next view tries again
            log.exception("dashboard computation failed")

    async def close(self) -> None:
        tasks = [
            s.task
            for s in (*self._figures.values(), *self._shapes.values())
            if s.task is not None and not s.task.done()
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
