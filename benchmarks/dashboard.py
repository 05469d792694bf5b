"""The organiser dashboard at 10,000 members and 50,000 connections: page latency and the
background computation.

A synthetic community: members in six time-zone regions (the dashboard's groups), 90 %
with a profile (three topics each out of 300), 50,000 sent intros and help requests over
the last 26 weeks (most connected, clustered so that most ties stay in a region), 10,000
thank-yous and 30,000 prompts. Timed:

- background: reading the facts, computing the figures (overview, trends, topics) and
  the network's shape (networkx measures and layout), as the dashboard does in a thread;
- pages: each dashboard URL through the real aiohttp server on a loopback port, with a
  signed-in session, after the figures and the shape are cached (as every page but the
  first of a session finds them).

    python benchmarks/dashboard.py                         # SQLite
    python benchmarks/dashboard.py --members 10000 --connections 50000 --runs 30
    NETWORKER_BENCH_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \\
        python benchmarks/dashboard.py --backends sqlite postgres
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.web.pages import CACHE_KEY
from adapters.web.server import build_app
from bot.config import Settings
from bot.domain.dashboard import compute_figures
from bot.domain.network import compact, shape, shape_of_rows
from bot.services.app import Networker
from bot.services.commands import Actor, Dashboard, MemberRef
from bot.services.dashboard import DashboardAccess
from bot.store.engine import make_engine
from bot.store.migrate import upgrade
from bot.store.tables import (
    communities,
    connections,
    member_topics,
    members,
    prompts,
    thanks,
)
from bot.store.unit_of_work import SqlUnitOfWorkFactory

NOW = datetime(2026, 11, 30, 14, 7, tzinfo=UTC)
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Africa/Lagos",
    "Australia/Sydney",
    "Pacific/Auckland",
)
TOPICS = [f"topic {i}" for i in range(300)]
PAGES = (
    "overview",
    "trends",
    "topics",
    "network",
    "csv/overview.csv",
    "csv/trends.csv",
    "network.svg",
)


class Clock:
    def now(self) -> datetime:
        return NOW


async def seed(url: str, n_members: int, n_connections: int, seed_: int = 15) -> None:
    rng = random.Random(seed_)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            insert(communities).values(
                id=1,
                platform="console",
                external_id="bench",
                name="Benchmark Association",
                settings={},
                created_at=NOW - timedelta(days=400),
                active=True,
            )
        )
        rows = []
        zone_of = {}
        for i in range(1, n_members + 1):
            zone = ZONES[rng.randrange(len(ZONES))] if rng.random() < 0.95 else None
            zone_of[i] = zone
            rows.append(
                {
                    "id": i,
                    "community_id": 1,
                    "platform_user_id": f"U{i}",
                    "display_name": f"member {i}",
                    "capacity": 4,
                    "timezone": zone,
                    "discoverable": rng.random() < 0.9,
                    "is_organiser": i == 1,
                    "created_at": NOW - timedelta(days=rng.randrange(1, 400)),
                    "unreachable": "dms_closed" if rng.random() < 0.01 else None,
                    "skills": {},
                    "prompts_off": [],
                }
            )
        for start in range(0, len(rows), 2000):
            await conn.execute(insert(members), rows[start : start + 2000])
        topic_rows = []
        for i in range(1, n_members + 1):
            if rng.random() < 0.9:
                for topic in rng.sample(TOPICS[:200], 3):
                    topic_rows.append(
                        {
                            "member_id": i,
                            "topic": topic,
                            "community_id": 1,
                            "level": 2,
                            "evidence": 0,
                            "score": 20,
                            "listed": True,
                            "last_request_at": datetime(1970, 1, 1, tzinfo=UTC),
                        }
                    )
        for start in range(0, len(topic_rows), 5000):
            await conn.execute(insert(member_topics), topic_rows[start : start + 5000])
        by_zone: dict[str | None, list[int]] = {}
        for i, zone in zone_of.items():
            by_zone.setdefault(zone, []).append(i)
        conn_rows = []
        open_pairs = set()
        for cid in range(1, n_connections + 1):
            a = rng.randrange(1, n_members + 1)
            same = by_zone[zone_of[a]]
            b = rng.choice(same) if rng.random() < 0.8 else rng.randrange(1, n_members + 1)
            if a == b:
                b = a % n_members + 1
            created = NOW - timedelta(seconds=rng.randrange(1, 26 * 7 * 86400))
            state = rng.choices(("connected", "declined", "expired", "pending"), (75, 10, 10, 5))[0]
            kind = "intro" if rng.random() < 0.4 else "request"
            pair = (min(a, b), max(a, b), kind)
            if state == "pending":
                if pair in open_pairs:
                    state = "expired"
                open_pairs.add(pair)
            answered = created + timedelta(hours=rng.randrange(1, 96))
            conn_rows.append(
                {
                    "id": cid,
                    "community_id": 1,
                    "kind": kind,
                    "initiator_id": rng.randrange(1, n_members + 1) if kind == "intro" else a,
                    "party_a_id": a,
                    "party_b_id": b,
                    "pair_low": pair[0],
                    "pair_high": pair[1],
                    "reason": "private words",
                    "topic": rng.choice(TOPICS) if kind == "request" else None,
                    "state": state,
                    "consent_a": "accepted",
                    "consent_b": "accepted" if state == "connected" else "pending",
                    "note_a": "",
                    "note_b": "",
                    "created_at": created,
                    "updated_at": answered if state != "pending" else created,
                    "connected_at": answered if state == "connected" else None,
                    "outcome": rng.choice(("helpful", "talked", None))
                    if state == "connected"
                    else None,
                }
            )
        for start in range(0, len(conn_rows), 5000):
            await conn.execute(insert(connections), conn_rows[start : start + 5000])
        thanks_rows = [
            {
                "community_id": 1,
                "giver_id": c["party_a_id"],
                "receiver_id": c["party_b_id"],
                "note": "private thanks",
                "connection_id": c["id"],
                "created_at": c["connected_at"] + timedelta(days=1),
            }
            for c in conn_rows
            if c["outcome"] == "helpful" and rng.random() < 0.6
        ][: n_connections // 5]
        for start in range(0, len(thanks_rows), 5000):
            await conn.execute(insert(thanks), thanks_rows[start : start + 5000])
        prompt_rows = []
        for pid in range(1, 30_001):
            created = NOW - timedelta(seconds=rng.randrange(1, 26 * 7 * 86400))
            state = rng.choices(("sent", "pending", "failed", "cancelled"), (80, 10, 2, 8))[0]
            prompt_rows.append(
                {
                    "id": pid,
                    "community_id": 1,
                    "recipient_id": rng.randrange(1, n_members + 1),
                    "kind": "follow_up",
                    "due_at": created,
                    "payload": {},
                    "state": state,
                    "attempts": 1,
                    "dedupe_key": f"bench:{pid}",
                    "created_at": created,
                    "sent_at": created if state == "sent" else None,
                }
            )
        for start in range(0, len(prompt_rows), 5000):
            await conn.execute(insert(prompts), prompt_rows[start : start + 5000])
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            for table in ("members", "connections", "thanks", "prompts", "member_topics"):
                await conn.execute(text(f"ANALYZE {table}"))
    await engine.dispose()


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await fn()
    return (time.perf_counter() - started) * 1000


async def until_shown(client: TestClient[Any, Any], url: str, waiting: str) -> None:
    """Reload a page, as its meta refresh does, until it no longer says `waiting`."""
    for _ in range(600):
        if waiting not in await (await client.get(url)).text():
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(url)


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(url: str, runs: int) -> dict[str, Any]:
    engine = make_engine(url)
    config = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    core = Networker(SqlUnitOfWorkFactory(engine), Clock(), config, {})
    access = DashboardAccess(core.units, core.clock, config)
    result: dict[str, Any] = {}

    # The background work, step by step, as the dashboard's thread does it.
    started = time.perf_counter()
    facts = await access.facts(1)
    result["facts_s"] = time.perf_counter() - started
    assert facts is not None
    started = time.perf_counter()
    compute_figures(facts, NOW)
    result["figures_s"] = time.perf_counter() - started
    started = time.perf_counter()
    found = shape(facts, NOW)
    result["shape_s"] = time.perf_counter() - started
    result["edges"] = found.connections
    result["by_group"] = found.by_group

    # The pages, through the server, signed in.
    actor = Actor("console", "bench", MemberRef("U1", "member 1"), is_organiser=True)
    reply = await core.handle(actor, Dashboard())
    assert reply is not None and reply.ok, reply and reply.text
    link = reply.text.split(config.dashboard_url, 1)[1].split()[0]
    client: TestClient[Any, Any] = TestClient(
        TestServer(build_app(core, read_timeout=30)), cookie_jar=CookieJar(unsafe=True)
    )
    await client.start_server()
    try:
        started = time.perf_counter()
        opened = await client.get(link, allow_redirects=False)
        base = opened.headers["Location"].removesuffix("/overview")
        first_ms = await timed(lambda: client.get(f"{base}/overview"))
        # The session's first figures: the page says "preparing" and reloads until then.
        await until_shown(client, f"{base}/overview", "Preparing the figures")
        result["first_page_ms"] = first_ms
        result["figures_ready_s"] = time.perf_counter() - started
        await until_shown(client, f"{base}/network", "being computed")
        result["shape_ready_s"] = time.perf_counter() - started
        # An hourly refresh: the worker processes are running by then; the facts travel
        # to them and the result back.
        cache = client.server.app[CACHE_KEY]
        started = time.perf_counter()
        rows, edges = compact(facts)
        await cache._elsewhere(shape_of_rows, rows, edges, NOW)
        result["refresh_shape_s"] = time.perf_counter() - started
        pages: dict[str, list[float]] = {}
        for page in (*PAGES, "network.png"):
            times = []
            for _ in range(runs):

                async def get(page: str = page) -> None:
                    response = await client.get(f"{base}/{page}")
                    assert response.status == 200, (page, response.status)
                    await response.read()

                times.append(await timed(get))
            pages[page] = times
        result["pages"] = pages
    finally:
        await client.close()
        await engine.dispose()
    return result


async def postgres_database(admin_url: str) -> str:
    name = f"networker_bench_{uuid.uuid4().hex[:8]}"
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres(admin_url: str, url: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--backends", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print(
        f"dashboard benchmark: {args.members:,} members, {args.connections:,} connections, "
        f"{args.runs} requests per page; load average at start "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as tmp:
            admin = os.environ.get("NETWORKER_BENCH_POSTGRES_URL")
            if backend == "postgres":
                if not admin:
                    print("postgres: set NETWORKER_BENCH_POSTGRES_URL")
                    continue
                url = asyncio.run(postgres_database(admin))
            else:
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            try:
                upgrade(url)
                started = time.perf_counter()
                asyncio.run(seed(url, args.members, args.connections))
                load = time.perf_counter() - started
                found = asyncio.run(measure(url, args.runs))
            finally:
                if backend == "postgres" and admin:
                    asyncio.run(drop_postgres(admin, url))
        print(
            f"\n{backend} (load average {os.getloadavg()[0]:.1f}): loaded in {load:.1f} s; network of {found['edges']:,} ties, drawn by group: {found['by_group']}"
        )
        print(
            f"  background: facts {found['facts_s']:.2f} s, figures {found['figures_s']:.2f} s, "
            f"network shape {found['shape_s']:.2f} s "
            f"(total {found['facts_s'] + found['figures_s'] + found['shape_s']:.2f} s)"
        )
        print(
            f'  a session\'s first page answers in {found["first_page_ms"]:.0f} ms ("preparing" '
            f"while the first figures are computed); figures ready {found['figures_ready_s']:.1f} s "
            f"after opening the link, the network picture {found['shape_ready_s']:.1f} s after "
            f"(the latter including the start of the worker process)"
        )
        print(
            f"  an hourly refresh of the shape in the running worker: "
            f"{found['refresh_shape_s']:.2f} s (sending it members and ties included)"
        )
        print("  page latency, warm (ms): p50 / p99 / max")
        for page, times in found["pages"].items():
            print(
                f"    {page:<18} {statistics.median(times):7.1f} / {p(times, 0.99):7.1f} / {max(times):7.1f}"
            )


if __name__ == "__main__":
    main()
