"""Fixtures for tests that talk to Slack code over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from tests.adapters.slack.double import SlackApiDouble

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy_no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk honours HTTPS_PROXY (and ignores NO_PROXY), and slack-bolt reads
    SLACK_SIGNING_SECRET / SLACK_BOT_TOKEN / SLACK_CLIENT_ID+SECRET (which turn OAuth on)."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("SLACK_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack_double() -> AsyncIterator[SlackApiDouble]:
    async with SlackApiDouble() as double:
        yield double
