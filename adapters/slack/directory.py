"""Who a Slack user is (name, time zone, admin), from users.info, cached briefly."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import UserError
from bot.services.commands import MemberRef

CACHE_SECONDS = 600.0


@dataclass(frozen=True)
class SlackUser:
    ref: MemberRef
    is_admin: bool
    is_bot: bool


class Directory:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], tuple[float, SlackUser]] = {}

    def cached(self, team: str, user_id: str) -> SlackUser | None:
        hit = self._cache.get((team, user_id))
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        return None

    async def lookup(
        self, client: AsyncWebClient, team: str, user_id: str, *, deadline: float | None = None
    ) -> SlackUser:
        """users.info; a user who does not exist (or left) is a friendly UserError.

        `deadline` (the event loop's clock): TimeoutError when Slack has not answered by
        then, also while slack_sdk waits out a 429's Retry-After."""
        found = self.cached(team, user_id)
        if found:
            return found
        try:
            async with asyncio.timeout_at(deadline):
                response = await client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") in {"user_not_found", "account_inactive"}:
                raise UserError("I can't find that member in this workspace.") from None
            raise
        user = response.get("user") or {}
        if user.get("deleted"):
            raise UserError("That member has left this workspace.")
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
        found = SlackUser(
            MemberRef(user_id, name, user.get("tz") or None),
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            is_bot=bool(user.get("is_bot")),
        )
        self._cache[(team, user_id)] = (time.monotonic(), found)
        return found
