"""Builds both labelled communities in a migrated database and returns the app over it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.search_quality.communities import NOW, load_demo, load_synthetic

SIZE = 10_000


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def build(url: str, size: int = SIZE) -> tuple[Networker, AsyncEngine]:
    """`url`: an empty, migrated database."""
    engine = make_engine(url)
    units = SqlUnitOfWorkFactory(engine)
    app = Networker(units, FixedClock(), Settings(_env_file=None))  # type: ignore[call-arg]
    await load_demo(app)
    await load_synthetic(app, engine, size)
    await relearn(app)
    return app, engine


async def relearn(app: Networker) -> None:
    """Learn topic relations from the communities now, as the periodic job would."""
    from bot.services.caches import Caches

    try:
        from bot.services.topic_relations import relearn_due
    except ImportError:  # before related topics existed
        return
    await relearn_due(app.units, NOW, force=True)
    app.caches = Caches()  # what other processes see once their vocabulary expires
