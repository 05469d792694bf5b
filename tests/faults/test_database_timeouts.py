"""Timeouts on both backends: a SQLite writer holding the lock too long, a PostgreSQL
statement that runs too long, a server that never answers a connection. Each fails the
command quickly with the clear answer, and the next command works."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.config import DatabaseTimeouts, Settings
from bot.ports import DatabaseUnavailable
from bot.services import commands as c
from bot.services.app import DATABASE_AWAY, Networker
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.fakes import FakeClock

TIMEOUTS = DatabaseTimeouts(connect=0.5, statement=0.5, pool=0.5)
ANA = c.Actor("test", "T1", c.MemberRef("U-ana", "Ana"))


def test_the_settings_defaults_are_the_engines() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_timeouts == DatabaseTimeouts()


@asynccontextmanager
async def core_on(url: str, clock: FakeClock, config: Settings) -> AsyncIterator[Networker]:
    """A core on `url` with the short timeouts, and a registered community."""
    engine = make_engine(url, TIMEOUTS)
    try:
        core = Networker(SqlUnitOfWorkFactory(engine, TIMEOUTS), clock, config)
        await core.register_community("test", "T1", "Test Association")
        yield core
    finally:
        await engine.dispose()


async def saved(core: Networker, profile: str) -> bool:
    answer = await core.handle(ANA, c.EditProfile(text=profile))
    return answer is not None and answer.ok


async def test_a_sqlite_writer_holding_the_lock_too_long_fails_writes_quickly_not_reads(
    sqlite_template: Path,
    tmp_path: Path,
    clock: FakeClock,
    config: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "networker.db"
    shutil.copy(sqlite_template, path)
    caplog.set_level(logging.INFO)
    async with core_on(f"sqlite+aiosqlite:///{path}", clock, config) as core:
        await locked_out(core, path)
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("database unavailable; members are asked to try again") == 1
    assert "database back after 1 failed attempt" in messages
    assert not [r for r in caplog.records if r.exc_info]


async def locked_out(core: Networker, path: Path) -> None:
    assert await saved(core, 'bio="Before"')
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    try:
        started = time.monotonic()
        answer = await core.handle(ANA, c.EditProfile(text='bio="During"'))
        assert answer is DATABASE_AWAY
        assert time.monotonic() - started < 2.0  # the statement timeout: 0.5 s
        found = await core.handle(ANA, c.WhoKnows("kubernetes"))  # WAL: reads go on
        assert found is not None and found.ok
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await saved(core, 'bio="After"')


@pytest.mark.postgres
async def test_a_postgres_statement_running_too_long_is_stopped_on_both_sides(
    postgres_database: str, clock: FakeClock, config: Settings
) -> None:
    async with core_on(postgres_database, clock, config) as core:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            async with core.units() as uow:
                await uow.session.execute(text("SELECT pg_sleep(5), 'networker-slow'"))
        assert time.monotonic() - started < 1.5

        assert await core.healthy()  # the pool carries on
        assert await still_running(postgres_database, "networker-slow", within=2.0) is False


async def still_running(url: str, marker: str, *, within: float) -> bool:
    """Whether the server still runs a statement containing `marker` after `within` s."""
    engine = make_engine(url)
    try:
        deadline = time.monotonic() + within
        while True:
            async with engine.connect() as conn:
                running = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE query LIKE :m AND query NOT LIKE '%pg_stat_activity%'"
                    ),
                    {"m": f"%{marker}%"},
                )
            if not running or time.monotonic() > deadline:
                return bool(running)
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def test_a_server_that_accepts_and_never_answers_fails_fast(
    clock: FakeClock, config: Settings
) -> None:
    done = asyncio.Event()

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await done.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql+asyncpg://networker@127.0.0.1:{port}/none", TIMEOUTS)
    core = Networker(SqlUnitOfWorkFactory(engine, TIMEOUTS), clock, config)
    try:
        started = time.monotonic()
        outcome = await core.execute(ANA, c.Me())
        assert outcome.reply is DATABASE_AWAY
        assert time.monotonic() - started < 1.5  # the connect timeout: 0.5 s
        assert await core.healthy() is False
    finally:
        done.set()
        await engine.dispose()
        server.close()


async def test_a_bug_is_not_taken_for_an_outage(
    sqlite_template: Path, tmp_path: Path, clock: FakeClock, config: Settings
) -> None:
    """A schema out of date, or a broken query, keeps its own error (and traceback)."""
    path = tmp_path / "networker.db"
    shutil.copy(sqlite_template, path)
    async with core_on(f"sqlite+aiosqlite:///{path}", clock, config) as core:
        with pytest.raises(OperationalError, match="no such table"):
            async with core.units() as uow:
                await uow.session.execute(text("SELECT * FROM no_such_table"))
        assert await core.healthy()
