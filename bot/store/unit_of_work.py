"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed.

A database that is away (refusing, hung, restarting) surfaces as DatabaseUnavailable,
quickly: getting a connection is bounded here, each statement by the engine, and a
connection that stopped answering is dropped, not rolled back (see make_engine).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import DatabaseTimeouts
from bot.ports import DatabaseUnavailable, OutcomeUnknown
from bot.store.dashboard import Dashboard
from bot.store.engine import BEGIN_MODE, make_sessionmaker
from bot.store.faults import OutageLog, database_away
from bot.store.pairing import Pairings
from bot.store.prompt_rows import Prompts
from bot.store.repositories import (
    Communities,
    Connections,
    Imports,
    Members,
    ProcessedEvents,
    ThanksLog,
)
from bot.store.search_index import SearchIndex

# Connection attempts given up on, finishing in the background (kept: a task nobody
# references may be collected mid-way).
_abandoned: set[asyncio.Task[None]] = set()


class SqlUnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        write: bool = True,
        connect_within: float | None = None,
        outage: OutageLog | None = None,
    ) -> None:
        self._write = write
        self._connect_within = connect_within
        self._outage = outage or OutageLog()
        self.session = sessions()
        self.communities = Communities(self.session)
        self.members = Members(self.session)
        self.connections = Connections(self.session)
        self.thanks = ThanksLog(self.session)
        self.index = SearchIndex(self.session)
        self.events = ProcessedEvents(self.session)
        self.prompts = Prompts(self.session)
        self.pairing = Pairings(self.session)
        self.imports = Imports(self.session)
        self.dashboard = Dashboard(self.session)

    async def __aenter__(self) -> Self:
        try:
            if self._connect_within is None:
                await self._connect()
            else:
                await _within(self._connect_within, self._connect())
        except Exception as error:
            if not database_away(error):
                raise
            self._outage.failed(error)
            raise DatabaseUnavailable(_describe(error)) from error
        return self

    async def _connect(self) -> None:
        options = {BEGIN_MODE: "IMMEDIATE"} if self._write else {}
        try:
            await self.session.connection(execution_options=options)
        except BaseException:
            await self.session.close()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        unknown = isinstance(exc, OutcomeUnknown)
        fault = exc if exc is not None and database_away(exc) else None
        if unknown:
            assert exc is not None
            fault = exc.__cause__ or exc
        try:
            if fault is None:
                try:
                    await self.session.rollback()
                except Exception as error:
                    if not database_away(error):
                        raise
                    fault = error
            if fault is not None:  # no rollback on a connection that failed: drop it
                await self.session.invalidate()
        finally:
            await self.session.close()
        if fault is None:
            self._outage.succeeded()
            return
        self._outage.failed(fault)
        if unknown:
            return  # the OutcomeUnknown goes on as it is
        raise DatabaseUnavailable(_describe(fault)) from fault

    async def commit(self) -> None:
        # The changes go to the server first: a fault there leaves nothing saved. A fault
        # in the COMMIT itself leaves the outcome unknown (it may have been applied).
        await self.session.flush()
        try:
            await self.session.commit()
        except Exception as error:
            if not database_away(error):
                raise
            raise OutcomeUnknown(_describe(error)) from error

    async def ping(self) -> None:
        await self.session.execute(text("SELECT 1"))


class SqlUnitOfWorkFactory:
    """Opens units of work on one engine: the core's UnitOfWorkFactory.

    `timeouts`: those the engine was made with (for the bound on getting a connection)."""

    def __init__(self, engine: AsyncEngine, timeouts: DatabaseTimeouts | None = None) -> None:
        self.sessions = make_sessionmaker(engine)
        self.outage = OutageLog()
        timeouts = timeouts or DatabaseTimeouts()
        # A pooled connection is checked (pinged) before use, and a ping to a hung server
        # would wait a statement timeout; a local SQLite file does not hang, and waiting
        # there for a writer's lock is its statement timeout.
        self.connect_within = (
            None if engine.dialect.name == "sqlite" else max(timeouts.connect, timeouts.pool)
        )

    def __call__(self, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.sessions, write=write, connect_within=self.connect_within, outage=self.outage
        )


async def _within(seconds: float, work: Coroutine[Any, Any, None]) -> None:
    """Run `work`, or raise TimeoutError after `seconds` without waiting for it to wind
    down: a connection cut off mid-way says goodbye to a server that may not answer."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except BaseException:
        task.cancel()
        raise
    if task in done:
        task.result()
        return
    task.cancel()
    _abandoned.add(task)
    task.add_done_callback(_forget)
    raise TimeoutError(f"no database connection within {seconds:g} s")


def _forget(task: asyncio.Task[None]) -> None:
    _abandoned.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: its failure was already reported as the timeout


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]
