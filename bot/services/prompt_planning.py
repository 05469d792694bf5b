"""Core events become prompt rows, in the same transaction as the change that causes them.

Each method is called by a use case with its unit of work open; which kinds an event
plans is said here, everything about a kind in its declaration (bot/prompts/kinds/).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.connections import Connection, Outcome, State
from bot.domain.members import MemberSnapshot
from bot.prompts.kinds import (
    PROMPT_KINDS,
    consent,
    follow_up,
    giver_digest,
    keep_in_touch,
    occasion,
)
from bot.prompts.schedule import Schedule
from bot.prompts.spec import About


class Planner(Schedule):
    """Schedules and cancels one community's prompts inside an open unit of work."""

    # --- intros and requests ------------------------------------------------------------

    async def consent_requested(self, conn: Connection) -> dict[int, datetime]:
        """An intro or request goes out: each party gets it inside their contact window
        (at once when it is open), one reminder a while after it reached them, and the
        whole closes a while after the last party got it. When each party gets it."""
        assert conn.id is not None and conn.created_at is not None
        people = await self.uow.members.many(conn.awaiting())
        arrivals = {m: self.arrival(people[m]) for m in conn.awaiting()}
        for member_id, arrives in arrivals.items():
            await self.add(consent.REQUEST, member_id, self.now, subject_id=conn.id)
            self.send_soon(consent.REQUEST.dedupe_key(recipient=member_id, subject=conn.id))
            remind = arrives + self.after("consent_reminder_after")
            await self.add(consent.REMINDER, member_id, remind, subject_id=conn.id)
        conn.expires_at = max(arrivals.values(), default=self.now) + self.after(
            "consent_expires_after"
        )
        await self.add(consent.EXPIRY, conn.initiator_id, conn.expires_at, subject_id=conn.id)
        return arrivals

    async def consent_answered(self, conn: Connection, member_id: int, *, snoozed: bool) -> bool:
        """Record what an answer changes; for "Not now", whether the one reminder is
        still to come (it comes a while after this answer)."""
        assert conn.id is not None
        reminded = False
        if snoozed:
            later = self.now + self.after("consent_reminder_after")
            reminded = await self.move(
                consent.REMINDER, later, subject=conn.id, recipient=member_id
            )
            await self.snoozed(conn)
        else:
            await self.cancel(
                "answered", consent.REMINDER, subject_id=conn.id, recipient_id=member_id
            )
        if conn.state is not State.PENDING:
            await self.connection_closed(conn, "answered")
        if conn.state is State.CONNECTED:
            await self.connected(conn)
        return reminded

    async def snoozed(self, conn: Connection) -> None:
        """ "Not now" never runs into the expiry: it closes no sooner than a full
        period after this answer (counted from when the parties can next be reached)."""
        assert conn.id is not None
        people = await self.uow.members.many(conn.awaiting())
        opens = max((self.arrival(m) for m in people.values()), default=self.now)
        closes = opens + self.after("consent_expires_after")
        if conn.expires_at is None or closes > conn.expires_at:
            conn.expires_at = closes
            await self.move(consent.EXPIRY, closes, subject=conn.id, recipient=conn.initiator_id)

    async def connection_closed(self, conn: Connection, reason: str) -> None:
        """Declined, withdrawn or expired: nothing more to remind anyone of."""
        assert conn.id is not None
        await self.cancel(reason, *consent.KINDS, subject_id=conn.id)

    async def connected(self, conn: Connection) -> None:
        """A connection opened: ask how it went (the requester; each person an intro
        connected, separately), and later nudge to keep in touch."""
        assert conn.id is not None
        for member_id in conn.asked_how_it_went:
            await self.add(
                follow_up.CONNECT_CHECK,
                member_id,
                self.now + self.after("connect_check_after"),
                subject_id=conn.id,
                payload={"round": 1},
            )
        await self.add(
            keep_in_touch.KEEP_IN_TOUCH,
            conn.party_a_id,  # the requester; for an intro, the first person named
            self.now + self.after("keep_in_touch_after"),
            subject_id=conn.id,
        )
        people = await self.uow.members.many(conn.parties)
        a, b = people[conn.party_a_id], people[conn.party_b_id]
        await occasion.plan(self, a, [b])
        await occasion.plan(self, b, [a])

    # --- after "did you connect?" -------------------------------------------------------

    async def ask_again(self, conn: Connection, member_id: int) -> None:
        assert conn.id is not None
        await self.add(
            follow_up.CONNECT_CHECK,
            member_id,
            self.now + self.after("connect_check_after"),
            subject_id=conn.id,
            payload={"round": 2},
        )

    async def thanks_prompt(self, conn: Connection, member_id: int, to: list[int]) -> None:
        assert conn.id is not None
        await self.add(
            follow_up.THANKS_PROMPT,
            member_id,
            self.now,
            subject_id=conn.id,
            payload={"to": to},
        )

    async def close_loop(self, conn: Connection, party: int, outcome: Outcome) -> None:
        """The introducer hears what one of the two people said."""
        assert conn.id is not None
        await self.add(
            follow_up.LOOP_CLOSING,
            conn.initiator_id,
            self.now,
            subject_id=conn.id,
            payload={"outcome": outcome.value, "party": party},
        )

    # --- members ------------------------------------------------------------------------

    async def member_gone(self, member_id: int, reason: str) -> None:
        """Forgotten: nothing goes to them, and nobody is reminded of them (their
        occasions); what prompts about them carried is dropped, sent ones included."""
        await self.cancel(reason, recipient_id=member_id)
        about_them = [s for s in PROMPT_KINDS.values() if s.about is About.MEMBER]
        await self.cancel(reason, *about_them, subject_id=member_id)
        for spec in about_them:
            await self.uow.prompts.forget_payloads(member_id, spec.kind.value)

    async def occasions_changed(self, member: MemberSnapshot) -> None:
        """Birthday or work anniversary set, changed or removed: plan them afresh."""
        assert member.id is not None
        await self.cancel("date changed", occasion.OCCASION, subject_id=member.id)
        await occasion.plan(self, member, await occasion.connected_to(self.uow, member.id))

    async def giver_digest(self, member: MemberSnapshot) -> None:
        """Topics listed: the weekly digest starts next week."""
        await giver_digest.plan(self, member)
