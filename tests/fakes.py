"""Test doubles for the core's ports: a clock we move by hand, a messenger that records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.messages import ChannelPost, DirectMessage, GroupConversation, Message
from bot.ports import DeliveryError


@dataclass
class FakeClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 10, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@dataclass
class Sent:
    kind: str  # dm | group | channel
    to: tuple[str, ...]
    message: Message

    @property
    def text(self) -> str:
        return self.message.plain_text()


@dataclass
class FakeMessenger:
    sent: list[Sent] = field(default_factory=list)
    fail_for: set[str] = field(default_factory=set)  # user ids whose DMs fail
    # user ids whose DMs fail for now (a platform outage, a rate limit): worth retrying
    down_for: set[str] = field(default_factory=set)
    attempts: list[DirectMessage] = field(default_factory=list)  # every send_dm call

    async def send_dm(self, community: str, dm: DirectMessage) -> None:
        self.attempts.append(dm)
        if dm.recipient in self.fail_for:
            raise DeliveryError("dms closed", permanent=True)
        if dm.recipient in self.down_for:
            raise DeliveryError("platform unavailable")
        self.sent.append(Sent("dm", (dm.recipient,), dm.message))

    async def open_group(self, community: str, group: GroupConversation) -> None:
        self.sent.append(Sent("group", group.members, group.message))

    async def post(self, community: str, post: ChannelPost) -> None:
        self.sent.append(Sent("channel", (post.channel,), post.message))

    def to(self, user_id: str, kind: str = "dm") -> list[Sent]:
        return [s for s in self.sent if s.kind == kind and user_id in s.to]

    def clear(self) -> None:
        self.sent.clear()
