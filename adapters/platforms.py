"""`networker run` with platform credentials: every configured adapter, one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.bootstrap import bootstrap
from bot.config import Settings

log = logging.getLogger(__name__)


async def run_platforms(settings: Settings, *, migrate: bool) -> None:
    runtime = await bootstrap(settings, migrate=migrate)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started = []
    try:
        if settings.slack_http or settings.slack_socket:
            from adapters.slack.runtime import build_slack

            slack = build_slack(runtime.app, settings, runtime.engine)
            await slack.start(
                http=settings.slack_http,
                socket=settings.slack_socket,
                host=settings.host,
                port=settings.port,
            )
            started.append(slack)
        if settings.discord_token:
            log.warning("DISCORD_TOKEN is set, but the Discord adapter is not in this version yet")
        if not started:
            log.error("no adapter could start; check the credentials")
            return
        await stop.wait()
    finally:
        for adapter in started:
            await adapter.stop()
        await runtime.close()
