"""The dashboard's queries: its secret, its one-use links, and the facts behind its pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.connections import State
from bot.domain.dashboard import (
    ConnectionFact,
    DashboardFacts,
    MemberFact,
    PairingFact,
    PromptFact,
    ThanksFact,
    TopicSupply,
    group_of,
)
from bot.store.tables import (
    communities,
    community_topics,
    connections,
    dashboard_links,
    dashboard_secrets,
    member_topics,
    members,
    prompts,
    thanks,
)

WAITING = ("pending", "sending", "digest")
PARTITION = 2000
T = TypeVar("T")


class Dashboard:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def secret(self, name: str, candidate: str, now: datetime) -> str:
        stmt = select(dashboard_secrets.c.value).where(dashboard_secrets.c.name == name)
        found = await self.session.scalar(stmt)
        if found is not None:
            return str(found)
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    insert(dashboard_secrets).values(name=name, value=candidate, created_at=now)
                )
        except IntegrityError:  # another process kept one first: theirs it is
            return str(await self.session.scalar(stmt))
        return candidate

    async def add_link(
        self, nonce: str, community_id: int, member_id: int, now: datetime, expires_at: datetime
    ) -> None:
        # Links a day past their end are of no use to anyone: they go as new ones come.
        await self.session.execute(
            delete(dashboard_links).where(dashboard_links.c.expires_at < now - timedelta(days=1))
        )
        await self.session.execute(
            insert(dashboard_links).values(
                nonce=nonce,
                community_id=community_id,
                member_id=member_id,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def use_link(self, nonce: str, now: datetime) -> int | None:
        d = dashboard_links.c
        # One statement claims it: of two requests with one link, one finds it unused.
        done = await self.session.execute(
            update(dashboard_links)
            .where(d.nonce == nonce, d.used_at.is_(None), d.expires_at > now)
            .values(used_at=now)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        found = await self.session.scalar(select(d.community_id).where(d.nonce == nonce))
        return int(found) if found is not None else None

    async def facts(self, community_id: int, since: datetime) -> DashboardFacts | None:
        name = await self.session.scalar(
            select(communities.c.name).where(communities.c.id == community_id)
        )
        if name is None:
            return None
        m, c, t, p, mt = members.c, connections.c, thanks.c, prompts.c, member_topics.c
        listing = set(
            await self.session.scalars(
                select(mt.member_id).where(mt.community_id == community_id).distinct()
            )
        )

        def member(
            i: int,
            shown: str,
            discoverable: bool,
            zone: str | None,
            chapter: str | None,
            joined: datetime,
            away: str | None,
        ) -> MemberFact:
            return MemberFact(
                id=i,
                name=shown if discoverable else None,
                group=group_of(zone, chapter or ""),
                profile_set=i in listing,
                discoverable=bool(discoverable),
                joined=joined,
                unreachable=away is not None,
            )

        found_members = await self._rows(
            member,
            select(
                m.id,
                m.display_name,
                m.discoverable,
                m.timezone,
                m.chapter,
                m.created_at,
                m.unreachable,
            )
            .where(m.community_id == community_id, m.forgotten.is_(False))
            .order_by(m.id),
        )
        # Never the reason, the notes or a thank-you's words: only who, when and the topic.
        connection_rows = await self._rows(
            ConnectionFact,
            select(
                c.id,
                c.kind,
                c.state,
                c.initiator_id,
                c.party_a_id,
                c.party_b_id,
                c.topic,
                c.created_at,
                c.updated_at,
                c.connected_at,
                c.outcome,
            )
            .where(c.community_id == community_id, c.state != State.DRAFT.value)
            .order_by(c.id),
        )
        thanks_rows = await self._rows(
            ThanksFact,
            select(t.giver_id, t.receiver_id, t.created_at, t.connection_id)
            .where(t.community_id == community_id)
            .order_by(t.id),
        )
        prompt_rows = await self._rows(
            PromptFact,
            select(p.state, p.created_at, p.sent_at).where(
                p.community_id == community_id,
                or_(p.created_at >= since, p.sent_at >= since, p.state.in_(WAITING)),
            ),
        )
        ct = community_topics.c
        listed = (
            select(mt.topic, func.count().label("helpers"))
            .where(mt.community_id == community_id, mt.listed.is_(True))
            .group_by(mt.topic)
            .subquery()
        )
        supply_rows = await self.session.execute(
            select(listed.c.topic, func.coalesce(ct.label, listed.c.topic), listed.c.helpers)
            .select_from(listed)
            .outerjoin(
                community_topics,
                (ct.community_id == community_id) & (ct.topic == listed.c.topic),
            )
        )
        return DashboardFacts(
            community_name=str(name),
            members=found_members,
            connections=connection_rows,
            thanks=thanks_rows,
            prompts=prompt_rows,
            supply=[TopicSupply(topic, str(label), int(n)) for topic, label, n in supply_rows],
            pairings=self._pairings(),
        )

    async def _rows(self, make: Callable[..., T], stmt: Select[Any]) -> list[T]:
        """Tens of thousands of rows, read in partitions: between them the event loop
        serves other requests (Slack's 3 s) instead of waiting for the whole read."""
        found: list[T] = []
        result = await self.session.stream(stmt.execution_options(yield_per=PARTITION))
        async for partition in result.partitions():
            found.extend(make(*row) for row in partition)
        return found

    def _pairings(self) -> list[PairingFact] | None:
        """PAIRING HOOK: once pairing rounds are stored, return each pairing of the
        community here (who, when, attended, met); the overview, the trends and the
        network then show attendance, the met rate and the pairs that met. None: no
        pairing data, and the dashboard leaves pairing out."""
        return None
