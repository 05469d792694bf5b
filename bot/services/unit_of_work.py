"""The unit of work: one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.engine import BEGIN_MODE
from bot.store.prompt_rows import Prompts
from bot.store.repositories import Communities, Connections, Members, ProcessedEvents, ThanksLog
from bot.store.search_index import SearchIndex


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, write: bool = True) -> None:
        self._sessions = sessions
        self._write = write

    async def __aenter__(self) -> UnitOfWork:
        options = {BEGIN_MODE: "IMMEDIATE"} if self._write else {}
        self.session = self._sessions()
        await self.session.connection(execution_options=options)
        self.communities = Communities(self.session)
        self.members = Members(self.session)
        self.connections = Connections(self.session)
        self.thanks = ThanksLog(self.session)
        self.index = SearchIndex(self.session)
        self.events = ProcessedEvents(self.session)
        self.prompts = Prompts(self.session)
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
