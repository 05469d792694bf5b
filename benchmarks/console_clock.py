"""How long a console /clock jump takes now that it stops at every due time.

A console community on SQLite: P pairs introduced and connected (each pair's
"did you connect?", thank-you and keep-in-touch prompts fall due over the months), a
tenth of the members paused (their prompts are re-checked daily), every member with
a contact window. Timed: the jumps `/clock +7d`, `/clock +90d` and `/clock +365d`,
typed one after the other, with the passes (stops) and messages of each.

    python benchmarks/console_clock.py                 # 20 pairs
    python benchmarks/console_clock.py --pairs 100
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.console.clock import SimulatedClock
from adapters.console.messenger import ConsoleMessenger
from adapters.console.repl import COMMUNITY, PLATFORM, Console
from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.prompts.dispatcher import Dispatcher, Report

JUMPS = ("+7d", "+90d", "+365d")


async def main(pairs: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        lines: list[str] = []
        clock = SimulatedClock(start=datetime(2026, 3, 6, 23, 30, tzinfo=UTC))  # a Friday night
        messenger = ConsoleMessenger(lines.append)
        settings = Settings(  # type: ignore[call-arg]
            database_url=f"sqlite+aiosqlite:///{directory}/bench.db", _env_file=None
        )
        runtime = await bootstrap(settings, messengers={PLATFORM: messenger}, clock=clock)
        passes = 0
        dispatcher: Dispatcher = runtime.dispatcher
        run_due = dispatcher.run_due

        async def counted(*, max_batches: int = 10_000) -> Report:
            nonlocal passes
            passes += 1
            return await run_due(max_batches=max_batches)

        dispatcher.run_due = counted  # type: ignore[method-assign]
        try:
            await runtime.app.register_community(PLATFORM, COMMUNITY, "Bench")
            console = Console(
                runtime.app, messenger, lines.append, dispatcher=dispatcher, clock=clock
            )
            started = time.perf_counter()
            await console.execute("/as host")
            for n in range(pairs):
                for who in (f"a{n}", f"b{n}"):
                    await console.execute(f"/as {who}")
                await console.execute("/as host")
                await console.execute(f"/intro @a{n} @b{n} You both run meetups in the same city")
                for who in (f"a{n}", f"b{n}"):
                    await console.execute(f"/as {who}")
                    await console.execute("/press 1")
                if n % 10 == 0:
                    await console.execute(f"/as a{n}")
                    await console.execute("/networker pause")
            setup = time.perf_counter() - started
            print(f"{pairs} pairs connected in {setup:.1f} s")
            print("| jump | stops (passes) | messages | wall time |")
            print("|---|---|---|---|")
            for jump in JUMPS:
                passes, before = 0, len(lines)
                started = time.perf_counter()
                await console.execute(f"/clock {jump}")
                took = time.perf_counter() - started
                sent = sum(1 for line in lines[before:] if line.startswith("── "))
                print(f"| {jump} | {passes} | {sent} | {took:.2f} s |")
        finally:
            await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=20)
    asyncio.run(main(parser.parse_args().pairs))
