"""Several `networker dispatch` processes share 10,000 due prompts; one is killed mid-run.

Real processes, real PostgreSQL, real HTTP: each process logs a Discord client in over
REST against the Discord double, which implements `enforce_nonce` (a repeat of a
nonce returns the message already created). One process
is killed with SIGKILL after a few thousand messages, a replacement starts, and the
killed process's claim is taken over when its lease lapses. Every prompt must be
delivered; none may be created twice; the raw re-sends (the same nonce received more
than once) must stay within the one batch the killed process had in flight.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from benchmarks.prompts import seed
from bot.store.engine import make_engine
from bot.store.tables import metadata, prompts
from tests.adapters.discord.double import DiscordDouble
from tests.conftest import POSTGRES_URL, SKIP_PG

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_PG),
]

PROMPTS = 10_000
BATCH = 50
LEASE = 10  # seconds: the killed process's claim lapses within the test
KILL_AFTER = 3_000  # messages created before the kill
ROOT = Path(__file__).resolve().parents[2]


async def _state_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(prompts.c.state, func.count()).group_by(prompts.c.state)
            )
            return {state: int(n) for state, n in rows}
    finally:
        await engine.dispose()


async def test_dispatchers_share_the_work_and_survive_a_kill(
    postgres_database: str, tmp_path: Path
) -> None:
    url = postgres_database
    engine = make_engine(url)
    async with engine.begin() as conn:
        tables = ", ".join(t.name for t in metadata.sorted_tables)
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    await seed(url, PROMPTS, platform="discord")

    async with DiscordDouble() as double:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DISCORD_TOKEN": "test-bot-token",
            "DISCORD_API_URL": double.base_url,
            "PROMPT_INTERVAL": "0.2",
            "PROMPT_BATCH": str(BATCH),
            "PROMPT_LEASE": str(LEASE),
            "LOG_LEVEL": "WARNING",
        }
        for name in (
            "SLACK_BOT_TOKEN",
            "SLACK_SIGNING_SECRET",
            "SLACK_APP_TOKEN",
            "SLACK_CLIENT_ID",
        ):
            env.pop(name, None)
        processes: list[asyncio.subprocess.Process] = []

        async def start(number: int) -> asyncio.subprocess.Process:
            log = (tmp_path / f"dispatch{number}.log").open("wb")
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "adapters.cli",
                "dispatch",
                "--no-migrate",
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
            log.close()
            processes.append(process)
            return process

        def logs() -> str:
            return "\n".join(p.read_text(errors="replace")[-3000:] for p in tmp_path.glob("*.log"))

        started = time.monotonic()
        deadline = started + 240  # a bound against hanging; a quiet machine needs 15-45 s
        try:
            victim = await start(0)
            await start(1)
            await start(2)
            while len(double.created) < KILL_AFTER:
                assert time.monotonic() < deadline, f"too slow before the kill\n{logs()}"
                assert victim.returncode is None, f"a dispatcher exited\n{logs()}"
                await asyncio.sleep(0.05)
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            at_kill = len(double.created)
            await start(3)
            while True:
                counts = await _state_counts(url)
                if counts.get("sent", 0) == PROMPTS:
                    break
                assert time.monotonic() < deadline, f"not all sent: {counts}\n{logs()}"
                await asyncio.sleep(0.5)
            elapsed = time.monotonic() - started
        finally:
            for process in processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    await asyncio.wait_for(process.wait(), 20)
                except TimeoutError:
                    process.kill()
                    await process.wait()

    created = Counter(message["nonce"] for message in double.created)
    receipts = Counter(r.json.get("nonce") for r in double.calls("POST", r"/channels/\d+/messages"))
    keys = {f"p{i}" for i in range(1, PROMPTS + 1)}
    assert set(created) == keys  # every prompt delivered...
    twice = {nonce: n for nonce, n in created.items() if n > 1}
    assert not twice  # ...and created once: the nonce held
    resent = {nonce: n for nonce, n in receipts.items() if n > 1}
    print(
        f"\n{PROMPTS} prompts in {elapsed:.1f} s; killed after {at_kill} messages; "
        f"nonces received more than once: {len(resent)} (at most one batch, {BATCH})"
    )
    assert len(resent) <= BATCH
    assert all(n == 2 for n in resent.values())
    for process in processes[1:]:
        assert process.returncode == 0, logs()  # SIGTERM stops them cleanly
