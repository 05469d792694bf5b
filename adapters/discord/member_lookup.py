"""Finding the Discord members an imported list names: by user id (one member fetch, no
privileged intent needed) or by username among the guild's members (member search).
discord.py waits out Discord's rate limits itself."""

from __future__ import annotations

from typing import Any

import discord
from discord.http import HTTPClient, Route

from bot.domain.member_import import Identity
from bot.services.commands import MemberRef
from bot.services.member_import import LookupRefused

SEARCH_LIMIT = 1000  # Discord's most per search


class DiscordMemberLookup:
    def __init__(self, http: HTTPClient, guild_id: str) -> None:
        self.http = http
        self.guild_id = guild_id

    async def find(self, who: Identity) -> list[MemberRef]:
        if who.user_id:
            if not who.user_id.isdigit():
                return []
            try:
                found = await self.http.get_member(self.guild_id, who.user_id)
            except discord.NotFound:
                return []
            return [_ref(found)]
        if who.username:
            name = who.username.casefold()
            route = Route("GET", "/guilds/{guild_id}/members/search", guild_id=self.guild_id)
            found_many: list[dict[str, Any]] = await self.http.request(
                route, params={"query": who.username, "limit": SEARCH_LIMIT}
            )
            # The search matches by prefix: only an exact name counts.
            return [_ref(m) for m in found_many if name in _names(m)]
        raise LookupRefused("Discord doesn't share members' emails: give a user id or username")


def _names(member: Any) -> set[str]:
    user = member.get("user") or {}
    return {
        str(n).casefold()
        for n in (user.get("username"), user.get("global_name"), member.get("nick"))
        if n
    }


def _ref(member: Any) -> MemberRef:
    user = member.get("user") or {}
    name = member.get("nick") or user.get("global_name") or user.get("username") or user["id"]
    return MemberRef(str(user["id"]), str(name))
