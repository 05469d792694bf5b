"""Member import: rows per second for a 50,000-row member list, excluding the platform's
look-ups (which Slack paces by its rate limits, not by us).

    .venv/bin/python benchmarks/import.py [--rows 50000]
    NETWORKER_BENCH_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/import.py

Each run imports the file into a fresh database twice: first every member is new (a
member row, an import record and a consent prompt each), then a changed file updates
every row. Reading and checking the file counts; finding members (an in-memory double
answering at once) is timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.domain.member_import import Identity
from bot.ports import SystemClock
from bot.services.app import Networker
from bot.services.commands import MemberRef
from bot.services.member_import import Summary, import_members
from bot.store.engine import make_engine
from bot.store.migrate import upgrade
from bot.store.unit_of_work import SqlUnitOfWorkFactory


class Directory:
    """The platform double: everyone on the list exists, found at once."""

    async def find(self, who: Identity) -> list[MemberRef]:
        name = who.email.partition("@")[0]
        return [MemberRef(f"U{name}", name)]


def member_list(rows: int, edition: int) -> bytes:
    lines = ["email;name;skills;can help with;chapter;time zone;contact window;bio"]
    zones = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")
    for i in range(rows):
        lines.append(
            f'm{i}@example.org;Member {i};"python:expert, topic{i % 500}:learning";'
            f"grant writing and mentoring;Chapter {i % 40 + edition};{zones[i % 4]};"
            f'weekdays 09:00-17:00;"Bio {i}, edition {edition}"'
        )
    return ("\r\n".join(lines) + "\r\n").encode()


async def run(url: str, rows: int) -> list[tuple[str, Summary, float]]:
    engine = make_engine(url)
    units = SqlUnitOfWorkFactory(engine)
    config = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    clock = SystemClock()
    app = Networker(units, clock, config)
    await app.register_community("slack", "T1", "Bench")
    results = []
    for label, edition in (("first import (all new)", 0), ("re-import (all updated)", 1)):
        data = member_list(rows, edition)
        cpu = time.process_time()
        summary = await import_members(units, "slack", "T1", data, Directory(), clock.now, config)
        results.append((label, summary, time.process_time() - cpu))
    await engine.dispose()
    return results


async def _admin(admin_url: str, sql: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


def report(backend: str, results: list[tuple[str, Summary, float]]) -> None:
    """Wall-clock rows/s without the look-ups, and rows per second of this process's CPU
    (look-ups included, so a lower bound): on a shared machine the second says what the
    code costs, the first what the machine gave it."""
    for label, s, cpu in results:
        seconds = s.seconds_reading + s.seconds_applying
        print(
            f"{backend:<10} {label:<24} {s.rows:>7,} rows  read {s.seconds_reading:6.2f} s  "
            f"apply {s.seconds_applying:6.2f} s  → {s.rows / seconds:7,.0f} rows/s wall, "
            f"{s.rows / cpu:7,.0f} rows/s of CPU "
            f"(look-ups {s.seconds_finding:5.2f} s apart; new {s.new:,}, updated {s.updated:,})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/import.db"
        upgrade(url)
        report("SQLite", asyncio.run(run(url, args.rows)))
    admin = os.environ.get("NETWORKER_BENCH_POSTGRES_URL")
    if admin:
        name = f"bench_import_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
        try:
            url = admin.rsplit("/", 1)[0] + f"/{name}"
            upgrade(url)
            report("PostgreSQL", asyncio.run(run(url, args.rows)))
        finally:
            asyncio.run(_admin(admin, f'DROP DATABASE "{name}"'))


if __name__ == "__main__":
    main()
