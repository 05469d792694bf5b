"""A process killed at any point of the intro flow loses no message, and shows none twice
where the platform lets us know (Discord's nonce; Slack only outside its crash window).

Each case runs the flow in real processes (tests/faults/outbox_crash_runner.py) that
deliver through the real slack_sdk or discord.py client to the API double served here.
The double SIGKILLs that process at one of its requests: after the platform did what
was asked (opened a conversation, made a thread, posted a message) and before the
process heard the answer, so nothing of it could be recorded. A second process, as
after a restart, catches up on what is due and finishes the flow. The double then counts
the messages made, per delivery key and recipient.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.store.migrate import upgrade
from tests.adapters.discord.double import DiscordDouble, dm_channel
from tests.adapters.slack.double import SlackApiDouble
from tests.adapters.support import LoopbackServer
from tests.faults.outbox_crash_runner import DISCORD, SLACK

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("outbox_crash_runner.py")
HANG = 120  # seconds: a process that neither finishes nor dies is a failure, not a hang
# Requests the clean flow makes that change something at the platform, in order:
# Slack: conversations.open and chat.postMessage for each of the four messages.
SLACK_WRITES = 8
# Discord: a DM channel and a message for each of three DMs; a thread, its three members
# and its message for the conversation at connect.
DISCORD_WRITES = 11


def writes(platform: str, request: web.Request) -> bool:
    """Whether the request changes something (log-in and look-ups do not)."""
    if platform == "slack":
        return request.path.rsplit("/", 1)[-1] in ("conversations.open", "chat.postMessage")
    return request.method != "GET"


class Runner:
    """The runner's server (tests/faults/outbox_crash_runner.py): each job a process of
    its own, forked once everything is imported."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
            env.pop(name, None)
        self.server = subprocess.Popen(
            [sys.executable, str(RUNNER)],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    async def line(self) -> list[str]:
        assert self.server.stdout is not None
        read = asyncio.get_running_loop().run_in_executor(None, self.server.stdout.readline)
        said = await asyncio.wait_for(read, HANG)
        assert said, "the runner's server stopped"
        return said.split()

    async def run(
        self, platform: str, double: LoopbackServer, tmp: Path, phase: str, kill_at: int = 0
    ) -> int:
        """One process; the double kills it at its `kill_at`-th write (0: never)."""
        assert self.server.stdin is not None
        api = double.base_url  # type: ignore[attr-defined]
        url = f"sqlite+aiosqlite:///{tmp / 'networker.db'}"
        self.server.stdin.write(f"{platform} {api} {url} {tmp} {phase}\n")
        self.server.stdin.flush()
        _, pid = await self.line()
        ended = asyncio.Event()
        seen = 0

        async def answered(request: web.Request, _response: web.StreamResponse) -> None:
            nonlocal seen
            if writes(platform, request):
                seen += 1
                if seen == kill_at:  # done at the platform; the process never hears of it
                    os.kill(int(pid), signal.SIGKILL)
                    await ended.wait()

        double.answered = answered
        try:
            _, _, code = await self.line()
        finally:
            ended.set()
            double.answered = None
        errors = tmp / "stderr"
        assert int(code) in (0, -signal.SIGKILL), errors.read_text() if errors.exists() else code
        return int(code)

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        self.server.wait(timeout=HANG)


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    started = Runner()
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database, copied for each case."""
    path = tmp_path_factory.mktemp("template") / "networker.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def fresh(tmp: Path, template: Path) -> Path:
    shutil.copy(template, tmp / "networker.db")
    return tmp


@pytest.fixture
async def slack_api() -> AsyncIterator[SlackApiDouble]:
    async with SlackApiDouble() as double:
        yield double


@pytest.fixture
async def discord_api() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble() as double:
        double.text_channel(DISCORD["intros"], DISCORD["community"], "intros")
        yield double


# --- Slack ------------------------------------------------------------------------------------

SLACK_PLACES = {  # where each of the four messages goes, as the Slack double names it
    f"D{SLACK['ana']}",
    f"D{SLACK['ben']}",
    f"G{SLACK['ana']}-{SLACK['ben']}-{SLACK['dev']}",
    f"D{SLACK['dev']}",
}


def slack_made(double: SlackApiDouble) -> Counter[tuple[str, str]]:
    """Messages Slack made, per (delivery key, conversation)."""
    return Counter(
        (str(c.params["metadata"]["event_payload"]["key"]), str(c.params["channel"]))
        for c in double.calls_to("chat.postMessage")
        if c.answer is not None
    )


async def test_slack_the_flow_sends_four_messages_each_once(
    runner: Runner, slack_api: SlackApiDouble, tmp_path: Path, template: Path
) -> None:
    assert await runner.run("slack", slack_api, fresh(tmp_path, template), "act") == 0

    made = slack_made(slack_api)
    assert {place for _, place in made} == SLACK_PLACES
    assert set(made.values()) == {1}
    writes_made = len(slack_api.calls_to("conversations.open")) + sum(made.values())
    assert writes_made == SLACK_WRITES


@pytest.mark.parametrize("kill_at", range(1, SLACK_WRITES + 1))
async def test_slack_a_kill_at_any_point_loses_nothing_and_repeats_only_inside_the_window(
    runner: Runner, slack_api: SlackApiDouble, tmp_path: Path, template: Path, kill_at: int
) -> None:
    tmp = fresh(tmp_path, template)
    assert await runner.run("slack", slack_api, tmp, "act", kill_at) == -signal.SIGKILL
    killed = slack_api.calls[-1]  # the request the process never heard the answer to

    assert await runner.run("slack", slack_api, tmp, "resume") == 0

    made = slack_made(slack_api)
    assert {place for _, place in made} == SLACK_PLACES  # every message arrived
    assert len(made) == len(SLACK_PLACES)  # each under one delivery key
    twice = {key for key, n in made.items() if n > 1}
    if killed.method == "chat.postMessage":  # the crash window: posted, not yet recorded
        window = (killed.params["metadata"]["event_payload"]["key"], killed.params["channel"])
        assert twice <= {window} and made[window] <= 2
    else:
        assert twice == set()


# --- Discord ----------------------------------------------------------------------------------

DISCORD_PLACES = {  # where each of the four messages goes ("thread": the one made)
    dm_channel(DISCORD["ana"]),
    dm_channel(DISCORD["ben"]),
    "thread",
    dm_channel(DISCORD["dev"]),
}


def discord_made(double: DiscordDouble) -> Counter[tuple[str, str]]:
    """Messages Discord made (a repeated nonce makes none), per (nonce, channel)."""
    threads = {r.answer["id"] for r in double.calls("POST", r"/channels/\d+/threads")}
    made: Counter[tuple[str, str]] = Counter()
    for request in double.calls("POST", r"/channels/\d+/messages"):
        if request.created:
            channel = request.path.split("/")[2]
            made[(str(request.json["nonce"]), "thread" if channel in threads else channel)] += 1
    return made


async def test_discord_the_flow_sends_four_messages_each_once(
    runner: Runner, discord_api: DiscordDouble, tmp_path: Path, template: Path
) -> None:
    tmp = fresh(tmp_path, template)
    assert await runner.run("discord", discord_api, tmp, "act") == 0

    made = discord_made(discord_api)
    assert {place for _, place in made} == DISCORD_PLACES
    assert set(made.values()) == {1}
    changed = [r for r in discord_api.requests if r.method != "GET"]
    assert len(changed) == DISCORD_WRITES
    assert len(discord_api.calls("POST", r"/channels/\d+/threads")) == 1


@pytest.mark.parametrize("kill_at", range(1, DISCORD_WRITES + 1))
async def test_discord_a_kill_at_any_point_delivers_every_message_exactly_once(
    runner: Runner, discord_api: DiscordDouble, tmp_path: Path, template: Path, kill_at: int
) -> None:
    tmp = fresh(tmp_path, template)
    assert await runner.run("discord", discord_api, tmp, "act", kill_at) == -signal.SIGKILL

    assert await runner.run("discord", discord_api, tmp, "resume") == 0

    made = discord_made(discord_api)
    assert {place for _, place in made} == DISCORD_PLACES
    assert len(made) == len(DISCORD_PLACES)
    assert set(made.values()) == {1}  # a repeated nonce made no second message
