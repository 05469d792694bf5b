"""Delivers the core's messages through Discord's REST API, by kind of failure."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import discord

from adapters.discord.render import allowed_mentions, content, view
from bot.messages import ChannelPost, DirectMessage, GroupConversation, Message
from bot.ports import DeliveryError

CANNOT_DM = 50007  # the member's privacy settings refuse DMs from this bot
OnUnreachable = Callable[[str, str, str], Awaitable[None]]  # guild, user, reason
THREAD_NAME_MAX = 100


def channel_id(ref: str) -> int | None:
    """A channel id from "<#123>", "#intros (123)" or "123"."""
    found = re.search(r"(\d{15,21})", ref)
    return int(found.group(1)) if found else None


class DiscordMessenger:
    def __init__(self, client: discord.Client, on_unreachable: OnUnreachable) -> None:
        self.client = client
        self.on_unreachable = on_unreachable
        self.sent = 0

    async def send_dm(self, community: str, dm: DirectMessage) -> None:
        try:
            data = await self.client.http.start_private_message(int(dm.recipient))
            channel = self.client.get_partial_messageable(int(data["id"]))
            await self._send(channel, dm.message, community)
        except discord.Forbidden as error:
            if error.code == CANNOT_DM:
                await self.on_unreachable(community, dm.recipient, "dms_closed")
                raise DeliveryError("dms_closed", permanent=True) from None
            raise DeliveryError(f"forbidden_{error.code}", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError("unknown_user", permanent=True) from None
        except (discord.HTTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from None

    async def open_group(self, community: str, group: GroupConversation) -> None:
        """A private thread in the intro channel; without one, a DM to each party."""
        place = channel_id(group.place or "")
        if place is None:
            for member in group.members:
                await self.send_dm(community, DirectMessage(member, group.message))
            return
        try:
            parent = await self.client.fetch_channel(place)
            if not isinstance(parent, discord.TextChannel):
                raise DeliveryError("intro_channel_not_text", permanent=True)
            thread = await parent.create_thread(
                name=(group.title or "Introduction")[:THREAD_NAME_MAX],
                type=discord.ChannelType.private_thread,
                invitable=False,
            )
            for member in group.members:
                await thread.add_user(discord.Object(id=int(member)))
            await self._send(thread, group.message, community)
        except discord.Forbidden:
            # The bot lacks permissions in the intro channel: an organiser must fix it.
            raise DeliveryError("missing_permissions_in_intro_channel", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError("intro_channel_not_found", permanent=True) from None
        except (discord.HTTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from None

    async def post(self, community: str, post: ChannelPost) -> None:
        place = channel_id(post.channel)
        if place is None:
            raise DeliveryError("channel_not_found", permanent=True)
        try:
            await self._send(self.client.get_partial_messageable(place), post.message, community)
        except discord.Forbidden:
            raise DeliveryError("missing_permissions", permanent=True) from None
        except (discord.HTTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from None

    async def _send(
        self, channel: discord.abc.Messageable, message: Message, community: str
    ) -> None:
        buttons = view(message, community)
        if buttons is None:
            await channel.send(content(message), allowed_mentions=allowed_mentions(message))
        else:
            await channel.send(
                content(message), view=buttons, allowed_mentions=allowed_mentions(message)
            )
        self.sent += 1
