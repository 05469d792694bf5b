"""The composition root: builds the core with its dependencies, nothing at import time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.ports import Clock, Messenger, SystemClock
from bot.prompts.dispatcher import Dispatcher
from bot.prompts.scheduler import PromptScheduler
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.migrate import upgrade_async
from bot.store.unit_of_work import SqlUnitOfWorkFactory


@dataclass
class Runtime:
    app: Networker
    engine: AsyncEngine
    dispatcher: Dispatcher
    scheduler: PromptScheduler | None = None

    def start_prompts(self) -> None:
        """Send due prompts on an interval from now on (every bot process does)."""
        self.scheduler = PromptScheduler(self.dispatcher, self.app.config.prompt_interval)
        self.scheduler.start()
        self.app.prompts_due = self.scheduler.kick

    async def close(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.engine.dispose()


async def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    messengers: dict[str, Messenger] | None = None,
    migrate: bool = True,
) -> Runtime:
    if migrate:
        await upgrade_async(settings.database_url)
    engine = make_engine(settings.database_url)
    app = Networker(SqlUnitOfWorkFactory(engine), clock or SystemClock(), settings, messengers)
    # The dispatcher shares the app's messengers: adapters add theirs as they start.
    dispatcher = Dispatcher(app.units, app.clock, settings, app.messengers)
    return Runtime(app, engine, dispatcher)
