"""/whoknows latency on synthetic communities, SQLite and PostgreSQL.

Each community has N members with about 8 skills drawn from a Zipf distribution over
about 5,000 topics, plus a sentence of free text. The timed operation is the core use
case end to end: `Networker.handle(actor, WhoKnows(topic))`, database included.

    python benchmarks/whoknows.py                       # 1k, 10k, 100k on SQLite (+ PostgreSQL
                                                        # when NETWORKER_BENCH_POSTGRES_URL is set)
    python benchmarks/whoknows.py --sizes 10000 --backends sqlite --runs 300

Each size and backend runs in a fresh process, so peak memory is that run's own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import DatabaseTimeouts, Settings
from bot.domain.members import Member
from bot.domain.ranking import index_score
from bot.domain.vocabulary import Vocabulary, seed_topics
from bot.services.app import Networker
from bot.services.commands import Actor, MemberRef, WhoKnows
from bot.services.indexing import topic_entries
from bot.services.topic_relations import relearn_due
from bot.store.engine import make_engine
from bot.store.migrate import upgrade
from bot.store.search_index import NEVER
from bot.store.tables import community_topics, connections, member_topics, members
from bot.store.unit_of_work import SqlUnitOfWorkFactory

# The bulk load runs without the statement timeout a bot process has.
BULK = DatabaseTimeouts(connect=30.0, statement=None, pool=30.0)
TOPICS = 5000
SKILLS_PER_MEMBER = 8
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
# The most asked-about topics come first in the Zipf ranking.
POPULAR = ["project management", "python", "machine learning", "javascript", "kubernetes"]
QUERIES = {
    "single word": "python",
    "multi-word": "machine learning",
    "alias": "k8s",
    "typo": "kubernets",
    "most popular": "project management",
    "free text only": "mentored",
    "broad field": "data science",
    "mixed": "python for nonprofits",
}
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "tu",
    "vo",
    "zen",
    "pri",
    "sta",
    "gor",
    "fil",
    "mas",
    "dre",
    "lin",
    "quo",
    "bex",
    "tal",
    "ser",
    "vy",
]
FILLER = [
    "happy",
    "to",
    "help",
    "with",
    "{a}",
    "and",
    "{b},",
    "mentored",
    "people",
    "on",
    "{c}",
    "before",
]


def topic_names(rng: random.Random) -> list[str]:
    seed = [t.label for t in seed_topics() if t.label not in POPULAR]
    rng.shuffle(seed)
    names = POPULAR + seed
    seen = set(names)
    while len(names) < TOPICS:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        name = word if rng.random() < 0.5 else f"{word} {rng.choice(['design', 'ops', 'analysis'])}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:TOPICS]


def zipf_weights(n: int) -> list[float]:
    return [1.0 / rank for rank in range(1, n + 1)]


async def load(
    url: str, size: int, rng: random.Random, *, platform: str = "bench", community: str = "B1"
) -> tuple[int, float]:
    """Insert the community in bulk; returns (community id, seconds)."""
    started = time.perf_counter()
    names = topic_names(rng)
    weights = zipf_weights(len(names))
    vocab = Vocabulary(seed_topics(), {}, {})
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        result = await conn.execute(
            text(
                "INSERT INTO communities (platform, external_id, name, settings, created_at) "
                "VALUES (:platform, :community, 'Benchmark', '{}', :now) RETURNING id"
            ),
            {
                "platform": platform,
                "community": community,
                "now": NOW.replace(tzinfo=None) if url.startswith("sqlite") else NOW,
            },
        )
        cid = int(result.scalar_one())
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    batch = 5000
    for start in range(0, size, batch):
        member_rows, topic_rows, conn_rows = [], [], []
        for i in range(start, min(size, start + batch)):
            mid = i + 1
            skills = {}
            for name in rng.choices(names, weights, k=SKILLS_PER_MEMBER):
                skills[name] = rng.choice((1, 2, 2, 3))
            picked = list(skills)
            sentence = " ".join(FILLER).format(a=picked[0], b=picked[-1], c=rng.choice(names))
            hidden, away = rng.random() < 0.03, rng.random() < 0.03
            member = Member(
                cid,
                f"U{mid}",
                f"member{mid}",
                capacity=4,
                skills=skills,
                can_help_with=sentence,
                discoverable=not hidden,
                availability="away" if away else "open",
                id=mid,
            )
            member_rows.append(
                {
                    "id": mid,
                    "community_id": cid,
                    "platform_user_id": member.platform_user_id,
                    "display_name": member.display_name,
                    "skills": skills,
                    "can_help_with": sentence,
                    "looking_for": "",
                    "bio": "",
                    # Platforms tell members' time zones: Slack and Discord members have one.
                    "timezone": rng.choice(["Europe/Berlin", "America/New_York", "Asia/Tokyo"]),
                    "availability": member.availability,
                    "capacity": 4,
                    "discoverable": not hidden,
                    "is_organiser": False,
                    "paused": False,
                    "forgotten": False,
                    "created_at": NOW,
                }
            )
            evidence = rng.choice((0, 0, 0, 1, 2, 5))
            for entry in topic_entries(member, vocab):
                topic_rows.append(
                    {
                        "member_id": mid,
                        "topic": entry.topic,
                        "community_id": cid,
                        "level": entry.level,
                        "evidence": evidence,
                        "score": index_score(entry.level, evidence),
                        "listed": member.is_listed(),
                        "full_until": None,
                        "last_request_at": NEVER,
                    }
                )
                counts[entry.topic] = counts.get(entry.topic, 0) + 1
                labels.setdefault(entry.topic, entry.label)
            if rng.random() < 0.1 and mid > 1:  # some members already carry requests
                other = rng.randint(1, mid - 1)
                when = NOW - timedelta(days=rng.randint(0, 40))
                conn_rows.append(
                    {
                        "community_id": cid,
                        "kind": "request",
                        "initiator_id": other,
                        "party_a_id": other,
                        "party_b_id": mid,
                        "pair_low": other,
                        "pair_high": mid,
                        "reason": "synthetic request",
                        "state": "connected",
                        "consent_a": "accepted",
                        "consent_b": "accepted",
                        "note_a": "",
                        "note_b": "",
                        "created_at": when,
                        "updated_at": when,
                    }
                )
        async with make_engine(url, BULK).begin() as conn:
            await conn.execute(insert(members), member_rows)
            await conn.execute(insert(member_topics), topic_rows)
            if conn_rows:
                await conn.execute(insert(connections), conn_rows)
    async with make_engine(url, BULK).begin() as conn:
        rows = [
            {"community_id": cid, "topic": t, "label": labels[t][:80], "members": n}
            for t, n in counts.items()
        ]
        for i in range(0, len(rows), batch):
            await conn.execute(insert(community_topics), rows[i : i + batch])
        if url.startswith("postgresql"):
            await conn.execute(text("ANALYZE"))
        else:
            await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return cid, time.perf_counter() - started


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def measure(url: str, size: int, runs: int) -> dict[str, object]:
    rng = random.Random(size)
    _, load_s = await load(url, size, rng)
    engine = make_engine(url)
    units = SqlUnitOfWorkFactory(engine)
    # Learning which topics members list together runs in the background job, not in a
    # search: timed here once, and its result is what the searches read.
    started = time.perf_counter()
    await relearn_due(units, NOW, force=True)
    relearn_s = time.perf_counter() - started
    app = Networker(units, FixedClock(), Settings(_env_file=None))  # type: ignore[call-arg]
    results: dict[str, object] = {
        "size": size,
        "load_s": round(load_s, 1),
        "relearn_s": round(relearn_s, 2),
    }
    for label, query in QUERIES.items():
        times = []
        for i in range(runs + 20):
            asker = rng.randint(1, size)
            actor = Actor("bench", "B1", MemberRef(f"U{asker}", f"member{asker}"))
            started = time.perf_counter()
            reply = await app.handle(actor, WhoKnows(query))
            elapsed = (time.perf_counter() - started) * 1000
            assert reply is not None and reply.ok
            if i >= 20:  # warm-up: caches, prepared statements, vocabulary
                times.append(elapsed)
        times.sort()
        results[label] = {
            "p50": round(statistics.median(times), 2),
            "p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
            "found": len(reply.message.sections) - 1,
        }
    await engine.dispose()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def one_run(backend: str, size: int, runs: int) -> dict[str, object]:
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="networker-bench-")
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        return asyncio.run(measure(url, size, runs))
    admin = os.environ["NETWORKER_BENCH_POSTGRES_URL"]
    name = f"networker_bench_{size}_{os.getpid()}"  # runs by others may share the server

    async def admin_sql(sql: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        return asyncio.run(measure(url, size, runs))
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default=None, help="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=200, help="timed calls per query")
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child[0], int(args.child[1]), args.runs)))
        return
    backends = (
        args.backends
        or ("sqlite,postgres" if os.environ.get("NETWORKER_BENCH_POSTGRES_URL") else "sqlite")
    ).split(",")
    print(f"/whoknows end to end, {args.runs} timed calls per query (ms)")
    for backend in backends:
        for size in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run(
                [sys.executable, __file__, "--child", backend, str(size), "--runs", str(args.runs)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"\n{backend} · {size:,} members · load {result['load_s']} s · "
                f"relearn {result['relearn_s']} s · peak RSS {result['peak_rss_mb']} MB"
            )
            print(f"  {'query':<16}{'p50':>8}{'p99':>8}  shown")
            for label in QUERIES:
                row = result[label]
                assert isinstance(row, dict)
                print(f"  {label:<16}{row['p50']:>8}{row['p99']:>8}  {row['found']}")


if __name__ == "__main__":
    main()
