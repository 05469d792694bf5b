"""Serving the dashboard of a test's core on a loopback port, and signing in to it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer

from adapters.web.server import build_app
from bot.messages import Reply
from bot.services.app import Networker

LINK = re.compile(r"https?://\S+?(/dashboard/login\?token=[\w.\-]+)")


def link_in(reply: Reply) -> str:
    """The path and query of the dashboard link a reply carries."""
    found = LINK.search(reply.text)
    assert found, reply.text
    return found.group(1)


@asynccontextmanager
async def served(app: Networker) -> AsyncIterator[TestClient[object, object]]:
    """A client of the dashboard; it keeps cookies as a browser does (also on 127.0.0.1)."""
    client: TestClient[object, object] = TestClient(
        TestServer(build_app(app, read_timeout=10, page_wait=20)), cookie_jar=CookieJar(unsafe=True)
    )
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
