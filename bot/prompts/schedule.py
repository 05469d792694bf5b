"""Adding, moving and cancelling prompt rows, as each kind's declaration says.

Nothing here sends anything: the rows wait in the open unit of work's transaction, with
the change that caused them, until the dispatcher claims them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.domain.members import Community, MemberSnapshot
from bot.messages import Outbox
from bot.prompts.spec import PromptKindSpec
from bot.services.community_settings import duration, timezone_of
from bot.services.unit_of_work import UnitOfWork


@dataclass
class Schedule:
    """One community's prompt rows inside an open unit of work."""

    uow: UnitOfWork
    community: Community
    config: Settings
    now: datetime
    outbox: Outbox | None = None  # told when a prompt is due at once, to send it soon

    @property
    def community_id(self) -> int:
        assert self.community.id is not None
        return self.community.id

    def after(self, key: str) -> timedelta:
        """One of the community's prompt durations (e.g. "keep_in_touch_after")."""
        return duration(self.community, self.config, key)

    async def add(
        self,
        spec: PromptKindSpec,
        recipient_id: int,
        due_at: datetime,
        *,
        subject_id: int | None = None,
        payload: dict[str, Any] | None = None,
        revive: bool = False,
        **key_parts: object,
    ) -> bool:
        """Plan one prompt, unless its dedupe key is taken; True when it was added."""
        if self.outbox is not None and due_at <= self.now:
            self.outbox.prompts_due = True
        key = spec.dedupe_key(
            recipient=recipient_id, subject=subject_id, **(payload or {}), **key_parts
        )
        return await self.uow.prompts.schedule(
            community_id=self.community_id,
            recipient_id=recipient_id,
            kind=spec.kind.value,
            due_at=due_at,
            key=key,
            now=self.now,
            subject_id=subject_id,
            payload=payload,
            revive=revive,
        )

    async def move(self, spec: PromptKindSpec, due_at: datetime, **key_parts: object) -> bool:
        """The waiting prompt with this key is due at another time; False if none waits."""
        return await self.uow.prompts.move(spec.dedupe_key(**key_parts), due_at)

    def arrival(self, member: MemberSnapshot) -> datetime:
        """When a prompt planned now would reach this member: now, or the next opening
        of their contact window in their time zone."""
        return member.window().next_open(self.now, timezone_of(self.community, member))

    def send_soon(self, key: str) -> None:
        """Have the command's process send this row right after its commit (the
        dispatcher's rules still apply: outside the window it waits for it)."""
        if self.outbox is not None:
            self.outbox.keys.append(key)

    async def cancel(
        self,
        reason: str,
        *specs: PromptKindSpec,
        subject_id: int | None = None,
        recipient_id: int | None = None,
    ) -> None:
        """Cancel the waiting prompts of these kinds (of any kind, if none is named)."""
        kinds = [spec.kind.value for spec in specs] if specs else None
        await self.uow.prompts.cancel(
            reason, subject_id=subject_id, kinds=kinds, recipient_id=recipient_id
        )
