"""A process killed at each point of the intro flow loses no message and, where the
platform honours the delivery key (Discord's nonce), shows none twice.

Each case runs the flow in a real process (tests/faults/outbox_crash_runner.py) that
SIGKILLs itself at one point: after a command's commit before its first send, between
two sends, or after a send before it is recorded. A second process, as after a restart,
catches up on what is due and finishes the flow. What arrived must be exactly what a
run without a crash delivers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("outbox_crash_runner.py")


def run(tmp: Path, phase: str, **hooks: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **{k: str(v) for k, v in hooks.items()}}
    url = f"sqlite+aiosqlite:///{tmp / 'networker.db'}"
    done = subprocess.run(
        [sys.executable, str(RUNNER), url, str(tmp / "log"), str(tmp / "progress"), phase],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, -signal.SIGKILL), done.stderr
    return done.returncode


def arrived(tmp: Path) -> list[dict[str, object]]:
    log = tmp / "log"
    return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []


def seen(lines: list[dict[str, object]]) -> Counter[tuple[str, str, str]]:
    """What members saw: every send whose key had not arrived before."""
    return Counter(
        (str(x["kind"]), ",".join(map(str, x["to"])), str(x["text"]))  # type: ignore[call-overload]
        for x in lines
        if not x["repeat"]
    )


def fresh(tmp: Path) -> Path:
    tmp.mkdir()
    upgrade(f"sqlite+aiosqlite:///{tmp / 'networker.db'}")
    return tmp


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    tmp = fresh(tmp_path_factory.mktemp("clean") / "run")
    assert run(tmp, "act") == 0
    return arrived(tmp)


def test_the_flow_sends_several_messages_each_once(clean: list[dict[str, object]]) -> None:
    kinds = Counter(str(x["kind"]) for x in clean)
    assert kinds == {"dm": 3, "group": 1}, kinds  # two consent DMs, the group, the thanks
    assert not any(x["repeat"] for x in clean)


@pytest.mark.parametrize("send", [1, 2, 3, 4])
def test_a_kill_before_a_send_loses_nothing(
    tmp_path: Path, clean: list[dict[str, object]], send: int
) -> None:
    assert send <= len(clean)
    tmp = fresh(tmp_path / "run")
    assert run(tmp, "act", KILL_BEFORE_SEND=send) == -signal.SIGKILL
    assert len(arrived(tmp)) == send - 1

    assert run(tmp, "resume") == 0

    lines = arrived(tmp)
    assert seen(lines) == seen(clean)
    assert not any(x["repeat"] for x in lines)  # nothing was sent, so nothing is repeated


@pytest.mark.parametrize("send", [1, 2, 4])
def test_a_kill_after_a_send_before_its_record_repeats_only_that_key(
    tmp_path: Path, clean: list[dict[str, object]], send: int
) -> None:
    tmp = fresh(tmp_path / "run")
    assert run(tmp, "act", KILL_AFTER_SEND=send) == -signal.SIGKILL

    assert run(tmp, "resume") == 0

    lines = arrived(tmp)
    assert seen(lines) == seen(clean)  # the platform dropped the repeated key
    repeats = [x["key"] for x in lines if x["repeat"]]
    assert repeats == [lines[send - 1]["key"]]
