"""The Slack side of a process: one workspace (bot token) or many (OAuth), HTTP mode
and/or Socket Mode, in the process's one event loop."""

from __future__ import annotations

import asyncio
import logging
import sys

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.metrics import Metrics
from adapters.slack.app import PLATFORM, SlackListeners
from adapters.slack.directory import Directory
from adapters.slack.installations import CommunityInstallationStore, oauth_settings
from adapters.slack.messenger import SlackMessenger
from adapters.slack.server import build_web_app
from bot.config import Settings
from bot.services.app import NOT_SET_UP, Networker

log = logging.getLogger(__name__)


def new_client(settings: Settings, token: str | None) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def bolt_app(settings: Settings, oauth: AsyncOAuthSettings | None) -> AsyncApp:
    if oauth is None:
        return AsyncApp(
            client=new_client(settings, settings.slack_bot_token),
            signing_secret=settings.slack_signing_secret or "socket-mode-only",
            process_before_response=True,  # our listeners ack, then hand the rest to a task
        )
    app = AsyncApp(
        client=new_client(settings, None),
        signing_secret=settings.slack_signing_secret,
        oauth_settings=oauth,
        # A workspace without an installation (e.g. uninstalled) hears what the core says
        # to a community that isn't set up.
        user_facing_authorize_error_message=NOT_SET_UP.text,
        process_before_response=True,
    )
    app.enable_token_revocation_listeners()  # see CommunityInstallationStore
    return app


class SlackAdapter:
    """Built from the settings before the core (the core delivers through `messenger`);
    `start` connects it to the core. The AdapterFactory of bot.bootstrap."""

    name = PLATFORM

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        *,
        worker: bool = False,
        background: bool = True,
    ) -> None:
        """`worker`: one of several HTTP processes on one port, started by the first one.
        `background=False` (tests) finishes deliveries before each HTTP response returns."""
        self.settings = settings
        self.worker = worker
        self.background = background
        self.clients: dict[str, AsyncWebClient] = {}  # by team, with OAuth
        self.store: CommunityInstallationStore | None = None
        oauth = None
        if settings.slack_oauth:
            assert settings.slack_client_id
            self.store = CommunityInstallationStore(
                settings.slack_client_id,
                engine,
                self.clients,
                on_installed=self._installed,
                on_removed=self._removed,
            )
            oauth = oauth_settings(settings, engine, self.store)
        self.app = bolt_app(settings, oauth)
        self.messenger = SlackMessenger(self._client_for, self._unreachable)
        self.metrics = Metrics()
        self.metrics.gauges["networker_messages_sent_total"] = lambda: float(self.messenger.sent)
        self._core: Networker | None = None
        self.listeners: SlackListeners | None = None
        self.runner: web.AppRunner | None = None
        self.socket: AsyncSocketModeHandler | None = None
        self.port: int | None = None
        self.workers: list[asyncio.subprocess.Process] = []

    @property
    def core(self) -> Networker:
        if self._core is None:
            raise RuntimeError("the Slack adapter is not started")
        return self._core

    async def start(self, core: Networker, *, listen: bool) -> None:
        self._core = core
        if not listen:
            return
        self.listeners = SlackListeners(
            core, Directory(), background=self.background, single_workspace=self.store is None
        )
        self.listeners.register(self.app)
        if self.store is None:
            await self._register_single_workspace()
        if self.settings.slack_http:
            await self._serve_http()
        if self.settings.slack_socket and not self.worker:  # one socket connection is enough
            await self._open_socket()
        if self.settings.slack_http and not self.worker:
            await self._start_workers()

    async def stop(self) -> None:
        for child in self.workers:
            child.terminate()
            await child.wait()
        if self.listeners is not None:
            await self.listeners.after.drain()
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        if self.runner is not None:
            await self.runner.cleanup()

    async def _serve_http(self) -> None:
        web_app = build_web_app(
            self.app, self.core, self.metrics, read_timeout=self.settings.http_read_timeout
        )
        self.runner = web.AppRunner(web_app, access_log=None)
        await self.runner.setup()
        host, port = self.settings.host, self.settings.port
        # reuse_port: several worker processes accept on one port; the kernel spreads
        # connections across them.
        reuse_port = self.settings.workers > 1 or None
        await web.TCPSite(self.runner, host, port, reuse_port=reuse_port).start()
        self.port = self.runner.addresses[0][1]
        log.info("slack http mode listening", extra={"host": host, "port": self.port})

    async def _open_socket(self) -> None:
        self.socket = AsyncSocketModeHandler(self.app, app_token=self.settings.slack_app_token)
        await self.socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack socket mode connected")

    async def _start_workers(self) -> None:
        """WORKERS: the other HTTP processes on this port, each a `networker run --worker`."""
        for _ in range(self.settings.workers - 1):
            self.workers.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "adapters.cli", "run", "--worker"
                )
            )

    async def _register_single_workspace(self) -> None:
        """With one bot token, the workspace it belongs to is the community."""
        try:
            found = await self.app.client.auth_test()
        except Exception:  # reported, and retried on the next start
            log.exception("slack auth.test failed: check SLACK_BOT_TOKEN")
            return
        team = str(found.get("team_id") or "")
        if team:
            await self.core.register_community(PLATFORM, team, str(found.get("team") or team))

    # --- what the messenger and the installation store need -----------------------------

    async def _client_for(self, team: str) -> AsyncWebClient:
        if self.store is None:
            return self.app.client
        if team not in self.clients:
            bot = await self.store.async_find_bot(enterprise_id=None, team_id=team)
            self.clients[team] = new_client(self.settings, bot.bot_token if bot else None)
        return self.clients[team]

    async def _unreachable(self, team: str, user: str, reason: str) -> None:
        await self.core.mark_unreachable(PLATFORM, team, user, reason)

    async def _installed(self, team: str, name: str) -> None:
        await self.core.register_community(PLATFORM, team, name)

    async def _removed(self, team: str) -> None:
        await self.core.set_community_active(PLATFORM, team, False)
