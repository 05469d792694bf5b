"""Engine and session factory. Nothing is created at import time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from bot.config import DatabaseTimeouts
from bot.store.tables import map_domain

BEGIN_MODE = "networker_begin"  # execution option: "IMMEDIATE" for SQLite write transactions
# Without a statement timeout (migrations), SQLite still gives up on a lock eventually.
SQLITE_LONGEST_WAIT = 60.0


def make_engine(url: str, timeouts: DatabaseTimeouts | None = None, **kwargs: Any) -> AsyncEngine:
    """`timeouts`: the defaults of bot.config unless given (bootstrap passes the settings')."""
    map_domain()
    timeouts = timeouts or DatabaseTimeouts()
    if url.startswith("sqlite"):
        return _sqlite_engine(url, timeouts, **kwargs)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)  # a restarted database is noticed at once
    kwargs.setdefault("pool_timeout", timeouts.pool)
    # Client-side, so they hold when the server or the network stops answering; and the
    # server's own statement_timeout, so it stops a slow statement we gave up on.
    connect_args: dict[str, Any] = {
        "timeout": timeouts.connect,
        "command_timeout": timeouts.statement,
    }
    if timeouts.statement is not None:
        ms = str(round(timeouts.statement * 1000))
        connect_args["server_settings"] = {"statement_timeout": ms}
    kwargs["connect_args"] = {**connect_args, **kwargs.get("connect_args", {})}
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # No answer in time, or a broken connection: it is of no further use, and the
        # rollback SQLAlchemy would send first (and its polite goodbye) would wait on it
        # again. Cut it now; the server rolls back on its own. Other connections are
        # checked before their next use, so the pool as a whole is kept.
        connection = context.connection
        if connection is None or connection.invalidated:
            return
        if not isinstance(context.original_exception, OSError):
            return
        context.is_disconnect = True
        context.invalidate_pool_on_disconnect = False
        driver = connection.connection.driver_connection
        if driver is not None:
            driver.terminate()

    return engine


def _sqlite_engine(url: str, timeouts: DatabaseTimeouts, **kwargs: Any) -> AsyncEngine:
    if ":memory:" in url or url.rstrip("/").endswith("sqlite+aiosqlite:"):
        kwargs.setdefault("poolclass", StaticPool)
    else:
        kwargs.setdefault("pool_timeout", timeouts.pool)
    # A local file does not hang; what keeps a statement waiting is another writer's lock.
    busy_ms = round((timeouts.statement or SQLITE_LONGEST_WAIT) * 1000)
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves, so writes can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # BEGIN IMMEDIATE for writes: a read-then-write transaction otherwise fails with
        # "database is locked" when another writer got there first.
        mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
