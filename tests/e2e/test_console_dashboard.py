"""`networker run` without platform credentials: the console, and its dashboard served on
127.0.0.1 at PORT, reached through the link /networker dashboard gives."""

from __future__ import annotations

import re
import select
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from tests.e2e.test_cli import NETWORKER, clean_env

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/dashboard/login\?token=\S+)")


def read_link(stream: IO[str], within: float = 30) -> str:
    """The dashboard link the console prints; never waits longer than `within`."""
    deadline = time.monotonic() + within
    seen = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.5)
        if ready:
            seen += stream.readline()
            found = LINK.search(seen)
            if found:
                return found.group(1)
    raise AssertionError(f"no dashboard link in the console's answer: {seen!r}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_the_console_serves_the_dashboard_on_localhost(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(PORT=str(port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    process = subprocess.Popen(
        [str(NETWORKER), "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert process.stdin and process.stdout
    try:
        process.stdin.write('/as lena --organiser\n/profile skills="leadership:expert"\n')
        process.stdin.write("/networker dashboard\n")
        process.stdin.flush()
        link = None
        for _ in range(200):
            found = re.search(
                r"(http://127\.0\.0\.1:\d+/dashboard/login\?token=\S+)", process.stdout.readline()
            )
            if found:
                link = found.group(1)
                break
        assert link, "no dashboard link in the console's answer"
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(link, timeout=10)
            raise AssertionError("expected a redirect to the overview")
        except urllib.error.HTTPError as answer:
            assert answer.code == 303
            assert answer.headers["Location"].endswith("/overview")
            assert "HttpOnly" in answer.headers["Set-Cookie"]
        try:
            opener.open(link, timeout=10)  # once only
            raise AssertionError("a used link opened again")
        except urllib.error.HTTPError as answer:
            assert answer.code == 401
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
