"""One process of the pairing crash test: a community with a pairing channel on a SQLite
file, group conversations written to a log standing in for the platform (a repeated
delivery key is marked, as a platform drops a repeated nonce). Test hooks only:

    KILL_BEFORE_SEND=n  SIGKILL itself just before the n-th send of this process
    KILL_AFTER_SEND=n   SIGKILL itself just after the n-th send, before it is recorded

usage: pairing_crash_runner.py DB_URL LOG setup|round|resume
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.messages import ChannelPost, DirectMessage, GroupConversation, Outbound
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.driver import ref
from tests.fakes import FakeClock

PLATFORM, GUILD = "test", "G1"
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
SLOT = START + timedelta(days=7)  # the first round: next Monday 10:00
MEMBERS = [f"member{i}" for i in range(11)]  # odd: four pairs and a trio


class Recorder:
    """What arrives where: one line a send, `repeat` when its key arrived before."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.seen = (
            {json.loads(x)["key"] for x in log.read_text().splitlines()} if log.exists() else set()
        )
        self.calls = 0

    async def send_dm(self, community: str, dm: DirectMessage) -> None:
        self._arrive("dm", [dm.recipient], dm)

    async def open_group(self, community: str, group: GroupConversation) -> None:
        self._arrive("group", list(group.members), group)

    async def post(self, community: str, post: ChannelPost) -> None:
        self._arrive("channel", [post.channel], post)

    def _arrive(self, kind: str, to: list[str], item: Outbound) -> None:
        self.calls += 1
        _kill_at("KILL_BEFORE_SEND", self.calls)
        line = {
            "key": item.key,
            "kind": kind,
            "to": to,
            "text": item.message.plain_text(),
            "repeat": item.key in self.seen,
        }
        with self.log.open("a") as out:
            out.write(json.dumps(line) + "\n")
            out.flush()
            os.fsync(out.fileno())
        self.seen.add(item.key)
        _kill_at("KILL_AFTER_SEND", self.calls)


def _kill_at(hook: str, calls: int) -> None:
    if os.environ.get(hook) == str(calls):
        os.kill(os.getpid(), signal.SIGKILL)


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
