"""The composition root: builds the core with its dependencies, nothing at import time.

Order matters, and nothing is patched in afterwards: the platforms' adapters are built
first (the core delivers through their messengers), then the prompt scheduler (the core
nudges it when a prompt falls due at once), then the core; `Runtime.start_adapters`
hands each adapter the core it feeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.ports import Clock, Messenger, SystemClock
from bot.prompts.dispatcher import Dispatcher
from bot.prompts.scheduler import PromptScheduler
from bot.services.app import Networker
from bot.services.topic_relations import CHECK_INTERVAL_S, relearn_due
from bot.store.engine import make_engine
from bot.store.migrate import upgrade_async
from bot.store.unit_of_work import SqlUnitOfWorkFactory


class PlatformAdapter(Protocol):
    """One platform's side of a process: its messenger, and its listeners."""

    @property
    def name(self) -> str:
        """The platform, as communities and messengers are keyed."""
        ...

    @property
    def messenger(self) -> Messenger: ...

    async def start(self, core: Networker, *, listen: bool) -> None:
        """Connect to the platform for `core`; `listen` also receives its commands and
        events (without it: send only, as `networker dispatch` does)."""
        ...

    async def stop(self) -> None:
        """Finish the work under way and disconnect."""
        ...


class AdapterFactory(Protocol):
    """Declared by each adapter module. `engine`: for an adapter that keeps its library's
    own records in our database (Slack's OAuth installations)."""

    def __call__(self, settings: Settings, engine: AsyncEngine, /) -> PlatformAdapter: ...


@dataclass
class Runtime:
    app: Networker
    engine: AsyncEngine
    dispatcher: Dispatcher
    scheduler: PromptScheduler
    adapters: tuple[PlatformAdapter, ...] = ()
    _started: list[PlatformAdapter] = field(default_factory=list, init=False, repr=False)

    async def start_adapters(self, *, listen: bool = True) -> None:
        for adapter in self.adapters:
            self._started.append(adapter)  # stopped on close, also if it fails half-way
            await adapter.start(self.app, listen=listen)

    def start_prompts(self) -> None:
        """Send due prompts on an interval from now on (every bot process does)."""
        self.scheduler.start()

    async def close(self) -> None:
        # The dispatch pass under way finishes first, while the adapters can still send.
        await self.scheduler.stop()
        while self._started:
            await self._started.pop().stop()
        await self.engine.dispose()


async def bootstrap(
    settings: Settings,
    adapters: Sequence[AdapterFactory] = (),
    *,
    clock: Clock | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    migrate: bool = True,
) -> Runtime:
    """`adapters`: the platforms this process serves. `messengers`: those of platforms
    the caller drives itself (the console, tests)."""
    if migrate:
        await upgrade_async(settings.database_url)
    engine = make_engine(settings.database_url, settings.database_timeouts)
    built = tuple(factory(settings, engine) for factory in adapters)
    every = {**(messengers or {}), **{adapter.name: adapter.messenger for adapter in built}}
    units = SqlUnitOfWorkFactory(engine, settings.database_timeouts)
    clock = clock or SystemClock()
    dispatcher = Dispatcher(units, clock, settings, every)
    relearn = partial(_relearn_topics, units, clock)
    scheduler = PromptScheduler(dispatcher, settings.prompt_interval, [(CHECK_INTERVAL_S, relearn)])
    app = Networker(units, clock, settings, every, prompts_due=scheduler.kick)
    return Runtime(app, engine, dispatcher, scheduler, built)


async def _relearn_topics(units: SqlUnitOfWorkFactory, clock: Clock) -> None:
    await relearn_due(units, clock.now())
