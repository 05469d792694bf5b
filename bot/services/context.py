"""What every handler gets: the transaction, who is acting, the time, the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.errors import UserError
from bot.domain.members import (
    Community,
    Member,
    MemberSnapshot,
    check_platform_id,
    forget_key,
)
from bot.domain.text import has_control_characters
from bot.domain.vocabulary import Vocabulary
from bot.messages import Message, Outbox
from bot.services.caches import Caches
from bot.services.commands import Actor, MemberRef
from bot.services.community_settings import setting
from bot.services.mentions import mention as mention  # re-exported: handlers import it here
from bot.services.mentions import mentions as mentions
from bot.services.prompt_planning import Planner
from bot.services.unit_of_work import UnitOfWork

LOAD_WINDOW = timedelta(days=30)


class NeedsWrite(Exception):
    """A read-only transaction found something to write; the command runs again as a write.

    (On SQLite a read transaction cannot safely turn into a write one under load.)"""


@dataclass
class Context:
    uow: UnitOfWork
    actor: Actor
    community: Community
    me: Member
    now: datetime
    config: Settings
    outbox: Outbox
    caches: Caches
    read_only: bool = False

    @property
    def community_id(self) -> int:
        assert self.community.id is not None
        return self.community.id

    async def vocabulary(self) -> Vocabulary:
        return await self.caches.vocabulary(self.uow, self.community_id)

    def vocabulary_changed(self) -> None:
        self.caches.forget_vocabulary(self.community_id)

    def setting(self, key: str) -> Any:
        """A community's own setting, else the deployment default."""
        return setting(self.community, self.config, key)

    @property
    def prompts(self) -> Planner:
        """Schedules and cancels prompts in this command's transaction."""
        return Planner(self.uow, self.community, self.config, self.now, self.outbox)

    async def member(self, ref: MemberRef) -> Member:
        """The member a platform names, created on first sight."""
        return await member_for(
            self.uow, self.community, ref, self.now, self.config, read_only=self.read_only
        )

    async def member_by_id(self, text: str) -> Member | None:
        """The member a button's value names by id, while still a member here."""
        member = await self.uow.members.get(int(text)) if text.isdigit() else None
        if member is None or member.community_id != self.community_id or member.forgotten:
            return None
        return member

    def dm(self, member: Member, message: Message) -> None:
        """Queue a DM, unless the member paused bot DMs or is gone."""
        if not member.paused and not member.forgotten:
            self.outbox.dm(member.platform_user_id, message)

    def tz(self, member: MemberSnapshot) -> ZoneInfo:
        return ZoneInfo(member.timezone or self.community.settings.get("timezone", "UTC"))

    def today(self, member: MemberSnapshot | None = None) -> date:
        return self.now.astimezone(self.tz(member or self.me)).date()

    def local_time(self, member: MemberSnapshot) -> str:
        local = self.now.astimezone(self.tz(member))
        zone = member.timezone or f"{self.tz(member).key}, time zone not set"
        return f"{local:%a %H:%M} their time ({zone})"


async def member_for(
    uow: UnitOfWork,
    community: Community,
    ref: MemberRef,
    now: datetime,
    config: Settings,
    *,
    read_only: bool = False,
    acting: bool = False,
) -> Member:
    """The member a platform names, created on first sight and kept up to date.

    `acting`: they are using the bot right now, so they are reachable again."""
    assert community.id is not None
    name = ref.display_name.strip()[:80] or ref.user_id
    if has_control_characters(name) or "\n" in name or "\t" in name:
        raise UserError("That member's name has control characters in it.")
    member = await uow.members.by_platform_id(community.id, ref.user_id)
    if member is not None:
        new_tz = bool(ref.timezone and not member.timezone)
        # A bare id is what an adapter says when the platform did not name them: never
        # better than the name known.
        renamed = name not in (member.display_name, ref.user_id) and not member.forgotten
        back = acting and member.unreachable is not None
        if (new_tz or renamed or back) and read_only:
            raise NeedsWrite
        if back:
            member.unreachable = None
        if new_tz:
            member.timezone = ref.timezone
        if renamed:
            member.display_name = name  # people rename themselves on the platform
        return member
    if read_only:
        raise NeedsWrite
    check_platform_id(ref.user_id, "member")
    capacity = community.settings.get("default_capacity", config.default_capacity)
    # Someone who used forget and comes back starts hidden, until they set up a profile.
    returning = await uow.members.forgot_before(community.id, forget_key(community.id, ref.user_id))
    return await uow.members.add(
        Member(
            community_id=community.id,
            platform_user_id=ref.user_id,
            display_name=name,
            capacity=int(capacity),
            timezone=ref.timezone,
            created_at=now,
            discoverable=not returning,
            hidden_until_setup=returning,
        )
    )
