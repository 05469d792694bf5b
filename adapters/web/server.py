"""The web server of a process whose platform brings none: Discord's gateway and the
console. (Slack's HTTP mode serves the dashboard from its own server.)"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from adapters.web.pages import PAGE_WAIT, add_dashboard
from bot.services.app import Networker

log = logging.getLogger(__name__)


def build_app(
    core: Networker, *, read_timeout: float, page_wait: float = PAGE_WAIT
) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        ok = await core.healthy()
        body = json.dumps({"status": "ok" if ok else "database unreachable"})
        return web.Response(status=200 if ok else 503, text=body, content_type="application/json")

    app = web.Application(handler_args={"keepalive_timeout": read_timeout, "lingering_time": 0})
    app.add_routes([web.get("/healthz", healthz)])
    add_dashboard(app, core, page_wait=page_wait)
    return app


class WebServer:
    """`host`: where to listen; the console passes 127.0.0.1, as it is one person's."""

    def __init__(
        self,
        core: Networker,
        host: str,
        port: int,
        *,
        read_timeout: float = 10,
        page_wait: float = PAGE_WAIT,
    ) -> None:
        self.core, self.host, self.requested_port = core, host, port
        self.read_timeout = read_timeout
        self.page_wait = page_wait
        self.runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        self.runner = web.AppRunner(
            build_app(self.core, read_timeout=self.read_timeout, page_wait=self.page_wait),
            access_log=None,
        )
        await self.runner.setup()
        await web.TCPSite(self.runner, self.host, self.requested_port).start()
        self.port = self.runner.addresses[0][1]
        log.info("dashboard listening", extra={"host": self.host, "port": self.port})

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


async def serve(
    core: Networker, host: str, port: int, *, read_timeout: float = 10
) -> WebServer | None:
    """Start serving; None (and a warning) when the port is taken: the bot itself still runs."""
    server = WebServer(core, host, port, read_timeout=read_timeout)
    try:
        await server.start()
    except OSError as error:
        await server.stop()
        log.warning(
            "the dashboard is not served: port %s is taken (%s); set PORT to a free one",
            port,
            error.strerror or error,
        )
        return None
    return server
