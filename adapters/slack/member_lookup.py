"""Finding the Slack members an imported list names: by email (users.lookupByEmail) or
by user id (users.info), within Slack's rate limits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import UserError
from bot.domain.member_import import Identity
from bot.services.commands import MemberRef
from bot.services.member_import import LookupRefused

log = logging.getLogger(__name__)

NOT_FOUND = {"users_not_found", "user_not_found", "account_inactive"}
RETRIES = 8  # 429s in a row for one look-up before giving up on that row


MAX_FILE_BYTES = 20 * 1024 * 1024  # far past any association's member list


async def download(client: AsyncWebClient, file_id: str) -> bytes:
    """A file shared with the bot: files.info for its private address, then the download
    with the bot token (through the client's own HTTP session settings)."""
    try:
        info = await client.files_info(file=file_id)
    except SlackApiError as error:
        reason = error.response.get("error")
        raise UserError(f"Slack didn't give me that file ({reason}).") from None
    found = info.get("file") or {}
    if int(found.get("size") or 0) > MAX_FILE_BYTES:
        raise UserError("That file is too big for a member list (over 20 MB).")
    url = found.get("url_private_download") or found.get("url_private")
    if not url:
        raise UserError("Slack didn't give me an address to download that file from.")
    headers = {"Authorization": f"Bearer {client.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=headers, allow_redirects=False) as response,
    ):
        if response.status != 200:
            raise UserError(f"Slack refused the file's download (HTTP {response.status}).")
        return await response.read()


class SlackMemberLookup:
    """`sleep`: how Retry-After is waited out (the tests' clock records it instead)."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.sleep = sleep
        # One 429 pauses every look-up, not just the one that got it: Slack limits the
        # method for the whole app.
        self._open = asyncio.Event()
        self._open.set()
        self.waited = 0.0  # seconds spent honouring Retry-After

    async def find(self, who: Identity) -> list[MemberRef]:
        if who.user_id:
            user = await self._call("users.info", user=who.user_id)
        elif who.email:
            user = await self._call("users.lookupByEmail", email=who.email)
        else:
            raise LookupRefused("Slack finds members by email or user id, not by name")
        if user is None or user.get("deleted") or user.get("is_bot"):
            return []
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name")
        return [MemberRef(str(user["id"]), str(name or user["id"]), user.get("tz") or None)]

    async def _call(self, method: str, **params: str) -> dict[str, Any] | None:
        for _ in range(RETRIES):
            await self._open.wait()
            try:
                response = await self.client.api_call(method, params=params)
            except SlackApiError as error:
                if error.response.status_code == 429:
                    headers = {k.lower(): v for k, v in error.response.headers.items()}
                    await self._pause(headers.get("retry-after", "1"))
                    continue
                if error.response.get("error") in NOT_FOUND:
                    return None
                reason = error.response.get("error")
                raise LookupRefused(f"Slack refused the look-up ({reason})") from None
            user = response.get("user")
            return user if isinstance(user, dict) else None
        raise LookupRefused("Slack kept asking to slow down; try this row again later")

    async def _pause(self, retry_after: object) -> None:
        try:
            seconds = max(1.0, float(str(retry_after)))
        except ValueError:
            seconds = 1.0
        if not self._open.is_set():  # another look-up is waiting it out already
            return
        self._open.clear()
        log.info("Slack rate limit: waiting", extra={"seconds": seconds})
        try:
            await self.sleep(seconds)
            self.waited += seconds
        finally:
            self._open.set()
