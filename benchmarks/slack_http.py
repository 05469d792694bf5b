"""Slack HTTP mode under load: signed /whoknows slash commands against the real endpoint.

Two sides on loopback: the bot, started as in production (`networker run` in Slack HTTP
mode, WORKERS processes sharing the port, a 10,000-member workspace on SQLite or
PostgreSQL), and this load process, which also runs a minimal Slack Web API double for
the calls the bot makes.

    python benchmarks/slack_http.py                       # SQLite
    python benchmarks/slack_http.py --db postgresql+asyncpg://postgres@127.0.0.1/networker_bench

Reports acks per second at saturation and p50/p99 ack latency at 100 and 300 requests
per second, and how many requests took longer than Slack's 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
TEAM = "TBENCH"
MEMBERS = 10_000
QUERIES = [
    "python",
    "k8s",
    "machine learning",
    "kubernets",
    "project management",
    "public speaking",
]


# --- the load process ---------------------------------------------------------------------


async def web_api_double() -> tuple[web.AppRunner, str]:
    """Answers what the bot calls: auth.test at start, users.info after each first ack."""

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(request.query)
        if request.content_type == "application/x-www-form-urlencoded":
            params.update(await request.post())  # type: ignore[arg-type]
        body: dict[str, object] = {"ok": True}
        if method == "auth.test":
            body |= {"team_id": TEAM, "team": "Bench", "user_id": "UBOT", "bot_id": "BBOT"}
        elif method == "users.info":
            uid = str(params.get("user", ""))
            body["user"] = {
                "id": uid,
                "name": f"member{uid[1:]}",
                "tz": "Europe/Berlin",
                "profile": {"display_name": f"member{uid[1:]}"},
            }
        elif method == "conversations.open":
            body["channel"] = {"id": "D1"}
        return web.Response(text=json.dumps(body), content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/api/"


class Load:
    def __init__(self, url: str) -> None:
        self.url = url
        self.verifier = SignatureVerifier(SECRET)
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), trust_env=False
        )
        self.rng = random.Random(7)

    async def one(self) -> float:
        user = f"U{self.rng.randint(1, MEMBERS)}"
        body = urlencode(
            {
                "token": "t",
                "team_id": TEAM,
                "team_domain": "bench",
                "channel_id": "C1",
                "channel_name": "general",
                "user_id": user,
                "user_name": f"member{user[1:]}",
                "command": "/whoknows",
                "text": self.rng.choice(QUERIES),
                "api_app_id": "A1",
                "response_url": "http://127.0.0.1:9/none",
                "trigger_id": "1.2.3",
            }
        )
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body) or "",
        }
        started = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(
                    f"HTTP {response.status}: {body} -> {(await response.text())[:200]}"
                )
        return time.perf_counter() - started

    async def fixed_rate(self, rate: int, seconds: float) -> list[float]:
        """Open loop: requests start on schedule whether or not earlier ones finished."""
        tasks = []
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one()))
        return list(await asyncio.gather(*tasks))

    async def saturate(self, concurrency: int, seconds: float) -> tuple[int, float]:
        """Closed loop: `concurrency` clients, each sending the next request at once."""
        done = 0
        deadline = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await self.one()
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return done, time.perf_counter() - start


def summary(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    over = sum(1 for x in ms if x > 3000)
    return (
        f"n={len(ms)}  p50 {statistics.median(ms):.1f} ms  p99 {p99:.1f} ms  "
        f"max {ms[-1]:.1f} ms  over 3 s: {over}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_healthy(port: int, workers: int) -> None:
    async with aiohttp.ClientSession(trust_env=False) as session:
        for _ in range(600):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        await asyncio.sleep(1.0 * workers)  # the other workers start too
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not start")


async def bench(db_url: str, seconds: float, workers: int) -> None:
    from benchmarks.whoknows import load
    from bot.store.migrate import upgrade

    await asyncio.to_thread(upgrade, db_url)
    _, load_s = await load(
        db_url, MEMBERS, random.Random(MEMBERS), platform="slack", community=TEAM
    )
    print(
        f"workspace of {MEMBERS:,} members loaded in {load_s:.1f} s "
        f"({db_url.split(':')[0]}, {workers} bot process{'es' if workers > 1 else ''})"
    )
    double, api_url = await web_api_double()
    port = free_port()
    # The bot runs as in production: `networker run`, HTTP mode, WORKERS processes.
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "run",
        cwd=str(ROOT),
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": db_url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WORKERS": str(workers),
            "LOG_LEVEL": "WARNING",
            "AUTO_MIGRATE": "false",
        },
    )
    try:
        await wait_healthy(port, workers)
        load_gen = Load(f"http://127.0.0.1:{port}/slack/events")
        await load_gen.fixed_rate(50, 4)  # warm-up: connections, caches, users.info
        for rate in (100, 300):
            print(
                f"{rate} req/s for {seconds:.0f} s: {summary(await load_gen.fixed_rate(rate, seconds))}"
            )
        done, elapsed = await load_gen.saturate(64, seconds)
        print(f"saturation (64 concurrent clients): {done / elapsed:.0f} acks/s")
        await load_gen.session.close()
    finally:
        server.terminate()
        await server.wait()
        await double.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--workers", type=int, default=1, help="bot processes sharing the port")
    args = parser.parse_args()
    db_url = (
        args.db or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='networker-slack-')}/bench.db"
    )
    asyncio.run(bench(db_url, args.seconds, args.workers))


if __name__ == "__main__":
    main()
