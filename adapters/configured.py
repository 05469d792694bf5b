"""Which platforms a process serves, chosen by the credentials that are set: the one place
that names them. An adapter module is imported only when configured, since each pulls in
its platform's library."""

from __future__ import annotations

from functools import partial

from bot.bootstrap import AdapterFactory
from bot.config import Settings


def factories_for(settings: Settings, *, worker: bool = False) -> list[AdapterFactory]:
    """`worker`: one of several processes sharing Slack's HTTP port (WORKERS), started by
    the first one; it serves Slack's HTTP requests and nothing else."""
    found: list[AdapterFactory] = []
    if settings.slack_http or settings.slack_socket:
        from adapters.slack.runtime import SlackAdapter

        found.append(partial(SlackAdapter, worker=worker))
    if settings.discord_token and not worker:  # one gateway connection per bot
        from adapters.discord.runtime import discord_adapter

        found.append(discord_adapter)
    return found
