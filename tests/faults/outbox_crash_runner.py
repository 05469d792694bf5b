"""One process of the crash test: the core on a SQLite file, its messages written to a
file standing in for Discord (a repeated delivery key is dropped, as Discord drops a
repeated nonce). Test hooks only, read here and nowhere else:

    KILL_BEFORE_SEND=n  SIGKILL itself just before the n-th send of this process
    KILL_AFTER_SEND=n   SIGKILL itself just after the n-th send, before it is recorded

usage: outbox_crash_runner.py DB_URL LOG PROGRESS act|resume
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.actions import Action
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
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATER = START + timedelta(hours=1)  # past every lease and the first back-offs


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


def steps() -> list[tuple[str, c.Command]]:
    return [
        ("dev", c.Intro(ref("ana"), ref("ben"), "Both run Kubernetes meetups")),
        ("ana", c.Press(Action.CONSENT_ACCEPT.value, "1")),
        ("ben", c.Press(Action.CONSENT_ACCEPT.value, "1")),
        ("ben", c.Thank(ref("dev"), "for the introduction")),
    ]


async def main(url: str, log: Path, progress: Path, phase: str) -> None:
    config = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(url)
    clock = FakeClock(START if phase == "act" else LATER)
    messengers = {PLATFORM: Recorder(log)}
    core = Networker(SqlUnitOfWorkFactory(engine), clock, config, messengers)
    try:
        if phase == "act":
            await core.register_community(PLATFORM, GUILD, "Guild")
        else:  # what a restarted process's first dispatcher pass does
            await Dispatcher(core.units, clock, config, dict(messengers)).run_due()
        started = _started(progress)
        for number, (who, command) in enumerate(steps()):
            if number < started:
                continue  # it committed before the kill (kills come only after commits)
            _mark(progress, number)
            await core.handle(c.Actor(PLATFORM, GUILD, ref(who)), command)
    finally:
        await engine.dispose()


def _started(progress: Path) -> int:
    """How many steps a killed process began (each committed before its sends)."""
    return len(progress.read_text().splitlines()) if progress.exists() else 0


def _mark(progress: Path, number: int) -> None:
    with progress.open("a") as out:
        out.write(f"{number}\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]))
