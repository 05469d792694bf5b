"""`networker run` with platform credentials: every configured adapter, one event loop.
`networker dispatch`: only the prompt dispatcher, for the same platforms."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Protocol

from bot.bootstrap import bootstrap
from bot.config import Settings

log = logging.getLogger(__name__)


class Adapter(Protocol):
    async def stop(self) -> None: ...


async def run_platforms(settings: Settings, *, migrate: bool, worker: bool = False) -> None:
    """`worker`: one of several HTTP processes on one port, started by the first one."""
    if settings.workers > 1 and settings.port == 0:
        raise SystemExit("WORKERS > 1 needs a fixed PORT: the processes share it.")
    runtime = await bootstrap(settings, migrate=migrate and not worker)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started: list[Adapter] = []
    children: list[asyncio.subprocess.Process] = []
    try:
        if settings.slack_http or settings.slack_socket:
            from adapters.slack.runtime import build_slack

            slack = build_slack(runtime.app, settings, runtime.engine)
            await slack.start(
                http=settings.slack_http,
                socket=settings.slack_socket and not worker,  # one socket connection is enough
                host=settings.host,
                port=settings.port,
                reuse_port=settings.workers > 1,
            )
            started.append(slack)
            if settings.slack_http and not worker:
                for _ in range(settings.workers - 1):
                    children.append(
                        await asyncio.create_subprocess_exec(
                            sys.executable, "-m", "adapters.cli", "run", "--worker"
                        )
                    )
        if settings.discord_token and not worker:  # one gateway connection per bot
            from adapters.discord.runtime import build_discord

            discord_side = build_discord(runtime.app, settings)
            await discord_side.start()
            started.append(discord_side)
        if not started:
            log.error("no adapter could start; check the credentials")
            return
        runtime.start_prompts()
        await stop.wait()
    finally:
        for child in children:
            child.terminate()
            await child.wait()
        for adapter in started:
            await adapter.stop()
        await runtime.close()


async def run_dispatch(settings: Settings, *, migrate: bool) -> bool:
    """Send due prompts until SIGTERM/SIGINT, with no listeners: the Slack messenger
    without its server, the Discord client logged in over REST without the gateway.
    False when no platform is configured."""
    if not settings.has_platform_credentials:
        return False
    runtime = await bootstrap(settings, migrate=migrate)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    discord_client = None
    try:
        if settings.slack_http or settings.slack_socket:
            from adapters.slack.runtime import build_slack

            build_slack(runtime.app, settings, runtime.engine)  # adds its messenger
        if settings.discord_token:
            from adapters.discord.runtime import build_discord

            discord_client = build_discord(runtime.app, settings).client
            await discord_client.login(settings.discord_token)  # REST only
        runtime.start_prompts()
        log.info("prompt dispatcher running", extra={"platforms": sorted(runtime.app.messengers)})
        await stop.wait()
    finally:
        await runtime.close()  # the pass under way finishes and records its claims
        if discord_client is not None:
            await discord_client.close()
    return True
