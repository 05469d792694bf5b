"""`networker run` with platform credentials: every configured adapter, one event loop.
`networker dispatch`: only the prompt dispatcher, for the same platforms."""

from __future__ import annotations

import asyncio
import logging
import signal

from adapters.configured import factories_for
from adapters.web.server import serve
from bot.bootstrap import bootstrap
from bot.config import Settings

log = logging.getLogger(__name__)


def stop_on_signals() -> asyncio.Event:
    """Set by SIGINT or SIGTERM: the process then shuts down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def run_platforms(settings: Settings, *, migrate: bool, worker: bool = False) -> None:
    """`worker`: one of several HTTP processes on one port, started by the first one."""
    if settings.workers > 1 and settings.port == 0:
        raise SystemExit("WORKERS > 1 needs a fixed PORT: the processes share it.")
    factories = factories_for(settings, worker=worker)
    runtime = await bootstrap(settings, factories, migrate=migrate and not worker)
    stop = stop_on_signals()
    try:
        if not runtime.adapters:
            log.error("no adapter could start; check the credentials")
            return
        await runtime.start_adapters(listen=True)
        # Slack's HTTP mode serves the dashboard on PORT already; otherwise this does.
        web = None
        if not settings.slack_http:
            web = await serve(
                runtime.app, settings.host, settings.port, read_timeout=settings.http_read_timeout
            )
        runtime.start_prompts()
        try:
            await stop.wait()
        finally:
            if web is not None:
                await web.stop()
    finally:
        await runtime.close()


async def run_dispatch(settings: Settings, *, migrate: bool) -> bool:
    """Send due prompts until SIGTERM/SIGINT: the adapters connect without listening
    (no HTTP server, socket or gateway). False when no platform is configured."""
    factories = factories_for(settings)
    if not factories:
        return False
    runtime = await bootstrap(settings, factories, migrate=migrate)
    stop = stop_on_signals()
    try:
        await runtime.start_adapters(listen=False)
        runtime.start_prompts()
        platforms = sorted(adapter.name for adapter in runtime.adapters)
        log.info("prompt dispatcher running", extra={"platforms": platforms})
        await stop.wait()
    finally:
        await runtime.close()  # the pass under way finishes and records its claims
    return True
