"""Slow clients (slowloris): one who trickles a request's headers or its body is cut off
after the read timeout instead of holding a connection for as long as it likes."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.config import Settings
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import said

READ_TIMEOUT = 0.5


@pytest.fixture
def config() -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_url="sqlite+aiosqlite://", http_read_timeout=READ_TIMEOUT, _env_file=None
    )


async def trickle(slack: SlackWorld, head: bytes, drip: bytes) -> tuple[float, bytes]:
    """Send `head`, then `drip` a byte every 50 ms until the server hangs up (at most 5 s);
    how long that took, and what the server answered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", slack.runtime.port)
    started = time.monotonic()
    writer.write(head)
    answer = b""
    try:
        for byte in drip * 100:
            if time.monotonic() - started > 5:
                break
            writer.write(bytes([byte]))
            await writer.drain()
            try:
                chunk = await asyncio.wait_for(reader.read(4096), 0.05)
            except TimeoutError:
                continue
            answer += chunk
            if not chunk:  # closed
                break
    except ConnectionError:
        pass
    finally:
        writer.close()
    return time.monotonic() - started, answer


async def test_a_client_trickling_its_headers_is_cut_off(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    took, answer = await trickle(
        slack, b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n", b"X-Slow: aaaaaaaaaa"
    )
    assert READ_TIMEOUT * 0.8 < took < READ_TIMEOUT + 1.5
    assert answer == b""  # nothing to answer: there is no request yet
    assert [r for r in caplog.records if r.exc_info] == []
    assert said(await slack.sender.command("/networker", "help", user="UDANA"))


async def test_a_client_trickling_its_body_is_cut_off(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
    )
    took, answer = await trickle(slack, head, b"team_id=T1&")
    assert READ_TIMEOUT * 0.8 < took < READ_TIMEOUT + 1.5
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b'{"error": "request timeout"}' in answer
    assert [r for r in caplog.records if r.exc_info] == []
    assert said(await slack.sender.command("/networker", "help", user="UDANA"))


async def test_an_idle_connection_is_closed_after_the_read_timeout(slack: SlackWorld) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", slack.runtime.port)
    started = time.monotonic()
    try:
        assert await asyncio.wait_for(reader.read(1), READ_TIMEOUT + 1.5) == b""
    finally:
        writer.close()
    assert time.monotonic() - started > READ_TIMEOUT * 0.8
