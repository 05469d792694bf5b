"""Prompt dispatch throughput: N due prompts, one or more dispatcher processes.

The prompts are seeded straight into the migrated schema (SQLAlchemy Core, bulk): one
community, N/2 members with an all-day contact window, N intro connections and one due
`loop_closing` prompt per connection (it renders from the connection and its two
parties). Each dispatcher runs in a process of its own and sends to an in-process
messenger that answers at once and records the delivery key of every send; when the
rows run out it writes its keys to a file, and the parent merges them: every prompt
sent, none twice. Timed: from the moment all workers are told to start (after their
imports and first connection) to the last one's end.

Then the time to create prompts from core events: `Planner.consent_requested` for
intros (two reminders and an expiry each), one event per transaction as a use case
does it.

    python benchmarks/prompts.py                          # SQLite, 1 process
    NETWORKER_BENCH_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \\
        python benchmarks/prompts.py                      # + PostgreSQL, 1 and 3 processes
    python benchmarks/prompts.py --prompts 20000 --setups sqlite:1,postgres:3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.domain.connections import Connection
from bot.domain.members import Community
from bot.messages import ChannelPost, DirectMessage, GroupConversation
from bot.ports import Receipt, SystemClock
from bot.prompts.dispatcher import Dispatcher
from bot.services.prompt_planning import Planner
from bot.store.engine import make_engine
from bot.store.migrate import upgrade
from bot.store.tables import communities, connections, members, prompts
from bot.store.unit_of_work import SqlUnitOfWorkFactory

CHUNK = 5000
USER_BASE = 300_000_000_000_000_000  # Discord-like numeric user ids
GUILD = "400000000000000001"


# --- seeding (also used by tests/integration/test_prompt_workers.py) -----------------------


async def seed(url: str, count: int, *, platform: str, now: datetime | None = None) -> int:
    """`count` due loop_closing prompts on `platform`; returns the community's id."""
    now = now or datetime.now(UTC)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            community_id = (
                await conn.execute(
                    insert(communities)
                    .values(
                        platform=platform,
                        external_id=GUILD,
                        name="Bench Association",
                        settings={"dm_daily_cap": 1000},  # the cap is not what is measured
                        created_at=now,
                        active=True,
                    )
                    .returning(communities.c.id)
                )
            ).scalar_one()
            people = max(3, count // 2)
            member_rows = [
                {
                    "community_id": community_id,
                    "platform_user_id": str(USER_BASE + i),
                    "display_name": f"member{i}",
                    "skills": {},
                    "capacity": 4,
                    "contact_window": "daily 00:00-00:00",
                    "created_at": now,
                }
                for i in range(people)
            ]
            await _insert(conn, members, member_rows)
            ids = list(
                await conn.scalars(
                    select(members.c.id)
                    .where(members.c.community_id == community_id)
                    .order_by(members.c.id)
                )
            )
            conn_rows = []
            for i in range(count):
                initiator, a, b = ids[i % people], ids[(i + 1) % people], ids[(i + 2) % people]
                conn_rows.append(
                    {
                        "community_id": community_id,
                        "kind": "intro",
                        "initiator_id": initiator,
                        "party_a_id": a,
                        "party_b_id": b,
                        "pair_low": min(a, b),
                        "pair_high": max(a, b),
                        "reason": "both run community meetups",
                        "state": "connected",
                        "consent_a": "accepted",
                        "consent_b": "accepted",
                        "created_at": now - timedelta(days=5),
                        "updated_at": now - timedelta(days=4),
                        "connected_at": now - timedelta(days=4),
                        "outcome": "helpful",
                    }
                )
            await _insert(conn, connections, conn_rows)
            conns = await conn.execute(
                select(connections.c.id, connections.c.initiator_id)
                .where(connections.c.community_id == community_id)
                .order_by(connections.c.id)
            )
            due = now - timedelta(minutes=1)
            prompt_rows = [
                {
                    "community_id": community_id,
                    "recipient_id": initiator,
                    "kind": "loop_closing",
                    "subject_id": conn_id,
                    "due_at": due,
                    "payload": {"outcome": "helpful"},
                    "state": "pending",
                    "attempts": 0,
                    "dedupe_key": f"loop:{conn_id}",
                    "created_at": now,
                }
                for conn_id, initiator in conns
            ]
            await _insert(conn, prompts, prompt_rows)
        if engine.dialect.name == "postgresql":  # statistics, as a live table has them
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("ANALYZE"))
        return int(community_id)
    finally:
        await engine.dispose()


async def _insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(table), rows[start : start + CHUNK])


# --- a worker process -----------------------------------------------------------------------


class CountingMessenger:
    """Answers at once with a receipt like a platform's (the dispatcher saves it on the
    row); remembers the delivery key of every DM."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    async def send_dm(self, community: str, dm: DirectMessage) -> Receipt:
        self.keys.append(dm.key or "")
        return {"channel": f"D{dm.recipient}", "message": str(len(self.keys))}

    async def open_group(self, community: str, group: GroupConversation) -> None:
        raise AssertionError("no groups in this benchmark")

    async def post(self, community: str, post: ChannelPost) -> None:
        raise AssertionError("no posts in this benchmark")


async def worker(url: str, batch: int) -> list[str]:
    """Sends until no row is left to claim; returns the delivery keys it sent."""
    settings = Settings(database_url=url, prompt_batch=batch, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(url)
    messenger = CountingMessenger()
    dispatcher = Dispatcher(
        SqlUnitOfWorkFactory(engine), SystemClock(), settings, {"bench": messenger}
    )
    async with engine.connect() as conn:  # connected before the start signal
        await conn.execute(text("SELECT 1"))
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    outcomes: Counter[str] = Counter()
    while True:
        report = await dispatcher.run_due()
        outcomes.update(report.outcomes)
        if report.claimed == 0:
            break
    ended = time.perf_counter()
    await engine.dispose()
    print(json.dumps({"start": started, "end": ended, "outcomes": outcomes}), flush=True)
    return messenger.keys


# --- the parent ------------------------------------------------------------------------------


def run_dispatch(url: str, processes: int, batch: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        outs = [os.path.join(tmp, f"keys{i}.txt") for i in range(processes)]
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", url, "--batch", str(batch), "--out", out],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for out in outs
        ]
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:  # go
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            assert proc.stdout is not None
            results.append(json.loads(proc.stdout.readline()))
            if proc.wait() != 0:
                raise SystemExit("a worker failed")
        keys: Counter[str] = Counter()
        per_worker = []
        for out in outs:
            sent = [k for k in Path(out).read_text().splitlines() if k]
            per_worker.append(len(sent))
            keys.update(sent)
    seconds = max(r["end"] for r in results) - min(r["start"] for r in results)
    return {
        "seconds": seconds,
        "sent": sum(keys.values()),
        "distinct": len(keys),
        "duplicates": sum(n - 1 for n in keys.values() if n > 1),
        "per_worker": per_worker,
    }


async def count_sent(url: str) -> int:
    """Rows recorded as sent, each with the receipt its send returned."""
    engine = make_engine(url)
    async with engine.connect() as conn:
        found = await conn.scalar(
            select(func.count())
            .select_from(prompts)
            .where(prompts.c.state == "sent", prompts.c.receipt.is_not(None))
        )
    await engine.dispose()
    return int(found or 0)


async def creation(url: str, community_id: int, events: int) -> dict[str, float]:
    """Prompts planned from `consent_requested`, one intro per transaction."""
    engine = make_engine(url)
    units = SqlUnitOfWorkFactory(engine)
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    connections.c.id,
                    connections.c.initiator_id,
                    connections.c.party_a_id,
                    connections.c.party_b_id,
                )
                .where(connections.c.community_id == community_id)
                .order_by(connections.c.id)
                .limit(events)
            )
        ).all()
        community_row = (
            await conn.execute(select(communities).where(communities.c.id == community_id))
        ).one()
    community = Community(
        platform=community_row.platform,
        external_id=community_row.external_id,
        name=community_row.name,
        settings=dict(community_row.settings),
        id=community_id,
    )
    now = datetime.now(UTC)
    started = time.perf_counter()
    for conn_id, initiator, a, b in rows:
        intro = Connection(community_id, "intro", initiator, a, b, "", id=conn_id, created_at=now)
        async with units() as uow:
            await Planner(uow, community, settings, now).consent_requested(intro)
            await uow.commit()
    seconds = time.perf_counter() - started
    async with engine.connect() as conn:
        made = await conn.scalar(
            select(func.count())
            .select_from(prompts)
            .where(prompts.c.kind.in_(["consent_reminder", "consent_expiry"]))
        )
    await engine.dispose()
    return {"events": len(rows), "prompts": int(made or 0), "seconds": seconds}


def fresh_database(backend: str, tmp: str) -> tuple[str, str | None]:
    """(url, PostgreSQL database to drop afterwards)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp}/prompts-{uuid.uuid4().hex[:6]}.db"
        upgrade(url)
        return url, None
    admin = os.environ["NETWORKER_BENCH_POSTGRES_URL"]
    name = f"bench_prompts_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    return url, name


async def _admin(admin_url: str, sql: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=Settings.model_fields["prompt_batch"].default)
    parser.add_argument("--events", type=int, default=5000, help="intros for the creation test")
    parser.add_argument("--setups", help="e.g. sqlite:1,postgres:1,postgres:3")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        keys = asyncio.run(worker(args.worker, args.batch))
        Path(args.out).write_text("\n".join(keys))
        return
    if args.setups:
        setups = [(b, int(n)) for b, n in (s.split(":") for s in args.setups.split(","))]
    else:
        setups = [("sqlite", 1)]
        if os.environ.get("NETWORKER_BENCH_POSTGRES_URL"):
            setups += [("postgres", 1), ("postgres", 3)]
    print(f"{args.prompts:,} due prompts, batch {args.batch}")
    with tempfile.TemporaryDirectory() as tmp:
        for backend, processes in setups:
            url, pg_name = fresh_database(backend, tmp)
            try:
                started = time.perf_counter()
                community_id = asyncio.run(seed(url, args.prompts, platform="bench"))
                seeded = time.perf_counter() - started
                result = run_dispatch(url, processes, args.batch)
                in_db = asyncio.run(count_sent(url))
                rate = result["sent"] / result["seconds"]
                print(
                    f"{backend:10} {processes} process(es): {rate:7,.0f} prompts/s "
                    f"({result['sent']:,} sends in {result['seconds']:.1f} s; "
                    f"per worker {result['per_worker']}); distinct keys {result['distinct']:,}, "
                    f"duplicates {result['duplicates']}, rows sent with receipt {in_db:,} "
                    f"(seeded in {seeded:.1f} s)",
                    flush=True,
                )
                if result["duplicates"] or in_db != args.prompts:
                    print("  ^ NOT every prompt sent exactly once", flush=True)
                if processes == 1:
                    made = asyncio.run(creation(url, community_id, args.events))
                    per_event = made["seconds"] / made["events"] * 1000
                    print(
                        f"{backend:10} creation: {made['events']:,} intros, one transaction "
                        f"each -> {made['prompts']:,} prompts in {made['seconds']:.1f} s "
                        f"({per_event:.2f} ms per event, "
                        f"{made['prompts'] / made['seconds']:,.0f} prompts/s)",
                        flush=True,
                    )
            finally:
                if pg_name:
                    admin = os.environ["NETWORKER_BENCH_POSTGRES_URL"]
                    asyncio.run(_admin(admin, f'DROP DATABASE "{pg_name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
