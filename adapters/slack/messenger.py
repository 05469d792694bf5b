"""Delivers the core's messages through the Slack Web API, by kind of failure."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.parsing import channel_id
from adapters.slack.render import blocks, fallback_text
from bot.messages import ChannelPost, DirectMessage, GroupConversation, Message
from bot.ports import DeliveryError

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


class SlackMessenger:
    def __init__(self, client_for: ClientFor, on_unreachable: OnUnreachable) -> None:
        self.client_for = client_for
        self.on_unreachable = on_unreachable
        self.sent = 0

    async def send_dm(self, community: str, dm: DirectMessage) -> None:
        await self._open_and_post(community, [dm.recipient], dm.message)

    async def open_group(self, community: str, group: GroupConversation) -> None:
        # conversations.open with several users opens (or finds) their group DM.
        await self._open_and_post(community, list(group.members), group.message)

    async def post(self, community: str, post: ChannelPost) -> None:
        client = await self.client_for(community)
        await self._call(
            community,
            None,
            client.chat_postMessage(
                channel=channel_id(post.channel),
                text=fallback_text(post.message),
                blocks=blocks(post.message),
            ),
        )

    async def _open_and_post(self, community: str, users: list[str], message: Message) -> None:
        client = await self.client_for(community)
        only = users[0] if len(users) == 1 else None
        opened = await self._call(community, only, client.conversations_open(users=",".join(users)))
        channel = opened["channel"]["id"]
        await self._call(
            community,
            only,
            client.chat_postMessage(
                channel=channel, text=fallback_text(message), blocks=blocks(message)
            ),
        )
        self.sent += 1

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
