"""A process killed in the middle of a pairing round (after some groups were messaged)
resumes without a second round and without messaging any group twice.

The round runs in a real process (tests/faults/pairing_crash_runner.py) that SIGKILLs
itself before or after one group's send; a second process, as after a restart, runs
the dispatcher's pass an hour later.
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
from tests.faults.pairing_crash_runner import MEMBERS

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("pairing_crash_runner.py")
GROUPS = len(MEMBERS) // 2  # four pairs and one trio


def run(tmp: Path, phase: str, **hooks: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **{k: str(v) for k, v in hooks.items()}}
    url = f"sqlite+aiosqlite:///{tmp / 'networker.db'}"
    done = subprocess.run(
        [sys.executable, str(RUNNER), url, str(tmp / "log"), phase],
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


def groups_seen(lines: list[dict[str, object]]) -> Counter[tuple[str, ...]]:
    """Each group conversation members saw (a repeated key is dropped by the platform)."""
    return Counter(
        tuple(sorted(map(str, x["to"])))  # type: ignore[call-overload]
        for x in lines
        if x["kind"] == "group" and not x["repeat"]
    )


def prepared(tmp: Path) -> Path:
    tmp.mkdir()
    upgrade(f"sqlite+aiosqlite:///{tmp / 'networker.db'}")
    assert run(tmp, "setup") == 0
    (tmp / "log").unlink()  # the channel's announcement: not part of the round
    return tmp


def check_one_round(lines: list[dict[str, object]]) -> None:
    seen = groups_seen(lines)
    assert len(seen) == GROUPS and set(seen.values()) == {1}, seen
    seated = sorted(m for g in seen for m in g)
    assert seated == sorted(f"U-{m}" for m in MEMBERS)  # everyone once: one round only


def test_a_round_without_a_crash_messages_each_group_once(tmp_path: Path) -> None:
    tmp = prepared(tmp_path / "run")
    assert run(tmp, "round") == 0
    assert run(tmp, "resume") == 0  # an hour later: nothing more
    lines = arrived(tmp)
    check_one_round(lines)
    assert len(lines) == GROUPS and not any(x["repeat"] for x in lines)


@pytest.mark.parametrize("send", [1, 3, GROUPS])
def test_a_kill_before_a_groups_send_resumes_the_round_once(tmp_path: Path, send: int) -> None:
    tmp = prepared(tmp_path / "run")
    assert run(tmp, "round", KILL_BEFORE_SEND=send) == -signal.SIGKILL
    assert len(arrived(tmp)) == send - 1
    assert run(tmp, "resume") == 0
    lines = arrived(tmp)
    check_one_round(lines)
    assert not any(x["repeat"] for x in lines)  # nothing sent twice at all


@pytest.mark.parametrize("send", [1, 3])
def test_a_kill_after_a_send_repeats_only_that_key(tmp_path: Path, send: int) -> None:
    tmp = prepared(tmp_path / "run")
    assert run(tmp, "round", KILL_AFTER_SEND=send) == -signal.SIGKILL
    assert run(tmp, "resume") == 0
    lines = arrived(tmp)
    check_one_round(lines)  # the platform dropped the repeated delivery key
    assert [x["key"] for x in lines if x["repeat"]] == [lines[send - 1]["key"]]
