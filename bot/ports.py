"""What the core needs from the outside world."""

from __future__ import annotations

from collections.abc import Mapping
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


# What the platform did with a message, in its own ids (Slack: the conversation and the
# message's ts; Discord: the thread or DM channel and the message id). Saved on the row,
# it lets a retry go on from where the last attempt stopped instead of starting over.
Receipt = Mapping[str, str]


class DeliveryError(Exception):
    """A message could not be delivered; `permanent` when retrying cannot help.

    `receipt`: what the platform did before it failed (a conversation opened, a thread
    made), for the retry to reuse."""

    def __init__(
        self, reason: str, *, permanent: bool = False, receipt: Receipt | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.receipt: Receipt = receipt or {}


class DatabaseUnavailable(Exception):
    """The database did not answer in time, or refused us: the transaction was rolled
    back, so nothing changed. Raised by the store; the core tells the member to retry."""


class OutcomeUnknown(DatabaseUnavailable):
    """The database stopped answering during the COMMIT itself: the change may have been
    saved or not, and nobody can tell until it is back. The member must not hear that
    nothing changed."""


class Messenger(Protocol):
    """Delivers the bot's own messages on one platform, for one community.

    Each item carries its delivery key and the receipt of earlier attempts; each call
    returns what the platform did (None where a platform keeps no ids, e.g. the console).
    """

    async def send_dm(self, community: str, dm: DirectMessage) -> Receipt | None: ...

    async def open_group(self, community: str, group: GroupConversation) -> Receipt | None: ...

    async def post(self, community: str, post: ChannelPost) -> Receipt | None: ...
