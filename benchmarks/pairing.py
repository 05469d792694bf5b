"""Pairing rounds: speed and match quality on synthetic communities, 26 weekly rounds.

Each community has N participants in 20 groups (chapters), time zones spread over the
world with realistic contact windows, and Zipf-distributed topics (what they know, what
they look for). Timed per round, end to end on SQLite: the round use case
(`bot.services.pairing.start_round`) reading participants, members and the whole pairing
history, matching, and writing every seat and one outbox row per group, then the commit.

Compared on the same data (matching only, no database):
  random  pairing with retries: shuffle, pair neighbours, reshuffle up to 50 times while a
          pair met before;
  beans   a reference written from the description of Yelp's beans: a maximum-weight
          matching (networkx) over all n² pairs, weight favouring different groups and
          forbidding pairs met in the last rounds; only where it finishes.

    python benchmarks/pairing.py                        # 1k, 10k, 100k; beans at 1k
    python benchmarks/pairing.py --sizes 1000 --rounds 26 --baselines random,beans

Each size runs in a fresh process, so peak memory is that run's own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

from sqlalchemy import insert, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.members import Community
from bot.domain.pairing import History, Pair, Person, pair, plan_round
from bot.domain.pairing_rounds import PairingChannel
from bot.services.pairing import _person, start_round
from bot.store.engine import make_engine
from bot.store.migrate import upgrade
from bot.store.tables import members, pairing_participants, pairing_seats
from bot.store.unit_of_work import SqlUnitOfWorkFactory

START = datetime(2026, 1, 5, 10, tzinfo=UTC)  # a Monday, at the channel's 10:00 UTC
BUDGET = 600.0  # seconds a baseline may take over all its rounds
GROUPS = 20
TOPICS = 400
# Where members live (weights: many in Europe and the Americas, some in Asia-Pacific).
ZONES = [
    ("America/Los_Angeles", 8),
    ("America/Chicago", 6),
    ("America/New_York", 12),
    ("America/Sao_Paulo", 5),
    ("Europe/London", 10),
    ("Europe/Berlin", 14),
    ("Africa/Lagos", 4),
    ("Africa/Nairobi", 3),
    ("Asia/Dubai", 3),
    ("Asia/Kolkata", 8),
    ("Asia/Singapore", 5),
    ("Asia/Tokyo", 5),
    ("Australia/Sydney", 4),
    ("Pacific/Auckland", 1),
]
WINDOWS = [
    ("weekdays 09:00-17:00", 40),
    ("weekdays 08:00-18:00", 15),
    ("weekdays 12:00-14:00", 10),
    ("mon,tue,wed,thu 17:00-21:00", 10),
    ("daily 07:00-22:00", 10),
    ("weekends 10:00-18:00", 5),
    ("tue,thu 10:00-16:00", 10),
]


def zipf_topic(rng: random.Random) -> str:
    return f"topic{min(int(rng.paretovariate(1.1)), TOPICS)}"


def community(n: int, seed: int = 1) -> tuple[list[dict[str, object]], dict[int, str]]:
    """Member rows (as the store keeps them) and each member's group."""
    rng = random.Random(seed)
    zones, zw = zip(*ZONES, strict=True)
    windows, ww = zip(*WINDOWS, strict=True)
    rows, groups = [], {}
    for i in range(1, n + 1):
        knows = {zipf_topic(rng) for _ in range(rng.randint(1, 4))}
        seeks = {zipf_topic(rng) for _ in range(rng.randint(1, 2))} - knows
        rows.append(
            {
                "id": i,
                "community_id": 1,
                "platform_user_id": f"U{i:06d}",
                "display_name": f"Member {i}",
                "skills": {t: 2 for t in knows},
                "can_help_with": "",
                "looking_for": ", ".join(sorted(seeks)),
                "bio": "",
                "timezone": rng.choices(zones, zw)[0],
                "contact_window": rng.choices(windows, ww)[0],
                "availability": "open",
                "capacity": 4,
                "discoverable": True,
                "is_organiser": False,
                "paused": False,
                "forgotten": False,
                "prompts_off": [],
                "created_at": START - timedelta(days=rng.choice([10, 400, 800])),
            }
        )
        groups[i] = f"chapter {int(rng.paretovariate(0.8)) % GROUPS}"
    return rows, groups


# --- measures ---------------------------------------------------------------------------


def measures(
    groups: Sequence[Sequence[int]], people: dict[int, Person], met: set[Pair]
) -> dict[str, float]:
    pairs = [pair(a, b) for g in groups for a, b in combinations(g, 2)]
    n = len(pairs) or 1
    return {
        "repeat": sum(p in met for p in pairs) / n,
        "cross_group": sum(people[a].group != people[b].group for a, b in pairs) / n,
        "overlap_3h": sum((people[a].hours & people[b].hours).bit_count() >= 3 for a, b in pairs)
        / n,
        "complement": sum(
            bool(people[a].knows & people[b].seeks or people[b].knows & people[a].seeks)
            for a, b in pairs
        )
        / n,
    }


def random_pairs(ids: list[int], met: set[Pair], rng: random.Random) -> list[tuple[int, ...]]:
    best: list[tuple[int, ...]] = []
    best_repeats = None
    for _ in range(50):
        order = ids[:]
        rng.shuffle(order)
        groups: list[tuple[int, ...]] = [
            tuple(order[i : i + 2]) for i in range(0, len(order) - 1, 2)
        ]
        if len(order) % 2:
            groups[-1] = (*groups[-1], order[-1])
        repeats = sum(pair(a, b) in met for g in groups for a, b in combinations(g, 2))
        if best_repeats is None or repeats < best_repeats:
            best, best_repeats = groups, repeats
        if repeats == 0:
            break
    return best


def beans_pairs(
    people: dict[int, Person], recent: set[Pair], rng: random.Random
) -> list[tuple[int, ...]]:
    """All n² pairs, weight: 1 + 1 for different groups, plus a little noise so that
    ties fall differently each round; pairs met in the recent window are left out.
    networkx's maximum-weight matching, then the odd one joins a pair."""
    import networkx as nx

    graph = nx.Graph()
    ids = sorted(people)
    graph.add_nodes_from(ids)
    for a, b in combinations(ids, 2):
        if (a, b) in recent:
            continue
        noise = rng.random() / 100
        graph.add_edge(a, b, weight=1 + (people[a].group != people[b].group) + noise)
    matched = nx.max_weight_matching(graph, maxcardinality=True)
    groups: list[tuple[int, ...]] = [tuple(sorted(p)) for p in matched]
    left = sorted(set(ids) - {m for g in groups for m in g})
    while len(left) >= 2:
        groups.append((left.pop(), left.pop()))
    if left and groups:
        groups[0] = (*groups[0], left[0])
    return groups


# --- one size ---------------------------------------------------------------------------


async def run_size(n: int, rounds: int, baselines: list[str], db: Path) -> dict[str, object]:
    rows, group_of = community(n)
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{db}")
    async with engine.begin() as conn:
        from bot.store.tables import communities

        await conn.execute(
            insert(communities).values(
                id=1,
                platform="console",
                external_id="bench",
                name="Bench",
                settings={},
                created_at=START,
                active=True,
            )
        )
        for i in range(0, n, 5000):
            await conn.execute(insert(members), rows[i : i + 5000])
    units = SqlUnitOfWorkFactory(engine)
    async with units() as uow:
        ch = await uow.pairing.save_channel(
            PairingChannel(1, "#coffee", created_at=START, next_round_at=START)
        )
        await uow.commit()
    assert ch.id is not None
    async with engine.begin() as conn:
        parts = [
            {
                "channel_id": ch.id,
                "member_id": r["id"],
                "presence": "in",
                "skip_next": False,
                "missed": 0,
                "joined_at": START,
                "group_label": group_of[int(str(r["id"]))],
            }
            for r in rows
        ]
        for i in range(0, n, 5000):
            await conn.execute(insert(pairing_participants), parts[i : i + 5000])
    community_ = Community("console", "bench", "Bench", id=1)
    seconds: list[float] = []
    cpu_seconds: list[float] = []  # this process's CPU: the figure a busy machine distorts least
    ours: list[dict[str, float]] = []
    met: set[Pair] = set()
    people: dict[int, Person] = {}
    slot = START
    for week in range(rounds):
        began, cpu = time.perf_counter(), time.process_time()
        async with units() as uow:
            fresh = await uow.pairing.channel_by_id(ch.id)
            assert fresh is not None and fresh.next_round_at == slot
            keys = await start_round(uow, community_, fresh, slot, planned_for=slot)
            await uow.commit()
        seconds.append(time.perf_counter() - began)
        cpu_seconds.append(time.process_time() - cpu)
        assert keys is not None
        async with units(write=False) as uow:
            latest = await uow.pairing.latest_round(ch.id)
            assert latest is not None and latest.id is not None
            seats = await uow.pairing.seats(latest.id)
            if not people:
                found = await uow.members.many(group_of)
                people = {
                    i: _person(m, group_of[i], community_, fresh, slot) for i, m in found.items()
                }
        groups: dict[int, list[int]] = {}
        for s in seats:
            groups.setdefault(s.group_no, []).append(s.member_id)
        ours.append(measures(list(groups.values()), people, met))
        met |= {pair(a, b) for g in groups.values() for a, b in combinations(g, 2)}
        async with engine.begin() as conn:  # everyone says they met: nobody is paused
            await conn.execute(
                update(pairing_seats)
                .where(pairing_seats.c.round_id == latest.id)
                .values(answer="yes", answered_at=slot)
            )
        print(f"  n={n} round {week + 1}: {seconds[-1]:.2f} s", file=sys.stderr, flush=True)
        slot += timedelta(weeks=1)
    await engine.dispose()
    result: dict[str, object] = {
        "n": n,
        "seconds_per_round": statistics.median(seconds),
        "seconds_max": max(seconds),
        "cpu_seconds_per_round": statistics.median(cpu_seconds),
        "ours": _mean(ours),
    }
    # Before the baselines: the all-pairs reference alone needs gigabytes.
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name in baselines:
        result[name] = _baseline(name, people, rounds, n)
    return result


def _baseline(name: str, people: dict[int, Person], rounds: int, n: int) -> dict[str, float]:
    rng = random.Random(7)
    met: set[Pair] = set()
    history: list[set[Pair]] = []
    out, took = [], []
    for _ in range(rounds):
        if sum(took) > BUDGET:
            break  # the reference gets ten minutes in all; what it finished is reported
        began = time.perf_counter()
        if name == "random":
            groups = random_pairs(sorted(people), met, rng)
        elif name == "beans":
            recent = set().union(*history[-6:]) if history else set()  # beans: a window
            groups = beans_pairs(people, recent, rng)
        else:
            plan = plan_round(
                list(people.values()), History(frozenset(met)), seed=rng.randrange(1 << 30)
            )
            groups = list(plan.groups)
        took.append(time.perf_counter() - began)
        out.append(measures(groups, people, met))
        this = {pair(a, b) for g in groups for a, b in combinations(g, 2)}
        history.append(this)
        met |= this
        print(f"  n={n} {name}: {took[-1]:.2f} s", file=sys.stderr, flush=True)
    return {**_mean(out), "seconds_per_round": statistics.median(took), "rounds": len(took)}


def _mean(items: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(i[k] for i in items) / len(items) for k in items[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=26)
    parser.add_argument(
        "--baselines", default="random,beans", help="at 1,000; random at every size"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        wanted = args.baselines.split(",") if args.baselines else []
        if args.one > 1000:
            wanted = [b for b in wanted if b != "beans"]  # beans needs hours past 1,000
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(run_size(args.one, args.rounds, wanted, Path(tmp) / "bench.db"))
        print(json.dumps(result))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--rounds",
                str(args.rounds),
                "--baselines",
                args.baselines,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout)
        print(report(result))


def report(r: dict[str, object]) -> str:
    lines = [
        f"n={r['n']}: {r['seconds_per_round']:.2f} s per round (median, end to end on SQLite; "
        f"slowest {r['seconds_max']:.2f} s; CPU {r['cpu_seconds_per_round']:.2f} s), "
        f"peak RSS {r['peak_rss_mb']:.0f} MB"
    ]
    for name in ("ours", "random", "beans"):
        m = r.get(name)
        if not isinstance(m, dict):
            continue
        extra = (
            f", {m['seconds_per_round']:.2f} s per round over {m['rounds']} rounds"
            if "seconds_per_round" in m
            else ""
        )
        lines.append(
            f"  {name:6} repeat {m['repeat']:.4f}  cross-group {m['cross_group']:.4f}  "
            f"overlap>=3h {m['overlap_3h']:.4f}  complement {m['complement']:.4f}{extra}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
