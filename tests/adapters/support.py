"""What the platform API doubles share: an aiohttp application served over real HTTP on
127.0.0.1, at a port the OS picks (so parallel test runs never collide)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Self

from aiohttp import web

# A test's hook: runs once the double has handled a request, before its answer leaves.
Answered = Callable[[web.Request, web.StreamResponse], Awaitable[None]]


class LoopbackServer:
    """Serves `application()` while started; `async with` starts it and stops it.

    `answered`: a test's hook run after each request was handled and before the answer
    is sent (the crash test kills the bot there: the platform did it, the bot never
    heard)."""

    _runner: web.AppRunner | None = None
    _port: int | None = None
    answered: Answered | None = None

    def application(self) -> web.Application:
        raise NotImplementedError

    @web.middleware
    async def _hook(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if self.answered is not None:
            await self.answered(request, response)
        return response

    async def start(self) -> None:
        app = self.application()
        app.middlewares.append(self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://127.0.0.1:{self._port}"

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
