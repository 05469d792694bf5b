"""Starting the console: database, community, messenger, demo data."""

from __future__ import annotations

import sys
from pathlib import Path

from adapters.console.clock import SimulatedClock
from adapters.console.demo import DEMO_DB, DEMO_ORGANISERS, load_demo
from adapters.console.messenger import ConsoleMessenger
from adapters.console.repl import COMMUNITY, PLATFORM, Console
from adapters.web.server import serve
from bot.bootstrap import bootstrap
from bot.config import Settings

BANNER = """Networker console: a simulated community in your terminal.
  /as <name>                 start by acting as a member (created on first use)
  /help                      every command; /clock +3d moves time to see prompts arrive
  networker console --demo   a ready sample community (or: make demo)"""


def _write(text: str) -> None:
    print(text, flush=True)


def reset_demo_db() -> None:
    """The demo starts from a fresh file every time."""
    for suffix in ("", "-wal", "-shm"):
        Path(DEMO_DB + suffix).unlink(missing_ok=True)


async def run_console(settings: Settings, *, migrate: bool, demo: bool, echo: bool) -> None:
    if demo:
        settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{DEMO_DB}"})
    messenger = ConsoleMessenger(_write)
    clock = SimulatedClock()
    runtime = await bootstrap(
        settings, clock=clock, messengers={PLATFORM: messenger}, migrate=migrate or demo
    )
    try:
        name = "Demo Association (sample data)" if demo else "Console community"
        await runtime.app.register_community(PLATFORM, COMMUNITY, name)
        console = Console(
            runtime.app,
            messenger,
            _write,
            dispatcher=runtime.dispatcher,
            clock=clock,
            organisers=DEMO_ORGANISERS if demo else frozenset(),
        )
        runtime.start_prompts()  # prompts due in real time arrive too
        # The dashboard, for this computer only: the console is one person's.
        web = await serve(runtime.app, "127.0.0.1", settings.port)
        if demo:
            count = await load_demo(runtime.app)
            _write(
                f"Loaded the SAMPLE community: {count} made-up members in {DEMO_DB}. "
                "Try /as dana then /whoknows k8s; lena is an organiser (/as lena, then "
                "/networker stats)."
            )
        _write(BANNER)
        try:
            await console.run(sys.stdin, echo=echo or not sys.stdin.isatty())
        finally:
            if web is not None:
                await web.stop()
    finally:
        await runtime.close()
