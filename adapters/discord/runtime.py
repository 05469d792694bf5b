"""Building and running the Discord side; command sync and the invite link."""

from __future__ import annotations

import asyncio
import logging

import discord
import discord.http

from adapters.discord.bot import PLATFORM, NetworkerBot
from adapters.discord.commands import build_tree
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


def build_client(core: Networker, settings: Settings, *, background: bool) -> NetworkerBot:
    use_api_url(settings.discord_api_url)
    client = NetworkerBot(
        core, intents=intents(settings), shard_count=settings.discord_shards, background=background
    )
    if settings.discord_members_intent:

        async def on_member_join(member: discord.Member) -> None:
            if member.bot:
                return
            actor = c.Actor(
                PLATFORM, str(member.guild.id), c.MemberRef(str(member.id), member.display_name)
            )
            await core.handle(actor, c.Onboard())

        client.event(on_member_join)
    return client


class DiscordAdapter:
    """Built from the settings before the core (the core delivers through `messenger`);
    `start` makes the client for the core and logs it in."""

    name = PLATFORM

    def __init__(self, settings: Settings, *, background: bool = True) -> None:
        """`background=False` (tests): deliveries finish before an interaction's handler returns."""
        self.settings = settings
        self.background = background
        self.messenger = DiscordMessenger(lambda: self.client, self._unreachable)
        self._client: NetworkerBot | None = None
        self._gateway: asyncio.Task[None] | None = None

    @property
    def client(self) -> NetworkerBot:
        if self._client is None:
            raise RuntimeError("the Discord adapter is not started")
        return self._client

    @property
    def core(self) -> Networker:
        return self.client.core

    async def start(self, core: Networker, *, listen: bool) -> None:
        """Log in; `listen`: also connect to the gateway, in the background of this loop.
        Without it the client only sends, over REST."""
        assert self.settings.discord_token
        self._client = build_client(core, self.settings, background=self.background)
        await self._client.login(self.settings.discord_token)
        if listen:
            self._gateway = self._client.loop.create_task(self._client.connect())

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.after.drain()
            await self._client.close()

    async def _unreachable(self, guild: str, user: str, reason: str) -> None:
        await self.core.mark_unreachable(PLATFORM, guild, user, reason)


def discord_adapter(settings: Settings, _engine: object) -> DiscordAdapter:
    """The AdapterFactory: Discord keeps nothing of its own in the database."""
    return DiscordAdapter(settings)


async def sync_commands(settings: Settings, guild: int | None) -> int:
    """Register the application commands (globally, or in one guild for testing).

    The tree comes from the command declarations alone: no database, no core."""
    assert settings.discord_token
    use_api_url(settings.discord_api_url)
    client = discord.Client(intents=discord.Intents.none())

    async def never(*_args: object) -> None:  # nothing is invoked while syncing
        raise RuntimeError("commands are not served while syncing")

    tree = build_tree(client, never, never)
    try:
        await client.login(settings.discord_token)
        target = discord.Object(id=guild) if guild else None
        if target is not None:
            tree.copy_global_to(guild=target)
        return len(await tree.sync(guild=target))
    finally:
        await client.close()


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id, permissions=PERMISSIONS, scopes=("bot", "applications.commands")
    )
