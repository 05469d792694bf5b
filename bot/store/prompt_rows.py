"""The prompts table: schedule, cancel, claim due rows, record what happened."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.prompts import HELD, Prompt, PromptKind, PromptOutcome, PromptState
from bot.store.tables import communities, prompts

WAITING = (PromptState.PENDING.value, PromptState.DIGEST.value)
CLAIMABLE = (PromptState.PENDING.value, PromptState.SENDING.value)


class Prompts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def schedule(
        self,
        *,
        community_id: int,
        recipient_id: int,
        kind: str,
        due_at: datetime,
        key: str,
        now: datetime,
        subject_id: int | None = None,
        payload: dict[str, Any] | None = None,
        revive: bool = False,
    ) -> bool:
        """Add a prompt unless one with this key exists (sent, cancelled or waiting).

        `revive`: a cancelled prompt with this key comes back (a date set back again)."""
        values = {
            "community_id": community_id,
            "recipient_id": recipient_id,
            "kind": kind,
            "subject_id": subject_id,
            "due_at": due_at,
            "payload": payload or {},
            "state": PromptState.PENDING.value,
            "attempts": 0,
            "dedupe_key": key,
            "created_at": now,
        }
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        insert = make(prompts).values(**values)
        if revive:
            stmt = insert.on_conflict_do_update(
                index_elements=["dedupe_key"],
                set_={
                    "state": values["state"],
                    "due_at": due_at,
                    "payload": values["payload"],
                    "attempts": 0,
                    "last_error": None,
                },
                where=prompts.c.state == PromptState.CANCELLED.value,
            )
        else:
            stmt = insert.on_conflict_do_nothing(index_elements=["dedupe_key"])
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def schedule_many(
        self,
        *,
        community_id: int,
        kind: str,
        due_at: datetime,
        now: datetime,
        keys: Mapping[int, str],
    ) -> None:
        if not keys:
            return
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        rows: list[dict[str, Any]] = [
            {
                "community_id": community_id,
                "recipient_id": recipient,
                "kind": kind,
                "subject_id": None,
                "due_at": due_at,
                "payload": {},
                "state": PromptState.PENDING.value,
                "attempts": 0,
                "dedupe_key": key,
                "created_at": now,
            }
            for recipient, key in keys.items()
        ]
        stmt = make(prompts).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await self.session.execute(stmt, rows)

    async def move(self, key: str, due_at: datetime) -> None:
        """A waiting prompt is due at another time (e.g. "Not now": check back later)."""
        await self.session.execute(
            update(prompts)
            .where(prompts.c.dedupe_key == key, prompts.c.state == PromptState.PENDING.value)
            .values(due_at=due_at)
        )

    async def cancel(
        self,
        reason: str,
        *,
        subject_id: int | None = None,
        kinds: Iterable[str] | None = None,
        recipient_id: int | None = None,
        community_id: int | None = None,
    ) -> int:
        """Cancel waiting prompts whose reason went away; returns how many.

        Rows a dispatcher holds right now are skipped, not waited for: it checks the
        reason itself before sending, and waiting could deadlock with it."""
        found = select(prompts.c.id).where(prompts.c.state.in_(WAITING))
        if subject_id is not None:
            found = found.where(prompts.c.subject_id == subject_id)
        if kinds is not None:
            found = found.where(prompts.c.kind.in_(list(kinds)))
        if recipient_id is not None:
            found = found.where(prompts.c.recipient_id == recipient_id)
        if community_id is not None:
            found = found.where(prompts.c.community_id == community_id)
        result = await self.session.execute(
            update(prompts)
            .where(prompts.c.id.in_(found.with_for_update(skip_locked=True).scalar_subquery()))
            .values(state=PromptState.CANCELLED.value, last_error=reason[:200])
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def forget_payloads(self, subject_id: int, kind: str) -> None:
        """Drop what prompts about a member carry (their dates), sent ones included."""
        await self.session.execute(
            update(prompts)
            .where(prompts.c.subject_id == subject_id, prompts.c.kind == kind)
            .values(payload={})
        )

    async def bring_forward(self, recipient_id: int, now: datetime) -> None:
        """Resumed: what waited during a pause is due now (its window still applies)."""
        await self.session.execute(
            update(prompts)
            .where(
                prompts.c.recipient_id == recipient_id,
                prompts.c.state == PromptState.PENDING.value,
                prompts.c.last_error == HELD,
            )
            .values(due_at=now, last_error=None)
        )

    async def claim(
        self,
        now: datetime,
        limit: int,
        platforms: Iterable[str],
        *,
        keys: Collection[str] | None = None,
    ) -> Sequence[Prompt]:
        """Due rows on these platforms, locked: PostgreSQL skips rows another dispatcher
        holds; SQLite's write transaction (BEGIN IMMEDIATE) lets one dispatcher in.

        Oldest due first. PostgreSQL takes rows due at the same instant in the order of
        the due-time index: ordering them by id too would sort every due row on each
        claim (thousands of digests fall due at one midnight). SQLite's index already
        breaks ties by id."""
        order = [prompts.c.due_at]
        if self.session.get_bind().dialect.name != "postgresql":
            order.append(prompts.c.id)
        stmt = (
            select(Prompt)
            .join(communities, communities.c.id == prompts.c.community_id)
            .where(
                prompts.c.state.in_(CLAIMABLE),
                prompts.c.due_at <= now,
                communities.c.platform.in_(list(platforms)),
            )
            .order_by(*order)
            .limit(limit)
            .with_for_update(skip_locked=True, of=prompts)
        )
        if keys is not None:
            stmt = stmt.where(prompts.c.dedupe_key.in_(list(keys)))
        return (await self.session.scalars(stmt)).all()

    async def sent_since(
        self, recipient_ids: Iterable[int], since: datetime
    ) -> list[tuple[int, datetime]]:
        """(recipient, sent_at) of prompts sent since a time: the daily cap counts these."""
        rows = await self.session.execute(
            select(prompts.c.recipient_id, prompts.c.sent_at).where(
                prompts.c.recipient_id.in_(list(recipient_ids)),
                prompts.c.state == PromptState.SENT.value,
                prompts.c.sent_at >= since,
                prompts.c.attempts > 0,  # not the ones carried inside a digest
                prompts.c.kind != PromptKind.MESSAGE.value,
            )
        )
        return [(r, s) for r, s in rows]

    async def on_its_way(self, member_id: int) -> Sequence[Prompt]:
        stmt = (
            select(Prompt)
            .where(
                prompts.c.recipient_id == member_id,
                prompts.c.kind == PromptKind.MESSAGE.value,
                prompts.c.state.in_(CLAIMABLE),
            )
            .order_by(prompts.c.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def merged(self, recipient_id: int) -> Sequence[Prompt]:
        """Prompts held for this member's next digest."""
        stmt = (
            select(Prompt)
            .where(
                prompts.c.recipient_id == recipient_id,
                prompts.c.state == PromptState.DIGEST.value,
            )
            .order_by(prompts.c.id)
            .with_for_update()
        )
        return (await self.session.scalars(stmt)).all()

    async def counts(self, community_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(prompts.c.state, func.count())
            .where(prompts.c.community_id == community_id)
            .group_by(prompts.c.state)
        )
        return {state: int(n) for state, n in rows}

    async def addressed_to(self, recipient_id: int) -> Sequence[Prompt]:
        """Every prompt to this member, newest first (for their data export)."""
        stmt = (
            select(Prompt)
            .where(prompts.c.recipient_id == recipient_id)
            .order_by(prompts.c.due_at.desc())
        )
        return (await self.session.scalars(stmt)).all()

    async def record(self, outcomes: Sequence[PromptOutcome]) -> None:
        """One UPDATE for the batch, each row only while its claim still holds."""
        if not outcomes:
            return
        await self.session.execute(
            update(prompts)
            .where(
                prompts.c.id == bindparam("pid"),
                prompts.c.state == PromptState.SENDING.value,
                prompts.c.attempts == bindparam("claim"),
            )
            .values(
                state=bindparam("new_state"),
                due_at=bindparam("new_due"),
                last_error=bindparam("reason"),
                sent_at=bindparam("sent"),
            ),
            [
                {
                    "pid": o.prompt_id,
                    "claim": o.claim,
                    "new_state": o.state,
                    "new_due": o.due_at,
                    "reason": o.last_error[:200] if o.last_error else None,
                    "sent": o.sent_at,
                }
                for o in outcomes
            ],
        )
        # A command's message is said (or never will be): its words need not be kept.
        await self.session.execute(
            update(prompts)
            .where(
                prompts.c.id.in_([o.prompt_id for o in outcomes]),
                prompts.c.kind == PromptKind.MESSAGE.value,
                prompts.c.state.not_in(CLAIMABLE),
            )
            .values(payload={})
        )

    async def mark_digest_sent(self, prompt_ids: Iterable[int], now: datetime) -> None:
        wanted = list(prompt_ids)
        if not wanted:
            return
        await self.session.execute(
            update(prompts)
            .where(prompts.c.id.in_(wanted), prompts.c.state == PromptState.DIGEST.value)
            # attempts=0: never sent on its own, so the daily cap counts the digest, not
            # each thing in it
            .values(state=PromptState.SENT.value, sent_at=now, last_error=None, attempts=0)
        )
