"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.engine import BEGIN_MODE, make_sessionmaker
from bot.store.prompt_rows import Prompts
from bot.store.repositories import Communities, Connections, Members, ProcessedEvents, ThanksLog
from bot.store.search_index import SearchIndex


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, write: bool = True) -> None:
        self._write = write
        self.session = sessions()
        self.communities = Communities(self.session)
        self.members = Members(self.session)
        self.connections = Connections(self.session)
        self.thanks = ThanksLog(self.session)
        self.index = SearchIndex(self.session)
        self.events = ProcessedEvents(self.session)
        self.prompts = Prompts(self.session)

    async def __aenter__(self) -> Self:
        options = {BEGIN_MODE: "IMMEDIATE"} if self._write else {}
        try:
            await self.session.connection(execution_options=options)
        except BaseException:
            await self.session.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def ping(self) -> None:
        await self.session.execute(text("SELECT 1"))


class SqlUnitOfWorkFactory:
    """Opens units of work on one engine: the core's UnitOfWorkFactory."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sessions = make_sessionmaker(engine)

    def __call__(self, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, write=write)
