"""Weekly giver digests: how fast a Monday's digests render and go out.

Seeded straight into the migrated schema (SQLAlchemy Core, bulk): one community, M
members each listing 3 of 20 topics, A help requests about those topics spread over the
last five weeks (a mix of declined, expired, connected and pending; one in ten marked
visible by its asker), and one giver digest per member due now for this week. One
dispatcher then sends them all: each digest reads the member's topics, the week's asks
before its planned time, and the names of the askers who chose to be seen.

    python benchmarks/giver_digest.py                       # SQLite
    NETWORKER_BENCH_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \\
        python benchmarks/giver_digest.py                   # + PostgreSQL
    python benchmarks/giver_digest.py --members 2000 --asks 20000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.prompts import CountingMessenger, _admin, fresh_database
from bot.config import Settings
from bot.ports import SystemClock
from bot.prompts.dispatcher import Dispatcher
from bot.store.engine import make_engine
from bot.store.tables import communities, connections, member_topics, members, prompts
from bot.store.unit_of_work import SqlUnitOfWorkFactory

TOPICS = [f"topic{i}" for i in range(20)]
STATES = ("declined", "expired", "connected", "pending")
CHUNK = 5000


async def seed(url: str, people: int, asks: int, now: datetime) -> None:
    rng = random.Random(11)
    monday = now.date() - timedelta(days=now.weekday())
    engine = make_engine(url)
    async with engine.begin() as conn:
        community_id = (
            await conn.execute(
                insert(communities)
                .values(
                    platform="bench",
                    external_id="B1",
                    name="Bench",
                    settings={"dm_daily_cap": 1000},
                    created_at=now,
                    active=True,
                )
                .returning(communities.c.id)
            )
        ).scalar_one()
        rows = [
            {
                "community_id": community_id,
                "platform_user_id": f"U{i}",
                "display_name": f"member{i}",
                "skills": {},
                "capacity": 4,
                "contact_window": "daily 00:00-00:00",
                "created_at": now,
            }
            for i in range(people)
        ]
        await _insert(conn, members, rows)
        ids = list(await conn.scalars(select(members.c.id).order_by(members.c.id)))
        knows = {m: rng.sample(TOPICS, 3) for m in ids}
        await _insert(
            conn,
            member_topics,
            [
                {
                    "member_id": m,
                    "topic": t,
                    "community_id": community_id,
                    "level": 2,
                    "evidence": 0,
                    "score": 20,
                    "listed": True,
                    "last_request_at": now - timedelta(days=400),
                }
                for m, topics in knows.items()
                for t in topics
            ],
        )
        ask_rows = []
        for _ in range(asks):
            asker, helper = rng.sample(ids, 2)
            made = now - timedelta(minutes=rng.randrange(35 * 24 * 60))
            ask_rows.append(
                {
                    "community_id": community_id,
                    "kind": "request",
                    "initiator_id": asker,
                    "party_a_id": asker,
                    "party_b_id": helper,
                    "pair_low": min(asker, helper),
                    "pair_high": max(asker, helper),
                    "reason": "a specific need, in the asker's words",
                    "topic": rng.choice(knows[helper]),
                    "state": rng.choice(STATES),
                    "consent_a": "accepted",
                    "consent_b": "pending",
                    "visible": rng.random() < 0.1,
                    "created_at": made,
                    "updated_at": made,
                }
            )
        # Open (pending) requests are one per pair: keep the first of each pair only.
        seen: set[tuple[int, int]] = set()
        unique = []
        for row in ask_rows:
            pair = (row["pair_low"], row["pair_high"])
            if row["state"] == "pending" and pair in seen:
                row["state"] = "declined"
            seen.add(pair)
            unique.append(row)
        await _insert(conn, connections, unique)
        await _insert(
            conn,
            prompts,
            [
                {
                    "community_id": community_id,
                    "recipient_id": m,
                    "kind": "giver_digest",
                    "due_at": now - timedelta(minutes=1),
                    "payload": {"week": monday.isoformat()},
                    "state": "pending",
                    "attempts": 0,
                    "dedupe_key": f"giver:{m}:bench",
                    "created_at": now,
                }
                for m in ids
            ],
        )
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))
    await engine.dispose()


async def _insert(conn: object, table: object, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(table), rows[start : start + CHUNK])  # type: ignore[attr-defined]


async def dispatch(url: str) -> dict[str, float]:
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(url)
    messenger = CountingMessenger()
    dispatcher = Dispatcher(
        SqlUnitOfWorkFactory(engine), SystemClock(), settings, {"bench": messenger}
    )
    started = time.perf_counter()
    while (await dispatcher.run_due()).claimed:
        pass
    seconds = time.perf_counter() - started
    async with engine.connect() as conn:
        skipped = await conn.scalar(
            select(func.count())
            .select_from(prompts)
            .where(prompts.c.kind == "giver_digest", prompts.c.state == "cancelled")
        )
    await engine.dispose()
    return {"sent": len(messenger.keys), "skipped": int(skipped or 0), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--asks", type=int, default=20000)
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgres"] if os.environ.get("NETWORKER_BENCH_POSTGRES_URL") else [])
    print(f"giver digests: {args.members} members, {args.asks} asks over five weeks")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            url, dropped = fresh_database(backend, tmp)
            try:
                asyncio.run(seed(url, args.members, args.asks, datetime.now(UTC)))
                found = asyncio.run(dispatch(url))
                rate = args.members / found["seconds"]
                print(
                    f"{backend:9} {found['sent']:6} sent, {found['skipped']:5} skipped "
                    f"(nothing that week)  {found['seconds']:6.2f} s  {rate:7.0f} digests/s"
                )
            finally:
                if dropped:
                    admin = os.environ["NETWORKER_BENCH_POSTGRES_URL"]
                    asyncio.run(_admin(admin, f'DROP DATABASE "{dropped}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
