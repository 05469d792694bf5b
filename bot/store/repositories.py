"""Repositories: the queries the use cases need, one class per aggregate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.activity import AskSummary, CommunityHealth, TopicDemand
from bot.domain.connections import OPEN_STATES, Connection, Kind, State
from bot.domain.member_import import ImportRecord
from bot.domain.members import Community, Member, MemberSnapshot
from bot.domain.thanks import Endorsement, Thanks
from bot.store.tables import (
    communities,
    community_topics,
    connections,
    endorsements,
    member_imports,
    member_topics,
    members,
    processed_events,
    thanks,
    topic_aliases,
)

ROW_ID_MAX = 2**31 - 1  # the Integer primary keys' range on every backend


def is_row_id(value: int) -> bool:
    return 0 < value <= ROW_ID_MAX


class Communities:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_external_id(self, platform: str, external_id: str) -> Community | None:
        stmt = select(Community).where(
            communities.c.platform == platform,
            communities.c.external_id == external_id,
        )
        return (await self.session.scalars(stmt)).first()

    async def many(self, ids: Iterable[int]) -> dict[int, Community]:
        wanted = [i for i in set(ids) if is_row_id(i)]
        if not wanted:
            return {}
        stmt = select(Community).where(communities.c.id.in_(wanted))
        return {c.id: c for c in await self.session.scalars(stmt) if c.id is not None}

    async def add(self, community: Community) -> Community:
        # Two processes registering one workspace at once: the unique key decides, and
        # the loser takes the winner's row.
        try:
            async with self.session.begin_nested():
                self.session.add(community)
        except IntegrityError:
            found = await self.by_external_id(community.platform, community.external_id)
            if found is None:
                raise
            return found
        return community

    async def aliases(self, community_id: int) -> dict[str, str]:
        rows = await self.session.execute(
            select(topic_aliases.c.alias, topic_aliases.c.topic).where(
                topic_aliases.c.community_id == community_id
            )
        )
        return {alias: topic for alias, topic in rows}

    async def set_alias(self, community_id: int, alias: str, topic: str) -> None:
        await self.session.execute(
            delete(topic_aliases).where(
                topic_aliases.c.community_id == community_id, topic_aliases.c.alias == alias
            )
        )
        await self.session.execute(
            insert(topic_aliases).values(community_id=community_id, alias=alias, topic=topic)
        )

    async def health(self, community_id: int) -> CommunityHealth:
        c = connections.c

        async def count(*where: Any, table: Table = connections) -> int:
            stmt = (
                select(func.count())
                .select_from(table)
                .where(table.c.community_id == community_id, *where)
            )
            return int(await self.session.scalar(stmt) or 0)

        givers = await self.session.scalar(
            select(func.count(func.distinct(c.party_b_id))).where(
                c.community_id == community_id,
                c.kind == Kind.REQUEST.value,
                c.state == State.CONNECTED.value,
            )
        )
        return CommunityHealth(
            members=await count(members.c.forgotten.is_(False), table=members),
            intros=await count(c.kind == Kind.INTRO.value, c.state != State.DRAFT.value),
            intros_connected=await count(
                c.kind == Kind.INTRO.value, c.state == State.CONNECTED.value
            ),
            asks=await count(c.kind == Kind.REQUEST.value, c.state != State.DRAFT.value),
            asks_accepted=await count(
                c.kind == Kind.REQUEST.value, c.state == State.CONNECTED.value
            ),
            thanks=await count(table=thanks),
            active_givers=int(givers or 0),
        )

    async def topic_demand(self, community_id: int, since: datetime) -> list[TopicDemand]:
        c, mt, ct = connections.c, member_topics.c, community_topics.c
        helpers = (
            select(func.count())
            .where(mt.community_id == community_id, mt.topic == c.topic, mt.listed.is_(True))
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(c.topic, func.max(ct.label), func.count(), helpers)
            .select_from(connections)
            .outerjoin(community_topics, (ct.community_id == community_id) & (ct.topic == c.topic))
            .where(
                c.community_id == community_id,
                c.kind == Kind.REQUEST.value,
                c.state != State.DRAFT.value,
                c.topic.is_not(None),
                c.created_at >= since,
            )
            .group_by(c.topic)
        )
        return [TopicDemand(t, label or t, int(n), int(h or 0)) for t, label, n, h in rows]


class Members:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, member_id: int) -> Member | None:
        if not is_row_id(member_id):  # a hand-made button value: it names no row
            return None
        return await self.session.get(Member, member_id)

    async def by_platform_id(self, community_id: int, user_id: str) -> Member | None:
        stmt = select(Member).where(
            members.c.community_id == community_id,
            members.c.platform_user_id == user_id,
        )
        return (await self.session.scalars(stmt)).first()

    async def many(self, ids: Iterable[int]) -> dict[int, Member]:
        wanted = [i for i in set(ids) if is_row_id(i)]
        if not wanted:
            return {}
        stmt = select(Member).where(members.c.id.in_(wanted))
        return {m.id: m for m in await self.session.scalars(stmt) if m.id is not None}

    async def named(self, community_id: int, prefix: str, limit: int = 10) -> Sequence[Member]:
        """Members whose display name or platform id starts with `prefix` (case-free)."""
        low = prefix.lower()
        stmt = (
            select(Member)
            .where(
                members.c.community_id == community_id,
                members.c.forgotten.is_(False),
                or_(
                    func.lower(members.c.display_name).startswith(low, autoescape=True),
                    func.lower(members.c.platform_user_id).startswith(low, autoescape=True),
                ),
            )
            # An exact name first ("@al" finds al before alice), then alphabetical.
            .order_by(
                (func.lower(members.c.platform_user_id) != low),
                func.lower(members.c.display_name),
            )
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def add(self, member: Member) -> Member:
        # Two first commands of a new member at once: the unique key decides, and the
        # loser takes the winner's row (committed by then: the insert waited for it).
        try:
            async with self.session.begin_nested():
                self.session.add(member)
        except IntegrityError:
            found = await self.by_platform_id(member.community_id, member.platform_user_id)
            if found is None:
                raise
            return found
        return member

    async def by_platform_ids(
        self, community_id: int, user_ids: Iterable[str]
    ) -> dict[str, Member]:
        found: dict[str, Member] = {}
        wanted = sorted(set(user_ids))
        for start in range(0, len(wanted), 500):  # within every backend's bind limit
            stmt = select(Member).where(
                members.c.community_id == community_id,
                members.c.platform_user_id.in_(wanted[start : start + 500]),
            )
            found.update((m.platform_user_id, m) for m in await self.session.scalars(stmt))
        return found

    async def add_many(self, new: Sequence[MemberSnapshot]) -> None:
        if not new:
            return
        # Core, not the ORM: one executemany, then the ids in one query (SQLite can't
        # promise RETURNING's order for many rows, and SQLAlchemy then goes row by row).
        columns = [c.name for c in members.c if c.name != "id"]
        await self.session.execute(
            insert(members), [{name: getattr(m, name) for name in columns} for m in new]
        )
        by_community: dict[int, list[MemberSnapshot]] = {}
        for member in new:
            by_community.setdefault(member.community_id, []).append(member)
        for community_id, group in by_community.items():
            wanted = [m.platform_user_id for m in group]
            ids: dict[str, int] = {}
            for start in range(0, len(wanted), 500):
                rows = await self.session.execute(
                    select(members.c.platform_user_id, members.c.id).where(
                        members.c.community_id == community_id,
                        members.c.platform_user_id.in_(wanted[start : start + 500]),
                    )
                )
                ids.update((user_id, member_id) for user_id, member_id in rows)
            for member in group:
                member.id = ids[member.platform_user_id]

    async def directory(self, community_id: int) -> Sequence[Member]:
        stmt = (
            select(Member)
            .where(
                members.c.community_id == community_id,
                members.c.discoverable.is_(True),
                members.c.forgotten.is_(False),
            )
            .order_by(func.lower(members.c.display_name), members.c.id)
        )
        return list(await self.session.scalars(stmt))

    async def forgot_before(self, community_id: int, key: str) -> bool:
        stmt = select(func.count()).where(
            members.c.community_id == community_id,
            members.c.forget_key == key,
            members.c.forgotten.is_(True),
        )
        return bool(await self.session.scalar(stmt))


class Imports:
    """What imported member lists said about each member (bot.domain.member_import)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def many(self, member_ids: Iterable[int]) -> dict[int, ImportRecord]:
        found: dict[int, ImportRecord] = {}
        wanted = sorted({i for i in member_ids if is_row_id(i)})
        for start in range(0, len(wanted), 500):
            stmt = select(ImportRecord).where(
                member_imports.c.member_id.in_(wanted[start : start + 500])
            )
            found.update((r.member_id, r) for r in await self.session.scalars(stmt))
        return found

    async def bulk(self) -> None:
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))

    async def add_many(self, records: Sequence[ImportRecord]) -> None:
        if records:
            columns = [c.name for c in member_imports.c]
            await self.session.execute(
                insert(member_imports), [{n: getattr(r, n) for n in columns} for r in records]
            )


class Connections:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, connection: Connection) -> bool:
        # The unique index on open pairs decides, so two racing commands can't both add.
        try:
            async with self.session.begin_nested():
                self.session.add(connection)
        except IntegrityError:
            return False
        return True

    async def remove(self, connection: Connection) -> None:
        await self.session.delete(connection)
        await self.session.flush()

    async def get(self, connection_id: int, *, for_update: bool = False) -> Connection | None:
        if not is_row_id(connection_id):  # a hand-made button value: it names no row
            return None
        return await self.session.get(Connection, connection_id, with_for_update=for_update)

    async def many(self, ids: Iterable[int]) -> dict[int, Connection]:
        wanted = [i for i in set(ids) if is_row_id(i)]
        if not wanted:
            return {}
        stmt = select(Connection).where(connections.c.id.in_(wanted))
        return {c.id: c for c in await self.session.scalars(stmt) if c.id is not None}

    async def open_between(
        self, community_id: int, kind: Kind, a: int, b: int
    ) -> Connection | None:
        low, high = sorted((a, b))
        stmt = select(Connection).where(
            connections.c.community_id == community_id,
            connections.c.kind == kind.value,
            connections.c.pair_low == low,
            connections.c.pair_high == high,
            connections.c.state.in_([s.value for s in OPEN_STATES]),
        )
        return (await self.session.scalars(stmt)).first()

    async def asks_between(self, requester_id: int, helper_id: int, since: datetime) -> int:
        stmt = select(func.count()).where(
            connections.c.kind == Kind.REQUEST.value,
            connections.c.party_a_id == requester_id,
            connections.c.party_b_id == helper_id,
            connections.c.state != State.DRAFT.value,
            connections.c.created_at >= since,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def received_times(self, member_id: int, since: datetime) -> list[datetime]:
        """When each ask of this member (as helper, or as a party to an intro) was made."""
        stmt = (
            select(connections.c.created_at)
            .where(
                connections.c.state != State.DRAFT.value,
                connections.c.created_at >= since,
                or_(
                    connections.c.party_b_id == member_id,
                    (connections.c.kind == Kind.INTRO.value)
                    & (connections.c.party_a_id == member_id),
                ),
            )
            .order_by(connections.c.created_at)
        )
        return list(await self.session.scalars(stmt))

    async def involving(self, member_id: int) -> Sequence[Connection]:
        stmt = (
            select(Connection)
            .where(
                or_(
                    connections.c.initiator_id == member_id,
                    connections.c.party_a_id == member_id,
                    connections.c.party_b_id == member_id,
                    connections.c.suggested_id == member_id,
                )
            )
            .order_by(connections.c.id)
        )
        return list(await self.session.scalars(stmt))

    async def connected_to(self, member_id: int) -> set[int]:
        c = connections.c
        rows = await self.session.execute(
            select(c.party_a_id, c.party_b_id).where(
                c.state == State.CONNECTED.value,
                or_(c.party_a_id == member_id, c.party_b_id == member_id),
            )
        )
        return {b if a == member_id else a for a, b in rows}

    async def expire(self, connection: Connection, now: datetime) -> bool:
        # One conditional UPDATE: an answer committed meanwhile wins.
        c = connections.c
        result = await self.session.execute(
            update(connections)
            .where(c.id == connection.id, c.state == State.PENDING.value)
            .values(state=State.EXPIRED.value, updated_at=now)
        )
        await self.session.refresh(connection)
        return bool(getattr(result, "rowcount", 0))

    async def last_interaction(self, a: int, b: int) -> datetime | None:
        c, t = connections.c, thanks.c
        pair = or_(
            (c.party_a_id == a) & (c.party_b_id == b), (c.party_a_id == b) & (c.party_b_id == a)
        )
        # Both columns: an answer to "did you connect?" moves updated_at past connected_at.
        opened, answered = (
            await self.session.execute(
                select(func.max(c.connected_at), func.max(c.updated_at)).where(pair)
            )
        ).one()
        latest_thanks = await self.session.scalar(
            select(func.max(t.created_at)).where(
                or_(
                    (t.giver_id == a) & (t.receiver_id == b),
                    (t.giver_id == b) & (t.receiver_id == a),
                )
            )
        )
        found = [x for x in (opened, answered, latest_thanks) if x is not None]
        return max(found) if found else None

    async def recent_asks(
        self,
        community_id: int,
        topics: Iterable[str],
        since: datetime,
        *,
        excluding: int,
        until: datetime | None = None,
    ) -> list[AskSummary]:
        c = connections.c
        before = [c.created_at < until] if until is not None else []
        rows = await self.session.execute(
            select(c.topic, c.party_a_id, c.party_b_id, c.state, c.visible)
            .where(
                c.community_id == community_id,
                c.kind == Kind.REQUEST.value,
                c.topic.in_(list(topics)),
                c.created_at >= since,
                *before,
                c.party_a_id != excluding,
                c.party_b_id != excluding,
                c.state != State.DRAFT.value,
            )
            .order_by(c.id)
        )
        return [AskSummary(*row) for row in rows]

    async def forget(self, member_id: int) -> None:
        await self.session.flush()  # what the use case changed first is not overwritten
        c = connections.c
        for column, values in (
            (c.initiator_id, {"reason": ""}),
            (c.party_a_id, {"note_a": ""}),
            (c.party_b_id, {"note_b": ""}),
            (c.suggested_id, {"suggested_id": None}),
        ):
            await self.session.execute(
                update(connections).where(column == member_id).values(**values)
            )


class ThanksLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, item: Thanks) -> Thanks:
        self.session.add(item)
        await self.session.flush()
        return item

    async def given_since(self, giver_id: int, since: datetime) -> int:
        stmt = select(func.count()).where(
            thanks.c.giver_id == giver_id,
            thanks.c.created_at >= since,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def repeated(self, giver_id: int, receiver_id: int, note: str, since: datetime) -> bool:
        """This very thank-you was given since a time. Locks the giver's row first, so that
        of two sent at once the second waits for the first and sees it (on SQLite a write
        transaction already has the database to itself)."""
        await self.session.execute(
            select(members.c.id).where(members.c.id == giver_id).with_for_update()
        )
        stmt = select(func.count()).where(
            thanks.c.giver_id == giver_id,
            thanks.c.receiver_id == receiver_id,
            thanks.c.note == note,
            thanks.c.created_at >= since,
        )
        return bool(await self.session.scalar(stmt))

    async def involving(self, member_id: int) -> Sequence[Thanks]:
        stmt = (
            select(Thanks)
            .where(or_(thanks.c.giver_id == member_id, thanks.c.receiver_id == member_id))
            .order_by(thanks.c.id)
        )
        return list(await self.session.scalars(stmt))

    async def recent_to(self, member_id: int, limit: int) -> Sequence[Thanks]:
        stmt = (
            select(Thanks)
            .where(thanks.c.receiver_id == member_id)
            .order_by(thanks.c.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def thanked_by(
        self, giver_id: int, receivers: Iterable[int], since: datetime
    ) -> set[int]:
        found = await self.session.scalars(
            select(thanks.c.receiver_id).where(
                thanks.c.giver_id == giver_id,
                thanks.c.receiver_id.in_(list(receivers)),
                thanks.c.created_at >= since,
            )
        )
        return set(found)

    async def add_endorsement(self, item: Endorsement) -> bool:
        """False when this member already endorsed that skill."""
        try:
            async with self.session.begin_nested():
                self.session.add(item)
        except IntegrityError:
            return False
        return True

    async def endorsements_of(self, member_id: int) -> Sequence[Endorsement]:
        stmt = select(Endorsement).where(
            or_(endorsements.c.member_id == member_id, endorsements.c.endorser_id == member_id)
        )
        return list(await self.session.scalars(stmt))

    async def evidence(self, member_id: int) -> dict[str, int]:
        """Endorsements and topic-tagged thanks received, per topic."""
        counts: dict[str, int] = {}
        for table, column in (
            (endorsements, endorsements.c.member_id),
            (thanks, thanks.c.receiver_id),
        ):
            stmt = (
                select(table.c.topic, func.count())
                .where(column == member_id, table.c.topic.is_not(None))
                .group_by(table.c.topic)
            )
            for topic, count in await self.session.execute(stmt):
                counts[topic] = counts.get(topic, 0) + count
        return counts

    async def forget(self, member_id: int) -> set[int]:
        e = endorsements.c
        await self.session.execute(
            update(thanks).where(thanks.c.giver_id == member_id).values(note="")
        )
        endorsed = set(
            await self.session.scalars(select(e.member_id).where(e.endorser_id == member_id))
        )
        await self.session.execute(delete(endorsements).where(e.endorser_id == member_id))
        await self.session.execute(delete(endorsements).where(e.member_id == member_id))
        return endorsed


class ProcessedEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record the event; False if it was handled before (a platform retry)."""
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    insert(processed_events).values(
                        platform=platform, event_id=event_id, processed_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    async def release(self, platform: str, event_id: str) -> None:
        """Handling failed: let the platform's retry through."""
        await self.session.execute(
            delete(processed_events).where(
                processed_events.c.platform == platform, processed_events.c.event_id == event_id
            )
        )
