"""One process of the pairing crash test: a community with a pairing channel on a SQLite
file, group conversations written to a log standing in for the platform (see
outbox_crash_runner.py, whose recorder and kill hooks this reuses).

usage: pairing_crash_runner.py DB_URL LOG setup|round|resume
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.driver import ref
from tests.fakes import FakeClock
from tests.faults.outbox_crash_runner import Recorder

PLATFORM, GUILD = "test", "G1"
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
SLOT = START + timedelta(days=7)  # the first round: next Monday 10:00
MEMBERS = [f"member{i}" for i in range(11)]  # odd: four pairs and a trio


async def main(url: str, log: Path, phase: str) -> None:
    config = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(url)
    when = {"setup": START, "round": SLOT, "resume": SLOT + timedelta(hours=1)}[phase]
    clock = FakeClock(when)
    messengers = {PLATFORM: Recorder(log)}
    core = Networker(SqlUnitOfWorkFactory(engine), clock, config, messengers)
    try:
        if phase == "setup":
            await core.register_community(PLATFORM, GUILD, "Guild")
            olga = c.Actor(PLATFORM, GUILD, ref("olga"), is_organiser=True)
            await core.handle(olga, c.PairingManage("on", "#coffee", "day=mon time=10:00"))
            for name in MEMBERS:
                await core.handle(
                    c.Actor(PLATFORM, GUILD, ref(name)), c.PairingMember("join", "#coffee")
                )
        else:  # the scheduler's pass at the round's time, or a restarted process's first
            await Dispatcher(core.units, clock, config, dict(messengers)).run_due()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
