"""A loopback TCP proxy in front of PostgreSQL that a test can freeze, stop and restart:
a database that hangs (the process stopped, the network gone silent) or refuses
connections (the server down), without touching the real server."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Self

from sqlalchemy.engine import make_url


class DatabaseProxy:
    def __init__(self, url: str) -> None:
        self.target = make_url(url)
        self.port = 0  # chosen on the first start, kept across restarts
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._freeze_on: bytes | None = None
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """The target's URL, through the proxy."""
        return self.target.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False
        )

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """The server is down: connections are cut, new ones refused."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._links):
                writer.transport.abort()
            await self._server.wait_closed()
            self._server = None

    def freeze(self) -> None:
        """Nothing goes through any more, either way; connections stay open."""
        self._flowing.clear()

    def freeze_on(self, marker: bytes) -> None:
        """Freeze when a client sends bytes containing `marker` (e.g. a statement's SQL),
        before they reach the server: the database hangs in the middle of a command."""
        self._freeze_on = marker

    def thaw(self) -> None:
        self._freeze_on = None
        self._flowing.set()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.thaw()
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._links.add(writer)
        try:
            await self._flowing.wait()  # a frozen server accepts, then never answers
            up_reader, up_writer = await asyncio.open_connection(
                self.target.host, self.target.port or 5432
            )
        except OSError:
            self._links.discard(writer)
            writer.transport.abort()
            return
        self._links.add(up_writer)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, watch=True),
                self._pipe(up_reader, writer),
                return_exceptions=True,
            )
        finally:
            self._links -= {writer, up_writer}
            for end in (writer, up_writer):
                end.transport.abort()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, watch: bool = False
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                if watch and self._freeze_on is not None and self._freeze_on in data:
                    self.freeze()
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
