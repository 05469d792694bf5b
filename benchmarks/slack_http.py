"""Slack HTTP mode under load: signed /whoknows slash commands against the real endpoint.

Two processes on loopback: the bot (the Slack adapter on aiohttp, with the core and a
10,000-member workspace on SQLite or PostgreSQL) and this load process, which also runs
a minimal Slack Web API double for the calls the bot makes after it acks.

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


# --- the bot process ----------------------------------------------------------------------


async def serve(db_url: str, api_url: str) -> None:
    from adapters.slack.runtime import build_slack
    from bot.config import Settings
    from bot.ports import SystemClock
    from bot.services.app import Networker
    from bot.store.engine import make_engine, make_sessionmaker

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=db_url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        log_level="WARNING",
    )
    engine = make_engine(db_url)
    core = Networker(make_sessionmaker(engine), SystemClock(), settings)
    slack = build_slack(core, settings, engine)  # production mode: ack first, deliver after
    await slack.start(http=True, socket=False, host="127.0.0.1", port=0)
    print(slack.port, flush=True)  # the load process reads the port from here
    await asyncio.Event().wait()


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


async def bench(db_url: str, seconds: float) -> None:
    from benchmarks.whoknows import load
    from bot.store.migrate import upgrade

    await asyncio.to_thread(upgrade, db_url)
    _, load_s = await load(
        db_url, MEMBERS, random.Random(MEMBERS), platform="slack", community=TEAM
    )
    print(f"workspace of {MEMBERS:,} members loaded in {load_s:.1f} s ({db_url.split(':')[0]})")
    double, api_url = await web_api_double()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "serve",
        db_url,
        api_url,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert server.stdout is not None
        port = int(await asyncio.wait_for(server.stdout.readline(), timeout=60))
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
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        asyncio.run(serve(sys.argv[2], sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    args = parser.parse_args()
    db_url = (
        args.db or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='networker-slack-')}/bench.db"
    )
    asyncio.run(bench(db_url, args.seconds))


if __name__ == "__main__":
    main()
