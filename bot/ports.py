"""What the core needs from the outside world."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from bot.messages import ChannelPost, DirectMessage, GroupConversation


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class DeliveryError(Exception):
    """A message could not be delivered; `permanent` when retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class DatabaseUnavailable(Exception):
    """The database did not answer in time, or refused us: the transaction was rolled
    back, so nothing changed. Raised by the store; the core tells the member to retry."""


class Messenger(Protocol):
    """Delivers the bot's own messages on one platform, for one community."""

    async def send_dm(self, community: str, dm: DirectMessage) -> None: ...

    async def open_group(self, community: str, group: GroupConversation) -> None: ...

    async def post(self, community: str, post: ChannelPost) -> None: ...
