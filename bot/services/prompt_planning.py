"""Core events become prompt rows, in the same transaction as the change that causes them.

Each function is called by a use case (or by the dispatcher) with its unit of work open;
nothing here sends anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.connections import Connection, Outcome, State
from bot.domain.members import Community, MemberSnapshot
from bot.domain.prompts import PromptKind
from bot.messages import Outbox
from bot.services.community_settings import duration, timezone_of
from bot.services.unit_of_work import UnitOfWork

CONSENT_KINDS = (PromptKind.CONSENT_REMINDER.value, PromptKind.CONSENT_EXPIRY.value)
FOLLOW_UP_KINDS = (
    PromptKind.CONNECT_CHECK.value,
    PromptKind.THANKS_PROMPT.value,
    PromptKind.KEEP_IN_TOUCH.value,
)


@dataclass
class Planner:
    """Schedules and cancels one community's prompts inside an open unit of work."""

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
        return duration(self.community, self.config, key)

    async def add(
        self,
        kind: PromptKind,
        recipient_id: int,
        due_at: datetime,
        key: str,
        *,
        subject_id: int | None = None,
        payload: dict[str, Any] | None = None,
        revive: bool = False,
    ) -> bool:
        if self.outbox is not None and due_at <= self.now:
            self.outbox.prompts_due = True
        return await self.uow.prompts.schedule(
            community_id=self.community_id,
            recipient_id=recipient_id,
            kind=kind.value,
            due_at=due_at,
            key=key,
            now=self.now,
            subject_id=subject_id,
            payload=payload,
            revive=revive,
        )

    # --- intros and requests ------------------------------------------------------------

    async def consent_requested(self, conn: Connection) -> None:
        """An intro or request went out: one reminder per party, then expiry."""
        assert conn.id is not None and conn.created_at is not None
        remind = conn.created_at + self.after("consent_reminder_after")
        for member_id in conn.awaiting():
            await self.add(
                PromptKind.CONSENT_REMINDER,
                member_id,
                remind,
                f"reminder:{conn.id}:{member_id}",
                subject_id=conn.id,
            )
        await self.add(
            PromptKind.CONSENT_EXPIRY,
            conn.initiator_id,
            conn.created_at + self.after("consent_expires_after"),
            f"expiry:{conn.id}:{conn.initiator_id}",
            subject_id=conn.id,
        )

    async def consent_answered(self, conn: Connection, member_id: int, *, snoozed: bool) -> None:
        assert conn.id is not None
        if snoozed:  # "Not now": the one reminder comes a while after this answer instead
            await self.uow.prompts.move(
                f"reminder:{conn.id}:{member_id}", self.now + self.after("consent_reminder_after")
            )
        else:
            await self.uow.prompts.cancel(
                "answered",
                subject_id=conn.id,
                kinds=[PromptKind.CONSENT_REMINDER.value],
                recipient_id=member_id,
            )
        if conn.state is not State.PENDING:
            await self.connection_closed(conn, "answered")
        if conn.state is State.CONNECTED:
            await self.connected(conn)

    async def connection_closed(self, conn: Connection, reason: str) -> None:
        """Declined, withdrawn or expired: nothing more to remind anyone of."""
        assert conn.id is not None
        await self.uow.prompts.cancel(reason, subject_id=conn.id, kinds=CONSENT_KINDS)

    async def connected(self, conn: Connection) -> None:
        """A connection opened: ask how it went, and later nudge to keep in touch."""
        assert conn.id is not None
        asker = conn.party_a_id  # the requester; for an intro, the first person named
        await self.add(
            PromptKind.CONNECT_CHECK,
            asker,
            self.now + self.after("connect_check_after"),
            f"check:{conn.id}:1",
            subject_id=conn.id,
            payload={"round": 1},
        )
        await self.add(
            PromptKind.KEEP_IN_TOUCH,
            asker,
            self.now + self.after("keep_in_touch_after"),
            f"keep:{conn.id}",
            subject_id=conn.id,
        )
        people = await self.uow.members.many(conn.parties)
        a, b = people[conn.party_a_id], people[conn.party_b_id]
        await self.occasions(a, [b])
        await self.occasions(b, [a])

    # --- after "did you connect?" -------------------------------------------------------

    async def ask_again(self, conn: Connection) -> None:
        assert conn.id is not None
        await self.add(
            PromptKind.CONNECT_CHECK,
            conn.party_a_id,
            self.now + self.after("connect_check_after"),
            f"check:{conn.id}:2",
            subject_id=conn.id,
            payload={"round": 2},
        )

    async def thanks_prompt(self, conn: Connection, to: list[int]) -> None:
        assert conn.id is not None
        await self.add(
            PromptKind.THANKS_PROMPT,
            conn.party_a_id,
            self.now,
            f"thanks:{conn.id}",
            subject_id=conn.id,
            payload={"to": to},
        )

    async def close_loop(self, conn: Connection, outcome: Outcome) -> None:
        assert conn.id is not None
        await self.add(
            PromptKind.LOOP_CLOSING,
            conn.initiator_id,
            self.now,
            f"loop:{conn.id}",
            subject_id=conn.id,
            payload={"outcome": outcome.value},
        )

    # --- members ------------------------------------------------------------------------

    async def member_gone(self, member_id: int, reason: str) -> None:
        """Forgotten: nothing goes to them, and nobody is reminded of their occasions."""
        await self.uow.prompts.cancel(reason, recipient_id=member_id)
        await self.uow.prompts.cancel(
            reason, subject_id=member_id, kinds=[PromptKind.OCCASION.value]
        )
        await self.uow.prompts.forget_payloads(member_id, PromptKind.OCCASION.value)

    async def occasions_changed(self, member: MemberSnapshot) -> None:
        """Birthday or work anniversary set, changed or removed: plan them afresh."""
        assert member.id is not None
        await self.uow.prompts.cancel(
            "date changed", subject_id=member.id, kinds=[PromptKind.OCCASION.value]
        )
        await self.occasions(member, await self.connected_to(member.id))

    async def connected_to(self, member_id: int) -> list[MemberSnapshot]:
        others = await self.uow.connections.connected_to(member_id)
        return [m for m in (await self.uow.members.many(others)).values() if not m.forgotten]

    async def occasions(
        self,
        celebrant: MemberSnapshot,
        recipients: list[MemberSnapshot],
        after: date | None = None,
    ) -> None:
        """The next birthday and work anniversary of someone who opted in, to each of the
        people they are connected with, on that day in the recipient's time zone."""
        assert celebrant.id is not None
        for name, month_day, since in _occasions_of(celebrant):
            for recipient in recipients:
                assert recipient.id is not None
                tz = timezone_of(self.community, recipient)
                today = self.now.astimezone(ZoneInfo(tz)).date()
                start = max(today, after + timedelta(days=1)) if after else today
                day = next_date(month_day, start)
                await self.add(
                    PromptKind.OCCASION,
                    recipient.id,
                    _local_midnight(day, tz),
                    f"occasion:{name}:{celebrant.id}:{recipient.id}:{day.isoformat()}",
                    subject_id=celebrant.id,
                    revive=True,
                    payload={
                        "occasion": name,
                        "date": day.isoformat(),
                        "years": day.year - since if since else None,
                    },
                )

    async def giver_digest(self, member: MemberSnapshot, week: date | None = None) -> None:
        """The weekly digest, due at the start of the member's next local week (the one
        after `week`, a Monday, when given)."""
        assert member.id is not None
        tz = timezone_of(self.community, member)
        local = week or self.now.astimezone(ZoneInfo(tz)).date()
        monday = local + timedelta(days=7 - local.weekday())
        year, number, _ = monday.isocalendar()
        await self.add(
            PromptKind.GIVER_DIGEST,
            member.id,
            _local_midnight(monday, tz),
            f"giver:{member.id}:{year}-{number:02d}",
            payload={"week": monday.isoformat()},
        )


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, datetime.min.time(), ZoneInfo(tz))


def _occasions_of(member: MemberSnapshot) -> list[tuple[str, str, int | None]]:
    """(occasion, "MM-DD", since-year) for each occasion the member opted in to."""
    found: list[tuple[str, str, int | None]] = []
    if member.birthday:
        found.append(("birthday", member.birthday, None))
    if member.work_anniversary:
        day = member.work_anniversary
        found.append(("work_anniversary", f"{day:%m-%d}", day.year))
    return found


def next_date(month_day: str, today: date) -> date:
    """The next time this MM-DD comes round, today included; 29 February falls on the
    28th in other years."""
    month, day = (int(x) for x in month_day.split("-"))
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = date(year, month, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")
