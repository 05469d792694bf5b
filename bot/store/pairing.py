"""Pairing channels, participants, rounds and seats: plain SQL, in bulk where a round
of 100,000 members needs it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.connections import State
from bot.domain.pairing import Pair
from bot.domain.pairing_rounds import (
    Answer,
    PairingChannel,
    Participant,
    Presence,
    Round,
    RoundSummary,
    Seat,
)
from bot.store.tables import (
    connections,
    pairing_channels,
    pairing_participants,
    pairing_rounds,
    pairing_seats,
)

_CHUNK = 5_000  # rows per INSERT: below every backend's parameter limit


def _channel(row: Any) -> PairingChannel:
    return PairingChannel(
        community_id=row.community_id,
        channel=row.channel,
        every_weeks=row.every_weeks,
        weekday=row.weekday,
        at=row.at,
        timezone=row.timezone,
        size=row.size,
        active=row.active,
        settings=dict(row.settings or {}),
        next_round_at=row.next_round_at,
        created_at=row.created_at,
        id=row.id,
    )


def _participant(row: Any) -> Participant:
    return Participant(
        channel_id=row.channel_id,
        member_id=row.member_id,
        presence=Presence(row.presence),
        skip_next=row.skip_next,
        missed=row.missed,
        joined_at=row.joined_at,
        group=row.group_label,
    )


def _round(row: Any) -> Round:
    return Round(
        channel_id=row.channel_id,
        planned_for=row.planned_for,
        seed=row.seed,
        number=row.number,
        created_at=row.created_at,
        check_at=row.check_at,
        id=row.id,
    )


def _seat(row: Any) -> Seat:
    return Seat(
        row.round_id, row.group_no, row.member_id, Answer(row.answer) if row.answer else None
    )


class Pairings:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- channels ---------------------------------------------------------------------

    async def channel(self, community_id: int, channel: str) -> PairingChannel | None:
        stmt = select(pairing_channels).where(
            pairing_channels.c.community_id == community_id, pairing_channels.c.channel == channel
        )
        row = (await self.session.execute(stmt)).first()
        return _channel(row) if row else None

    async def channel_by_id(self, channel_id: int) -> PairingChannel | None:
        stmt = select(pairing_channels).where(pairing_channels.c.id == channel_id)
        row = (await self.session.execute(stmt)).first()
        return _channel(row) if row else None

    async def channels(self, community_id: int) -> list[PairingChannel]:
        stmt = (
            select(pairing_channels)
            .where(pairing_channels.c.community_id == community_id)
            .order_by(pairing_channels.c.id)
        )
        return [_channel(r) for r in await self.session.execute(stmt)]

    async def save_channel(self, ch: PairingChannel) -> PairingChannel:
        values = {
            "community_id": ch.community_id,
            "channel": ch.channel,
            "every_weeks": ch.every_weeks,
            "weekday": ch.weekday,
            "at": ch.at,
            "timezone": ch.timezone,
            "size": ch.size,
            "active": ch.active,
            "settings": dict(ch.settings),
            "next_round_at": ch.next_round_at,
            "created_at": ch.created_at,
        }
        if ch.id is None:
            result = await self.session.execute(
                insert(pairing_channels).values(values).returning(pairing_channels.c.id)
            )
            ch.id = result.scalar_one()
        else:
            await self.session.execute(
                update(pairing_channels).where(pairing_channels.c.id == ch.id).values(values)
            )
        return ch

    async def due(self, now: datetime, limit: int = 20) -> list[PairingChannel]:
        """Active channels whose next round is due, the longest waiting first."""
        stmt = (
            select(pairing_channels)
            .where(pairing_channels.c.active, pairing_channels.c.next_round_at <= now)
            .order_by(pairing_channels.c.next_round_at, pairing_channels.c.id)
            .limit(limit)
        )
        return [_channel(r) for r in await self.session.execute(stmt)]

    # --- participants -----------------------------------------------------------------

    async def participants(self, channel_id: int) -> list[Participant]:
        stmt = (
            select(pairing_participants)
            .where(pairing_participants.c.channel_id == channel_id)
            .order_by(pairing_participants.c.member_id)
        )
        return [_participant(r) for r in await self.session.execute(stmt)]

    async def memberships(self, member_id: int) -> list[Participant]:
        stmt = (
            select(pairing_participants)
            .where(pairing_participants.c.member_id == member_id)
            .order_by(pairing_participants.c.channel_id)
        )
        return [_participant(r) for r in await self.session.execute(stmt)]

    async def save_participant(self, p: Participant) -> None:
        values = {
            "presence": p.presence.value,
            "skip_next": p.skip_next,
            "missed": p.missed,
            "joined_at": p.joined_at,
            "group_label": p.group,
        }
        where = and_(
            pairing_participants.c.channel_id == p.channel_id,
            pairing_participants.c.member_id == p.member_id,
        )
        result = await self.session.execute(
            update(pairing_participants).where(where).values(values)
        )
        if getattr(result, "rowcount", 0) == 0:
            await self.session.execute(
                insert(pairing_participants).values(
                    channel_id=p.channel_id, member_id=p.member_id, **values
                )
            )

    async def clear_skips(self, channel_id: int) -> None:
        await self.session.execute(
            update(pairing_participants)
            .where(
                pairing_participants.c.channel_id == channel_id, pairing_participants.c.skip_next
            )
            .values(skip_next=False)
        )

    # --- rounds and seats -------------------------------------------------------------

    async def start_round(self, item: Round) -> Round | None:
        """Saved with its id; None when this channel already has a round for that slot."""
        values = {
            "channel_id": item.channel_id,
            "planned_for": item.planned_for,
            "seed": item.seed,
            "number": item.number,
            "created_at": item.created_at,
            "check_at": item.check_at,
        }
        try:
            async with self.session.begin_nested():
                result = await self.session.execute(
                    insert(pairing_rounds).values(values).returning(pairing_rounds.c.id)
                )
        except IntegrityError:
            return None
        item.id = result.scalar_one()
        return item

    async def add_seats(self, round_id: int, groups: Sequence[Sequence[int]]) -> None:
        rows = [
            {"round_id": round_id, "member_id": m, "group_no": no, "answer": None}
            for no, group in enumerate(groups)
            for m in group
        ]
        for i in range(0, len(rows), _CHUNK):
            await self.session.execute(insert(pairing_seats), rows[i : i + _CHUNK])

    async def latest_round(self, channel_id: int) -> Round | None:
        stmt = (
            select(pairing_rounds)
            .where(pairing_rounds.c.channel_id == channel_id)
            .order_by(pairing_rounds.c.planned_for.desc())
            .limit(1)
        )
        row = (await self.session.execute(stmt)).first()
        return _round(row) if row else None

    async def get_round(self, round_id: int) -> Round | None:
        row = (
            await self.session.execute(
                select(pairing_rounds).where(pairing_rounds.c.id == round_id)
            )
        ).first()
        return _round(row) if row else None

    async def seats(self, round_id: int) -> list[Seat]:
        stmt = (
            select(pairing_seats)
            .where(pairing_seats.c.round_id == round_id)
            .order_by(pairing_seats.c.group_no, pairing_seats.c.member_id)
        )
        return [_seat(r) for r in await self.session.execute(stmt)]

    async def seats_of(self, member_id: int) -> list[Seat]:
        stmt = (
            select(pairing_seats)
            .where(pairing_seats.c.member_id == member_id)
            .order_by(pairing_seats.c.round_id)
        )
        return [_seat(r) for r in await self.session.execute(stmt)]

    async def met_pairs(self, community_id: int) -> set[Pair]:
        """Every pair of members who were ever in a group together, in any pairing
        channel of the community."""
        stmt = (
            select(pairing_seats.c.round_id, pairing_seats.c.group_no, pairing_seats.c.member_id)
            .join(pairing_rounds, pairing_rounds.c.id == pairing_seats.c.round_id)
            .join(pairing_channels, pairing_channels.c.id == pairing_rounds.c.channel_id)
            .where(pairing_channels.c.community_id == community_id)
            .order_by(pairing_seats.c.round_id, pairing_seats.c.group_no)
        )
        pairs: set[Pair] = set()
        group: list[int] = []
        current: tuple[int, int] | None = None
        for round_id, group_no, member_id in await self.session.execute(stmt):
            if (round_id, group_no) != current:
                current, group = (round_id, group_no), []
            for other in group:
                pairs.add((other, member_id) if other < member_id else (member_id, other))
            group.append(member_id)
        return pairs

    async def connected_pairs(self, community_id: int) -> set[Pair]:
        """Members already connected through an accepted intro or ask."""
        stmt = select(connections.c.pair_low, connections.c.pair_high).where(
            connections.c.community_id == community_id,
            connections.c.state == State.CONNECTED.value,
        )
        return {(a, b) for a, b in await self.session.execute(stmt)}

    async def answer(self, round_id: int, member_id: int, answer: Answer, now: datetime) -> bool:
        """Record a member's answer; False when they have no seat in that round."""
        result = await self.session.execute(
            update(pairing_seats)
            .where(pairing_seats.c.round_id == round_id, pairing_seats.c.member_id == member_id)
            .values(answer=answer.value, answered_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def summaries(self, channel_id: int, limit: int = 5) -> list[RoundSummary]:
        """The channel's last rounds, newest first, with how many groups met."""
        stmt = (
            select(pairing_rounds)
            .where(pairing_rounds.c.channel_id == channel_id)
            .order_by(pairing_rounds.c.planned_for.desc())
            .limit(limit)
        )
        rounds = [_round(r) for r in await self.session.execute(stmt)]
        return [await self._summary(r) for r in rounds]

    async def attendance(self, community_id: int, since: datetime) -> list[RoundSummary]:
        """Every round of the community's pairing channels since then, oldest first:
        members paired, answers and met rate (the organisers' dashboard reads this)."""
        stmt = (
            select(pairing_rounds)
            .join(pairing_channels, pairing_channels.c.id == pairing_rounds.c.channel_id)
            .where(
                pairing_channels.c.community_id == community_id,
                pairing_rounds.c.planned_for >= since,
            )
            .order_by(pairing_rounds.c.planned_for, pairing_rounds.c.id)
        )
        rounds = [_round(r) for r in await self.session.execute(stmt)]
        return [await self._summary(r) for r in rounds]

    async def _summary(self, r: Round) -> RoundSummary:
        assert r.id is not None
        seats = pairing_seats.c
        stmt = select(
            func.count(),
            func.count(func.distinct(seats.group_no)),
            func.count(seats.answer),
        ).where(seats.round_id == r.id)
        members, groups, answered = (await self.session.execute(stmt)).one()
        met_stmt = select(func.count(func.distinct(seats.group_no))).where(
            seats.round_id == r.id, seats.answer == Answer.YES.value
        )
        met = (await self.session.execute(met_stmt)).scalar_one()
        return RoundSummary(r.id, r.channel_id, r.planned_for, groups, members, answered, met)

    async def forget(self, member_id: int) -> None:
        """A forgotten member leaves every pairing channel and every round."""
        await self.session.execute(
            delete(pairing_participants).where(pairing_participants.c.member_id == member_id)
        )
        await self.session.execute(
            delete(pairing_seats).where(pairing_seats.c.member_id == member_id)
        )
