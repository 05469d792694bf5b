"""Building and running the Slack side: one workspace (bot token) or many (OAuth),
HTTP mode and/or Socket Mode, in the process's one event loop."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.metrics import Metrics
from adapters.slack.app import PLATFORM, SlackListeners
from adapters.slack.directory import Directory
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.messenger import SlackMessenger
from adapters.slack.server import build_web_app
from bot.config import Settings
from bot.services.app import NOT_SET_UP, Networker

log = logging.getLogger(__name__)


class CommunityInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store, in our database; an installed workspace becomes a community,
    and one whose bot is gone (uninstalled, token revoked) stops being served."""

    def __init__(
        self,
        client_id: str,
        engine: AsyncEngine,
        core: Networker,
        clients: dict[str, AsyncWebClient] | None = None,
    ) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.core = core
        self.clients = clients if clients is not None else {}  # the messenger's, by team

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(installation)
        if installation.team_id:
            self.clients.pop(installation.team_id, None)  # a reinstall brings a new token
            name = installation.team_name or installation.team_id
            await self.core.register_community(PLATFORM, installation.team_id, name)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        # bolt's app_uninstalled and tokens_revoked listeners end here; they run instead of
        # SlackListeners' own (bolt runs only the first listener that matches an event).
        await super().async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        if team_id:
            self.clients.pop(team_id, None)
            await self.core.set_community_active(PLATFORM, team_id, False)


@dataclass
class SlackRuntime:
    app: AsyncApp
    messenger: SlackMessenger
    web_app: web.Application
    metrics: Metrics
    settings: Settings
    core: Networker
    listeners: SlackListeners
    runner: web.AppRunner | None = None
    socket: AsyncSocketModeHandler | None = None
    port: int | None = None
    clients: dict[str, AsyncWebClient] = field(default_factory=dict)

    async def start(
        self, *, http: bool, socket: bool, host: str, port: int, reuse_port: bool = False
    ) -> None:
        if not self.app.oauth_flow:
            await self._register_single_workspace()
        if http:
            self.runner = web.AppRunner(self.web_app, access_log=None)
            await self.runner.setup()
            # reuse_port: several worker processes accept on one port; the kernel spreads
            # connections across them.
            await web.TCPSite(self.runner, host, port, reuse_port=reuse_port or None).start()
            self.port = self.runner.addresses[0][1]
            log.info("slack http mode listening", extra={"host": host, "port": self.port})
        if socket:
            self.socket = AsyncSocketModeHandler(self.app, app_token=self.settings.slack_app_token)
            await self.socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack socket mode connected")

    async def stop(self) -> None:
        await self.listeners.after.drain()
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        if self.runner is not None:
            await self.runner.cleanup()

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


def build_slack(
    core: Networker,
    settings: Settings,
    engine: AsyncEngine,
    *,
    background: bool = True,
) -> SlackRuntime:
    """`background=False` (tests) finishes deliveries before each HTTP response returns."""

    def new_client(token: str | None) -> AsyncWebClient:
        client = AsyncWebClient(token=token, base_url=settings.slack_api_url)
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        return client

    clients: dict[str, AsyncWebClient] = {}
    store: CommunityInstallationStore | None = None
    if settings.slack_oauth:
        assert settings.slack_client_id and settings.slack_client_secret
        store = CommunityInstallationStore(settings.slack_client_id, engine, core, clients)
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=BOT_SCOPES,
            installation_store=store,
            installation_store_bot_only=True,
            state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
        )
        app = AsyncApp(
            client=new_client(None),
            signing_secret=settings.slack_signing_secret,
            oauth_settings=oauth,
            # A workspace without an installation (e.g. uninstalled) hears what the core says
            # to a community that isn't set up.
            user_facing_authorize_error_message=NOT_SET_UP.text,
            process_before_response=True,  # our listeners ack, then hand the rest to a task
        )
        app.enable_token_revocation_listeners()  # see CommunityInstallationStore
    else:
        app = AsyncApp(
            client=new_client(settings.slack_bot_token),
            signing_secret=settings.slack_signing_secret or "socket-mode-only",
            process_before_response=True,  # our listeners ack, then hand the rest to a task
        )

    async def client_for(team: str) -> AsyncWebClient:
        if store is None:
            return app.client
        if team not in clients:
            bot = await store.async_find_bot(enterprise_id=None, team_id=team)
            clients[team] = new_client(bot.bot_token if bot else None)
        return clients[team]

    async def on_unreachable(team: str, user: str, reason: str) -> None:
        await core.mark_unreachable(PLATFORM, team, user, reason)

    messenger = SlackMessenger(client_for, on_unreachable)
    core.messengers[PLATFORM] = messenger
    listeners = SlackListeners(
        core, Directory(), background=background, single_workspace=store is None
    )
    listeners.register(app)
    metrics = Metrics()
    metrics.gauges["networker_messages_sent_total"] = lambda: float(messenger.sent)
    return SlackRuntime(
        app,
        messenger,
        build_web_app(app, core, metrics),
        metrics,
        settings,
        core,
        listeners,
        clients=clients,
    )
