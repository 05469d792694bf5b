"""The processes of the crash test: the core on a SQLite file, delivering through the
real Slack adapter (slack_sdk) or the real Discord adapter (discord.py) to the API double
the test serves. The test kills a process (SIGKILL) from the double's side, at one of
its requests; this file has no hooks of its own.

    act     register the community, then run the intro flow
    resume  what a restarted process does: the dispatcher's first pass, then the rest of
            the flow (the steps a killed process had not begun)

usage: outbox_crash_runner.py
  reads one job a line on stdin, "slack|discord API_URL DB_URL DIR act|resume", and runs
  each in a process of its own, forked from this one once everything is imported (a
  fresh interpreter per job would spend seconds importing); prints "started PID" and
  then "ended PID EXIT_CODE" (-9: killed). A job's errors go to DIR/stderr.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from adapters.discord.runtime import DiscordAdapter
from adapters.slack.runtime import SlackAdapter
from bot.actions import Action
from bot.config import Settings
from bot.ports import Messenger
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.fakes import FakeClock

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATER = START + timedelta(hours=1)  # past every lease and the first back-offs
# Per platform: its community id, the people's ids, the intro channel (Discord threads).
SLACK = {"community": "T1", "dev": "UDEV", "ana": "UANA", "ben": "UBEN", "olga": "UOLGA"}
DISCORD = {
    "community": "910000000000000001",
    "dev": "930000000000000001",
    "ana": "930000000000000002",
    "ben": "930000000000000003",
    "olga": "930000000000000004",
    "intros": "920000000000000001",
}


class Adapter(Protocol):
    messenger: Messenger

    async def start(self, core: Networker, *, listen: bool) -> None: ...

    async def stop(self) -> None: ...


def ids(platform: str) -> dict[str, str]:
    return SLACK if platform == "slack" else DISCORD


def who(platform: str, name: str, *, organiser: bool = False) -> c.Actor:
    found = ids(platform)
    user = c.MemberRef(found[name], name.capitalize())
    return c.Actor(platform, found["community"], user, is_organiser=organiser)


def steps(platform: str) -> list[tuple[c.Actor, c.Command]]:
    """The intro flow: two consent DMs, the group conversation at connect, a thanks DM."""
    found = ids(platform)
    flow: list[tuple[c.Actor, c.Command]] = []
    if platform == "discord":  # a private thread in the intro channel, not a group DM
        intros = c.Settings("intro_channel", f"<#{found['intros']}>")
        flow.append((who(platform, "olga", organiser=True), intros))
    ana, ben = (c.MemberRef(found[n], n.capitalize()) for n in ("ana", "ben"))
    return [
        *flow,
        (who(platform, "dev"), c.Intro(ana, ben, "Both run Kubernetes meetups")),
        (who(platform, "ana"), c.Press(Action.CONSENT_ACCEPT.value, "1")),
        (who(platform, "ben"), c.Press(Action.CONSENT_ACCEPT.value, "1")),
        (who(platform, "ben"), c.Thank(c.MemberRef(found["dev"], "Dev"), "for the intro")),
    ]


def adapter(platform: str, config: Settings, engine: object) -> Adapter:
    if platform == "slack":
        return SlackAdapter(config, engine, background=False)  # type: ignore[arg-type]
    return DiscordAdapter(config, background=False)


def settings(platform: str, api_url: str, db_url: str) -> Settings:
    platform_settings = (
        {"slack_bot_token": "xoxb-test", "slack_signing_secret": "s", "slack_api_url": api_url}
        if platform == "slack"
        else {"discord_token": "test-bot-token", "discord_api_url": api_url}
    )
    return Settings(database_url=db_url, _env_file=None, **platform_settings)  # type: ignore[call-arg, arg-type]


async def main(platform: str, api_url: str, db_url: str, progress: Path, phase: str) -> None:
    """One job: `progress` lists the steps begun, across the processes of one case."""
    config = settings(platform, api_url, db_url)
    engine = make_engine(db_url)
    clock = FakeClock(START if phase == "act" else LATER)
    bridge = adapter(platform, config, engine)
    messengers = {platform: bridge.messenger}
    core = Networker(SqlUnitOfWorkFactory(engine), clock, config, messengers)
    await bridge.start(core, listen=False)
    try:
        if phase == "act":
            await core.register_community(platform, ids(platform)["community"], "Community")
        else:  # what a restarted process's first dispatcher pass does
            await Dispatcher(core.units, clock, config, dict(messengers)).run_due()
        started = _started(progress)
        for number, (actor, command) in enumerate(steps(platform)):
            if number < started:
                continue  # it committed before the kill (kills come only after commits)
            _mark(progress, number)
            await core.handle(actor, command)
    finally:
        await bridge.stop()
        await engine.dispose()


def _started(progress: Path) -> int:
    """How many steps a killed process began (each committed before its sends)."""
    return len(progress.read_text().splitlines()) if progress.exists() else 0


def _mark(progress: Path, number: int) -> None:
    with progress.open("a") as out:
        out.write(f"{number}\n")


def serve() -> None:
    for job in sys.stdin:
        platform, api_url, db_url, folder, phase = job.split()
        pid = os.fork()
        if pid == 0:  # the job: its own process, as after a restart
            os._exit(_job(platform, api_url, db_url, Path(folder), phase))
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"ended {pid} {os.waitstatus_to_exitcode(status)}", flush=True)


def _job(platform: str, api_url: str, db_url: str, folder: Path, phase: str) -> int:
    with (folder / "stderr").open("a") as errors:
        try:
            asyncio.run(main(platform, api_url, db_url, folder / "progress", phase))
        except BaseException:
            traceback.print_exc(file=errors)
            return 1
    return 0


if __name__ == "__main__":
    serve()
