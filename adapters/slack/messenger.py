"""Delivers the core's messages through the Slack Web API, by kind of failure.

Each send returns its receipt: the conversation (from conversations.open or the
channel) and the posted message's ts. When the conversation was opened but the post
failed, the error carries the conversation, and the retry posts there without opening
it again. A receipt with a ts was posted: that key is never posted again. Each message
carries its delivery key in Slack's message metadata, so it says which row it came from.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.parsing import channel_id
from adapters.slack.render import blocks, fallback_text
from bot.messages import ChannelPost, DirectMessage, GroupConversation, Message
from bot.ports import DeliveryError, Receipt

log = logging.getLogger(__name__)

# Errors that mean this member cannot get DMs: retrying will not help. (Not
# account_inactive: Slack says that of the bot's own token, e.g. after an uninstall, and
# taking it for the member's would hide every member it was trying to reach.)
UNREACHABLE = {"user_not_found", "cannot_dm_bot", "user_disabled"}
# Errors that need an organiser (reinstall, invite the bot, grant a scope).
PERMANENT = UNREACHABLE | {
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "missing_scope",
    "not_authed",
    "invalid_auth",
    "token_revoked",
    "account_inactive",
}
ClientFor = Callable[[str], Awaitable[AsyncWebClient]]
OnUnreachable = Callable[[str, str, str], Awaitable[None]]  # team, user, reason
KEY_EVENT = "networker_delivery"  # the metadata event type that carries a delivery key


class SlackMessenger:
    def __init__(self, client_for: ClientFor, on_unreachable: OnUnreachable) -> None:
        self.client_for = client_for
        self.on_unreachable = on_unreachable
        self.sent = 0

    async def send_dm(self, community: str, dm: DirectMessage) -> Receipt:
        return await self._open_and_post(community, [dm.recipient], dm.message, dm.key, dm.done)

    async def open_group(self, community: str, group: GroupConversation) -> Receipt:
        # conversations.open with several users opens (or finds) their group DM.
        return await self._open_and_post(
            community, list(group.members), group.message, group.key, group.done
        )

    async def post(self, community: str, post: ChannelPost) -> Receipt:
        if post.done.get("ts"):
            return post.done  # posted already: never twice
        client = await self.client_for(community)
        channel = channel_id(post.channel)
        return await self._post(community, None, client, channel, post.message, post.key)

    async def _open_and_post(
        self,
        community: str,
        users: list[str],
        message: Message,
        key: str | None,
        done: Receipt,
    ) -> Receipt:
        if done.get("ts"):
            return done  # posted already: never twice
        client = await self.client_for(community)
        only = users[0] if len(users) == 1 else None
        channel = done.get("channel")
        if not channel:
            opened = await self._call(
                community, only, client.conversations_open(users=",".join(users))
            )
            channel = str(opened["channel"]["id"])
        return await self._post(community, only, client, channel, message, key)

    async def _post(
        self,
        community: str,
        user: str | None,
        client: AsyncWebClient,
        channel: str,
        message: Message,
        key: str | None,
    ) -> Receipt:
        options: dict[str, Any] = {}
        if key is not None:
            options["metadata"] = {"event_type": KEY_EVENT, "event_payload": {"key": key}}
        try:
            posted = await self._call(
                community,
                user,
                client.chat_postMessage(
                    channel=channel,
                    text=fallback_text(message),
                    blocks=blocks(message),
                    **options,
                ),
            )
        except DeliveryError as error:  # the conversation is open: the retry posts there
            raise DeliveryError(
                error.reason, permanent=error.permanent, receipt={"channel": channel}
            ) from None
        self.sent += 1
        return {"channel": str(posted.get("channel") or channel), "ts": str(posted["ts"])}

    async def _call(self, community: str, user: str | None, request: Awaitable[Any]) -> Any:
        try:
            response = await request
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            if user and code in UNREACHABLE:
                await self.on_unreachable(community, user, code)
            raise DeliveryError(code, permanent=code in PERMANENT) from None
        except (OSError, TimeoutError) as error:  # network: worth another try later
            raise DeliveryError(type(error).__name__) from None
        return response
