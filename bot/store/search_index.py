"""The /whoknows search index: which members can help with which topic, best first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.connections import State
from bot.domain.members import Member, MemberSnapshot
from bot.domain.ranking import LEARNING, SEEKING, index_score, is_skill
from bot.domain.related_topics import LearnedPair
from bot.domain.search_index import Candidate, Hit, TopicEntry
from bot.store.tables import (
    communities,
    community_topics,
    connections,
    member_topics,
    members,
    topic_relation_runs,
    topic_relations,
)

LEARNED_MAX = 20_000  # relations read with a community's vocabulary

NEVER = datetime(1970, 1, 1, tzinfo=UTC)

MEMBER_FIELDS = (
    "id",
    "community_id",
    "platform_user_id",
    "display_name",
    "capacity",
    "can_help_with",
    "timezone",
    "availability",
    "busy_until",
    "discoverable",
    "paused",
    "forgotten",
    "unreachable",
    "last_request_at",
    "full_until",
)
MEMBER_COLUMNS = tuple(members.c[name] for name in MEMBER_FIELDS)


class SearchIndex:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rebuild_member(
        self, member: Member, entries: Sequence[TopicEntry], evidence: Mapping[str, int]
    ) -> None:
        """Replace the member's rows; keep per-community topic counts in step."""
        assert member.id is not None
        # Community topic counts (typo matching, suggestions) follow listed skills only;
        # single words from free text stay searchable but are not offered as topics.
        old = set(
            await self.session.scalars(
                select(member_topics.c.topic).where(
                    member_topics.c.member_id == member.id, member_topics.c.level >= LEARNING
                )
            )
        )
        await self.session.execute(
            delete(member_topics).where(member_topics.c.member_id == member.id)
        )
        rows = [
            {
                "member_id": member.id,
                "topic": e.topic,
                "community_id": member.community_id,
                "level": e.level,
                "evidence": evidence.get(e.topic, 0),
                "score": index_score(e.level, evidence.get(e.topic, 0)),
                **self._flags(member),
            }
            for e in entries
        ]
        if rows:
            await self.session.execute(insert(member_topics), rows)
        new = {e.topic: e.label for e in entries if is_skill(e.level)}
        await self._count(member.community_id, {t: new[t] for t in new.keys() - old}, +1)
        await self._count(member.community_id, {t: t for t in old - new.keys()}, -1)

    async def refresh_flags(self, member: Member) -> None:
        """Availability, visibility, capacity or load changed: no topic changed."""
        await self.session.execute(
            update(member_topics)
            .where(member_topics.c.member_id == member.id)
            .values(**self._flags(member))
        )

    @staticmethod
    def _flags(member: Member) -> dict[str, object]:
        return {
            "listed": member.is_listed(),
            "full_until": member.full_until,
            "last_request_at": member.last_request_at or NEVER,
        }

    async def _count(self, community_id: int, topics: Mapping[str, str], delta: int) -> None:
        if not topics:
            return
        if delta < 0:
            await self.session.execute(
                update(community_topics)
                .where(
                    community_topics.c.community_id == community_id,
                    community_topics.c.topic.in_(list(topics)),
                )
                .values(members=community_topics.c.members + delta)
            )
            # A topic nobody lists any more goes: its label is a member's own words.
            await self.session.execute(
                delete(community_topics).where(
                    community_topics.c.community_id == community_id,
                    community_topics.c.topic.in_(list(topics)),
                    community_topics.c.members <= 0,
                )
            )
            return
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = make(community_topics).values(
            [
                {"community_id": community_id, "topic": t, "label": label[:80], "members": delta}
                for t, label in topics.items()
            ]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["community_id", "topic"],
            set_={"members": community_topics.c.members + delta},
        )
        await self.session.execute(stmt)

    async def candidates(
        self,
        community_id: int,
        topic: str,
        *,
        exclude: int,
        now: datetime,
        since: datetime,
        limit: int,
    ) -> list[Candidate]:
        """Listed members with room left for `topic`: by stored score, least recently asked
        first, each with their member row and recent load, in one round trip.

        Load = asks received since `since`, plus every one still open.
        """
        mt, m, c = member_topics.c, members.c, connections.c
        load = (
            select(func.count())
            .where(
                c.party_b_id == mt.member_id,
                c.state != State.DRAFT.value,
                or_(c.created_at >= since, c.state == State.PENDING.value),
            )
            .scalar_subquery()
        )
        stmt = (
            select(mt.member_id, mt.topic, mt.level, mt.evidence, mt.score, load, *MEMBER_COLUMNS)
            .join(members, m.id == mt.member_id)
            .where(
                mt.community_id == community_id,
                mt.topic == topic,
                mt.listed.is_(True),
                mt.member_id != exclude,
                or_(mt.full_until.is_(None), mt.full_until <= now),
            )
            .order_by(mt.score.desc(), mt.last_request_at)
            .limit(limit)
        )
        out = []
        for row in await self.session.execute(stmt):
            hit = Hit(*row[:5])
            member = MemberSnapshot(**dict(zip(MEMBER_FIELDS, row[6:], strict=True)))
            out.append(Candidate(hit, member, int(row[5])))
        return out

    async def topics(self, community_id: int) -> dict[str, str]:
        """Topics members of the community list (key → label), for matching and suggestions."""
        rows = await self.session.execute(
            select(community_topics.c.topic, community_topics.c.label).where(
                community_topics.c.community_id == community_id, community_topics.c.members > 0
            )
        )
        return dict(rows.all())

    async def topics_of(self, member_id: int) -> list[Hit]:
        mt = member_topics.c
        rows = await self.session.execute(
            select(mt.member_id, mt.topic, mt.level, mt.evidence, mt.score).where(
                mt.member_id == member_id, or_(mt.level.is_(None), mt.level != SEEKING)
            )
        )
        return [Hit(*row) for row in rows]

    async def members_listing(self, community_id: int, topics: Iterable[str]) -> set[int]:
        mt = member_topics.c
        found = await self.session.scalars(
            select(mt.member_id).where(mt.community_id == community_id, mt.topic.in_(list(topics)))
        )
        return set(found)

    # --- topics many members list together ------------------------------------------------

    async def learned_relations(self, community_id: int) -> list[LearnedPair]:
        tr = topic_relations.c
        rows = await self.session.execute(
            select(tr.topic, tr.related, tr.together)
            .where(tr.community_id == community_id)
            .order_by(tr.together.desc())
            .limit(LEARNED_MAX)
        )
        return [LearnedPair(*row) for row in rows]

    async def claim_relearning(self, now: datetime, learned_before: datetime) -> list[int]:
        """Communities whose relations were learned before `learned_before` (or never),
        marked as learned `now` so that no other process takes them too."""
        runs = topic_relation_runs.c
        claimed: list[int] = []
        fresh = select(communities.c.id).where(
            ~select(runs.community_id).where(runs.community_id == communities.c.id).exists()
        )
        for community_id in await self.session.scalars(fresh):
            dialect = self.session.get_bind().dialect.name
            make = pg_insert if dialect == "postgresql" else sqlite_insert
            added = await self.session.execute(
                make(topic_relation_runs)
                .values(community_id=community_id, learned_at=now)
                .on_conflict_do_nothing()
                .returning(runs.community_id)
            )
            claimed += list(added.scalars())
        stale = await self.session.execute(
            update(topic_relation_runs)
            .where(runs.learned_at < learned_before)
            .values(learned_at=now)
            .returning(runs.community_id)
        )
        claimed += list(stale.scalars())
        return sorted(set(claimed))

    async def listing_counts(self, community_id: int) -> tuple[dict[str, int], int]:
        counts = await self.session.execute(
            select(community_topics.c.topic, community_topics.c.members).where(
                community_topics.c.community_id == community_id
            )
        )
        everyone = await self.session.scalar(
            select(func.count())
            .select_from(members)
            .where(members.c.community_id == community_id, members.c.forgotten.is_(False))
        )
        return dict(counts.all()), int(everyone or 0)

    async def co_listed(
        self, community_id: int, topic: str, min_together: int
    ) -> list[tuple[str, int]]:
        a, b = member_topics.alias("a"), member_topics.alias("b")
        together = func.count().label("together")
        rows = await self.session.execute(
            select(b.c.topic, together)
            # a by the search index (community, topic), b by each member's primary key
            .join(b, (b.c.member_id == a.c.member_id) & (b.c.topic > a.c.topic))
            .where(
                a.c.community_id == community_id,
                a.c.topic == topic,
                a.c.level >= LEARNING,
                b.c.level >= LEARNING,
            )
            .group_by(b.c.topic)
            .having(func.count() >= min_together)
        )
        return [(str(t), int(n)) for t, n in rows]

    async def replace_learned(self, community_id: int, pairs: Sequence[LearnedPair]) -> None:
        await self.session.execute(
            delete(topic_relations).where(topic_relations.c.community_id == community_id)
        )
        if pairs:
            await self.session.execute(
                insert(topic_relations),
                [
                    {
                        "community_id": community_id,
                        "topic": p.topic,
                        "related": p.related,
                        "together": p.together,
                    }
                    for p in pairs
                ],
            )
