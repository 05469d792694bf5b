"""Many workspaces through OAuth: slack_sdk's installation and state stores, kept in our
database. The one place an adapter hands the engine to a library (see the import
contracts in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.manifest import BOT_SCOPES
from bot.config import Settings

OnInstalled = Callable[[str, str], Awaitable[None]]  # team, name
OnRemoved = Callable[[str], Awaitable[None]]  # team


class CommunityInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store, in our database; an installed workspace becomes a community,
    and one whose bot is gone (uninstalled, token revoked) stops being served."""

    def __init__(
        self,
        client_id: str,
        engine: AsyncEngine,
        clients: dict[str, AsyncWebClient],
        *,
        on_installed: OnInstalled,
        on_removed: OnRemoved,
    ) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.clients = clients  # the messenger's, by team
        self.on_installed = on_installed
        self.on_removed = on_removed

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(installation)
        if installation.team_id:
            self.clients.pop(installation.team_id, None)  # a reinstall brings a new token
            await self.on_installed(
                installation.team_id, installation.team_name or installation.team_id
            )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        # bolt's app_uninstalled and tokens_revoked listeners end here; they run instead of
        # SlackListeners' own (bolt runs only the first listener that matches an event).
        await super().async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        if team_id:
            self.clients.pop(team_id, None)
            await self.on_removed(team_id)


def oauth_settings(
    settings: Settings, engine: AsyncEngine, store: CommunityInstallationStore
) -> AsyncOAuthSettings:
    assert settings.slack_client_id and settings.slack_client_secret
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
    )
