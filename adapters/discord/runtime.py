"""Building and running the Discord side; command sync and the invite link."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord
import discord.http

from adapters.discord.bot import PLATFORM, NetworkerBot
from adapters.discord.messenger import DiscordMessenger
from bot.config import Settings
from bot.services import commands as c
from bot.services.app import Networker

log = logging.getLogger(__name__)

# View channels, send messages, embed links, create private threads, send messages in
# threads, manage threads (to add the parties to a private intro thread).
PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    create_private_threads=True,
    send_messages_in_threads=True,
    manage_threads=True,
)


def use_api_url(url: str | None) -> None:
    """DISCORD_API_URL: discord.py reads its REST base from one class attribute."""
    if url:
        discord.http.Route.BASE = url.rstrip("/")


def intents(settings: Settings) -> discord.Intents:
    chosen = discord.Intents.default()  # guilds and DMs; nothing privileged
    chosen.members = settings.discord_members_intent
    return chosen


@dataclass
class DiscordRuntime:
    client: NetworkerBot
    messenger: DiscordMessenger
    settings: Settings

    async def start(self) -> None:
        """Connect to the gateway in the background of this event loop."""
        assert self.settings.discord_token
        await self.client.login(self.settings.discord_token)
        self._task = self.client.loop.create_task(self.client.connect())

    async def stop(self) -> None:
        await self.client.after.drain()
        await self.client.close()


def build_discord(
    core: Networker, settings: Settings, *, background: bool = True
) -> DiscordRuntime:
    use_api_url(settings.discord_api_url)
    client = NetworkerBot(
        core, intents=intents(settings), shard_count=settings.discord_shards, background=background
    )

    async def on_unreachable(guild: str, user: str, reason: str) -> None:
        await core.mark_unreachable(PLATFORM, guild, user, reason)

    messenger = DiscordMessenger(client, on_unreachable)
    core.messengers[PLATFORM] = messenger
    if settings.discord_members_intent:

        async def on_member_join(member: discord.Member) -> None:
            if member.bot:
                return
            actor = c.Actor(
                PLATFORM, str(member.guild.id), c.MemberRef(str(member.id), member.display_name)
            )
            await core.handle(actor, c.Onboard())

        client.event(on_member_join)
    return DiscordRuntime(client, messenger, settings)


async def sync_commands(settings: Settings, guild: int | None) -> int:
    """Register the application commands (globally, or in one guild for testing)."""
    from bot.bootstrap import bootstrap

    assert settings.discord_token
    runtime = await bootstrap(settings, migrate=False)
    try:
        discord_runtime = build_discord(runtime.app, settings)
        client = discord_runtime.client
        await client.login(settings.discord_token)
        target = discord.Object(id=guild) if guild else None
        if target is not None:
            client.tree.copy_global_to(guild=target)
        synced = await client.tree.sync(guild=target)
        await client.close()
        return len(synced)
    finally:
        await runtime.close()


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id, permissions=PERMISSIONS, scopes=("bot", "applications.commands")
    )
