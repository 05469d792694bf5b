"""Who is acting, and whom they name, for one Slack request.

Before Slack has its answer (3 s), the users.info calls a request needs share one
deadline. A member Slack is slow to describe (a stalled call, or a 429 whose Retry-After
runs past the deadline) is taken as the payload names them: no time zone, not known to be
an organiser. They are in `late`, for the listener to look up again after the answer.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.directory import Directory, SlackUser
from bot.domain.errors import UserError
from bot.services.commands import MemberRef

log = logging.getLogger(__name__)

# Half of Slack's 3 s, leaving the rest for the command itself and the network.
BEFORE_ANSWER_SECONDS = 1.5


class Lookups:
    def __init__(
        self,
        directory: Directory,
        client: AsyncWebClient,
        team: str,
        *,
        seconds: float | None = BEFORE_ANSWER_SECONDS,
    ) -> None:
        """`seconds`: the shared deadline from now; None after the answer (no deadline)."""
        self.directory = directory
        self.client = client
        self.team = team
        self.deadline = None if seconds is None else asyncio.get_running_loop().time() + seconds
        self.late: list[str] = []

    async def acting(self, user_id: str, *, exact: bool) -> SlackUser | None:
        """What Slack says of the member acting: from the cache, or asked first only when
        it matters (`exact`); None when unknown."""
        found = self.directory.cached(self.team, user_id)
        if found is None and exact:
            found = await self._lookup(user_id)
        return found

    async def named(self, user_id: str, name: str | None) -> MemberRef:
        """A member a command names: one who exists in Slack and is not a bot."""
        found = await self._lookup(user_id)
        if found is None:
            return MemberRef(user_id, name or user_id)
        if found.is_bot:
            raise UserError(f"{found.ref.display_name} is a bot, not a member.")
        return found.ref

    async def _lookup(self, user_id: str) -> SlackUser | None:
        try:
            return await self.directory.lookup(
                self.client, self.team, user_id, deadline=self.deadline
            )
        except TimeoutError:
            log.warning("users.info too slow to wait for", extra={"user": user_id})
            self.late.append(user_id)
            return None
