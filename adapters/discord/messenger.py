"""Delivers the core's messages through Discord's REST API, by kind of failure.

Every message is sent with its delivery key as the nonce (discord.py asks Discord to
enforce it), so a repeat within Discord's nonce window returns the message made the first
time. Each send returns its receipt: the DM channel, thread or channel, and the message
id. A private thread made before the message failed travels in the error's receipt, and
the retry posts in that thread instead of making a second one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord

from adapters.discord.render import allowed_mentions, content, view
from bot.messages import ChannelPost, DirectMessage, GroupConversation, Message
from bot.ports import DeliveryError, Receipt

log = logging.getLogger(__name__)
CANNOT_DM = 50007  # the member's privacy settings refuse DMs from this bot
OnUnreachable = Callable[[str, str, str], Awaitable[None]]  # guild, user, reason
THREAD_NAME_MAX = 100


def channel_id(ref: str) -> int | None:
    """A channel id from "<#123>", "#intros (123)" or "123"."""
    found = re.search(r"(\d{15,21})", ref)
    return int(found.group(1)) if found else None


class DiscordMessenger:
    def __init__(self, client: Callable[[], discord.Client], on_unreachable: OnUnreachable) -> None:
        # The client is made with the core it feeds, after the core got this messenger.
        self._client = client
        self.on_unreachable = on_unreachable
        self.sent = 0

    @property
    def client(self) -> discord.Client:
        return self._client()

    async def send_dm(self, community: str, dm: DirectMessage) -> Receipt:
        if dm.done.get("message"):
            return dm.done  # sent already: never twice
        try:
            data = await self.client.http.start_private_message(int(dm.recipient))
            channel = self.client.get_partial_messageable(int(data["id"]))
            sent = await self._send(channel, dm.message, community, nonce=dm.key)
        except discord.Forbidden as error:
            if error.code == CANNOT_DM:
                await self.on_unreachable(community, dm.recipient, "dms_closed")
                raise DeliveryError("dms_closed", permanent=True) from None
            raise DeliveryError(f"forbidden_{error.code}", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError("unknown_user", permanent=True) from None
        except (discord.HTTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from None
        return {"channel": str(channel.id), "message": str(sent.id)}

    async def open_group(self, community: str, group: GroupConversation) -> Receipt:
        """A private thread in the intro channel; without one, a DM to each party."""
        if group.done.get("message"):
            return group.done  # sent already: never twice
        place = channel_id(group.place or "")
        if place is None or group.done.get("fallback"):
            return await self._dm_each(community, group)
        thread_id = group.done.get("thread")
        try:
            thread = await self._thread(community, place, group, thread_id)
            thread_id = str(thread.id)
            for member in group.members:  # adding someone already in it changes nothing
                await thread.add_user(discord.Object(id=int(member)))
            sent = await self._send(thread, group.message, community, nonce=group.key)
            return {"thread": thread_id, "message": str(sent.id)}
        except discord.Forbidden:
            problem = "missing_permissions_in_intro_channel"
        except discord.NotFound:
            problem = "intro_channel_not_found"
        except DeliveryError as error:
            problem = error.reason
        except (discord.HTTPException, OSError) as error:  # the retry reuses the thread
            made = {"thread": thread_id} if thread_id else {}
            raise DeliveryError(type(error).__name__, receipt=made) from None
        # The intro channel is unusable (an organiser must fix it): the parties still meet,
        # by DM, and whoever completed the connection hears what to pass on.
        log.warning("intro channel unusable", extra={"guild": community, "problem": problem})
        receipt = await self._dm_each(community, replace(group, done={"fallback": "dm"}))
        raise DeliveryError(f"{problem}; sent as DMs instead", permanent=True, receipt=receipt)

    async def _thread(
        self, community: str, place: int, group: GroupConversation, made: str | None
    ) -> discord.Thread:
        """The thread an earlier attempt made, or a new private one in the intro channel."""
        if made:
            try:
                found = await self._channel_of(community, int(made))
            except discord.NotFound:  # deleted meanwhile: a new one, then
                found = None
            if isinstance(found, discord.Thread):
                return found
        parent = await self._channel_of(community, place)
        if not isinstance(parent, discord.TextChannel):
            raise DeliveryError("intro_channel_not_text", permanent=True)
        return await parent.create_thread(
            name=(group.title or "Introduction")[:THREAD_NAME_MAX],
            type=discord.ChannelType.private_thread,
            invitable=False,
        )

    async def _dm_each(self, community: str, group: GroupConversation) -> Receipt:
        """A DM to each party, each under its own nonce; those sent are in the receipt
        (kept on a failure too), so a retry sends only the missing ones."""
        receipt = dict(group.done, fallback="dm")
        failed: DeliveryError | None = None
        for number, member in enumerate(group.members):
            if receipt.get(f"dm.{member}"):
                continue
            key = None if group.key is None else f"{group.key}.{number}"
            try:
                sent = await self.send_dm(community, DirectMessage(member, group.message, key))
            except DeliveryError as error:  # one closed DM must not keep the others back
                failed = failed or error
                continue
            receipt[f"dm.{member}"] = sent["message"]
        if failed is not None:
            raise DeliveryError(failed.reason, permanent=failed.permanent, receipt=receipt)
        return receipt

    async def post(self, community: str, post: ChannelPost) -> Receipt:
        if post.done.get("message"):
            return post.done  # sent already: never twice
        place = channel_id(post.channel)
        if place is None:
            raise DeliveryError("channel_not_found", permanent=True)
        try:
            channel = await self._channel_of(community, place)
            if not isinstance(channel, discord.abc.Messageable):
                raise DeliveryError("channel_not_text", permanent=True)
            sent = await self._send(channel, post.message, community, nonce=post.key)
        except discord.Forbidden:
            raise DeliveryError("missing_permissions", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError("channel_not_found", permanent=True) from None
        except (discord.HTTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from None
        return {"channel": str(place), "message": str(sent.id)}

    async def _channel_of(
        self, community: str, place: int
    ) -> discord.abc.GuildChannel | discord.abc.PrivateChannel | discord.Thread:
        """The channel, if it is in the community's own guild: a channel id of another
        server the bot is in must not receive this community's posts and intros."""
        channel = self.client.get_channel(place) or await self.client.fetch_channel(place)
        guild = getattr(channel, "guild", None)
        if guild is None or str(guild.id) != community:
            raise DeliveryError("channel_not_in_this_server", permanent=True)
        return channel

    async def _send(
        self,
        channel: discord.abc.Messageable,
        message: Message,
        community: str,
        nonce: str | None = None,
    ) -> discord.Message:
        # With a nonce, Discord drops a repeat of the same message sent within minutes
        # (discord.py asks it to enforce the nonce): a prompt re-sent after a crash.
        options: dict[str, Any] = {"allowed_mentions": allowed_mentions(message)}
        buttons = view(message, community)
        if buttons is not None:
            options["view"] = buttons
        if nonce is not None:
            options["nonce"] = nonce
        sent = await channel.send(content(message), **options)
        self.sent += 1
        return sent
