"""The test database as each test starts with it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.engine import make_engine
from bot.store.tables import metadata


async def fresh_engine(db_url: str, *, also: Iterable[str] = ()) -> AsyncEngine:
    """An engine on `db_url`, emptied first on PostgreSQL, where one scratch database
    serves the whole session (each SQLite test has a copy of its own). `also`: tables
    outside our metadata to empty too."""
    engine = make_engine(db_url)
    if db_url.startswith("postgresql"):
        async with engine.begin() as conn:
            tables = ", ".join([*(t.name for t in metadata.sorted_tables), *also])
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine
