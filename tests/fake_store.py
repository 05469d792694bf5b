"""An in-memory store implementing the core's UnitOfWork protocol: use cases without a database.

Each unit of work works on its own deep copy of the store's tables; commit() makes that
copy the store's state, and a unit of work that ends uncommitted leaves no trace, as a
rolled-back transaction would. Queries mirror bot.store's: same filters, same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from bot.domain.activity import AskSummary, CommunityHealth, TopicDemand
from bot.domain.connections import OPEN_STATES, Connection, Kind, State
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
from bot.domain.member_import import ImportRecord
from bot.domain.members import Community, Member, MemberSnapshot
from bot.domain.pairing import Pair
from bot.domain.pairing_rounds import (
    Answer,
    PairingChannel,
    Participant,
    Round,
    RoundSummary,
    Seat,
)
from bot.domain.prompts import HELD, Prompt, PromptKind, PromptOutcome, PromptState
from bot.domain.ranking import SEEKING, index_score, is_skill
from bot.domain.related_topics import LearnedPair
from bot.domain.search_index import Candidate, Hit, TopicEntry
from bot.domain.thanks import Endorsement, Thanks
from bot.store.search_index import MEMBER_FIELDS

NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # "never asked" sorts first, as in the store
WAITING = (PromptState.PENDING, PromptState.DIGEST)
CLAIMABLE = (PromptState.PENDING, PromptState.SENDING)


@dataclass
class IndexRow:
    member_id: int
    topic: str
    community_id: int
    level: int | None
    evidence: int
    score: int
    listed: bool
    full_until: datetime | None
    last_request_at: datetime


@dataclass
class TopicCount:
    label: str
    members: int


@dataclass
class DashboardLink:
    community_id: int
    member_id: int
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class Tables:
    communities: dict[int, Community] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    connections: dict[int, Connection] = field(default_factory=dict)
    thanks: dict[int, Thanks] = field(default_factory=dict)
    endorsements: dict[int, Endorsement] = field(default_factory=dict)
    prompts: dict[int, Prompt] = field(default_factory=dict)
    aliases: dict[tuple[int, str], str] = field(default_factory=dict)  # (community, alias)
    index: dict[tuple[int, str], IndexRow] = field(default_factory=dict)  # (member, topic)
    topics: dict[tuple[int, str], TopicCount] = field(default_factory=dict)  # (community, topic)
    # (community, topic, related)
    relations: dict[tuple[int, str, str], LearnedPair] = field(default_factory=dict)
    relation_runs: dict[int, datetime] = field(default_factory=dict)  # community → learned at
    events: set[tuple[str, str]] = field(default_factory=set)
    pairing_channels: dict[int, PairingChannel] = field(default_factory=dict)
    participants: dict[tuple[int, int], Participant] = field(default_factory=dict)
    rounds: dict[int, Round] = field(default_factory=dict)
    seats: dict[tuple[int, int], Seat] = field(default_factory=dict)  # (round, member)
    imports: dict[int, ImportRecord] = field(default_factory=dict)  # by member
    secrets: dict[str, str] = field(default_factory=dict)
    links: dict[str, DashboardLink] = field(default_factory=dict)  # by nonce
    last_ids: Counter[str] = field(default_factory=Counter)

    def next_id(self, table: str) -> int:
        self.last_ids[table] += 1
        return self.last_ids[table]


class FakeCommunities:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def by_external_id(self, platform: str, external_id: str) -> Community | None:
        for c in self.t.communities.values():
            if (c.platform, c.external_id) == (platform, external_id):
                return c
        return None

    async def many(self, ids: Iterable[int]) -> dict[int, Community]:
        return {i: self.t.communities[i] for i in set(ids) if i in self.t.communities}

    async def add(self, community: Community) -> Community:
        community.id = self.t.next_id("communities")
        self.t.communities[community.id] = community
        return community

    async def aliases(self, community_id: int) -> dict[str, str]:
        return {a: topic for (c, a), topic in self.t.aliases.items() if c == community_id}

    async def set_alias(self, community_id: int, alias: str, topic: str) -> None:
        self.t.aliases[(community_id, alias)] = topic

    async def health(self, community_id: int) -> CommunityHealth:
        conns = [c for c in self.t.connections.values() if c.community_id == community_id]

        def count(kind: Kind, connected: bool) -> int:
            return sum(
                1
                for c in conns
                if c.kind == kind
                and (c.state == State.CONNECTED if connected else c.state != State.DRAFT)
            )

        return CommunityHealth(
            members=sum(
                1
                for m in self.t.members.values()
                if m.community_id == community_id and not m.forgotten
            ),
            intros=count(Kind.INTRO, connected=False),
            intros_connected=count(Kind.INTRO, connected=True),
            asks=count(Kind.REQUEST, connected=False),
            asks_accepted=count(Kind.REQUEST, connected=True),
            thanks=sum(1 for t in self.t.thanks.values() if t.community_id == community_id),
            active_givers=len(
                {
                    c.party_b_id
                    for c in conns
                    if c.kind == Kind.REQUEST and c.state == State.CONNECTED
                }
            ),
        )

    async def topic_demand(self, community_id: int, since: datetime) -> list[TopicDemand]:
        asks: Counter[str] = Counter(
            c.topic
            for c in self.t.connections.values()
            if c.community_id == community_id
            and c.kind == Kind.REQUEST
            and c.state != State.DRAFT
            and c.topic is not None
            and c.created_at is not None
            and c.created_at >= since
        )
        found = []
        for topic, count in asks.items():
            listed = self.t.topics.get((community_id, topic))
            helpers = sum(
                1
                for row in self.t.index.values()
                if row.community_id == community_id and row.topic == topic and row.listed
            )
            found.append(TopicDemand(topic, listed.label if listed else topic, count, helpers))
        return found


class FakeMembers:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def get(self, member_id: int) -> Member | None:
        return self.t.members.get(member_id)

    async def by_platform_id(self, community_id: int, user_id: str) -> Member | None:
        for m in self.t.members.values():
            if (m.community_id, m.platform_user_id) == (community_id, user_id):
                return m
        return None

    async def many(self, ids: Iterable[int]) -> dict[int, Member]:
        return {i: self.t.members[i] for i in set(ids) if i in self.t.members}

    async def named(self, community_id: int, prefix: str, limit: int = 10) -> Sequence[Member]:
        low = prefix.lower()
        found = [
            m
            for m in self.t.members.values()
            if m.community_id == community_id
            and not m.forgotten
            and (
                m.display_name.lower().startswith(low) or m.platform_user_id.lower().startswith(low)
            )
        ]
        found.sort(key=lambda m: (m.platform_user_id.lower() != low, m.display_name.lower()))
        return found[:limit]

    async def add(self, member: Member) -> Member:
        member.id = self.t.next_id("members")
        self.t.members[member.id] = member
        return member

    async def by_platform_ids(
        self, community_id: int, user_ids: Iterable[str]
    ) -> dict[str, Member]:
        wanted = set(user_ids)
        return {
            m.platform_user_id: m
            for m in self.t.members.values()
            if m.community_id == community_id and m.platform_user_id in wanted
        }

    async def add_many(self, new: Sequence[MemberSnapshot]) -> None:
        for snapshot in new:
            member = Member(**{f.name: deepcopy(getattr(snapshot, f.name)) for f in fields(Member)})
            await self.add(member)
            snapshot.id = member.id

    async def directory(self, community_id: int) -> Sequence[Member]:
        found = [
            m
            for m in self.t.members.values()
            if m.community_id == community_id and m.discoverable and not m.forgotten
        ]
        return sorted(found, key=lambda m: (m.display_name.lower(), m.id or 0))

    async def forgot_before(self, community_id: int, key: str) -> bool:
        return any(
            m.community_id == community_id and m.forget_key == key and m.forgotten
            for m in self.t.members.values()
        )


class FakeImports:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def many(self, member_ids: Iterable[int]) -> dict[int, ImportRecord]:
        return {i: self.t.imports[i] for i in set(member_ids) if i in self.t.imports}

    async def bulk(self) -> None:
        pass  # nothing is planned in memory

    async def add_many(self, records: Sequence[ImportRecord]) -> None:
        for record in records:
            self.t.imports[record.member_id] = deepcopy(record)  # not tracked afterwards


class FakeConnections:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def add(self, connection: Connection) -> bool:
        same_pair = (
            connection.community_id,
            connection.kind,
            connection.pair_low,
            connection.pair_high,
        )
        for c in self.t.connections.values():
            if (c.community_id, c.kind, c.pair_low, c.pair_high) == same_pair and (
                c.state in OPEN_STATES
            ):
                return False
        connection.id = self.t.next_id("connections")
        self.t.connections[connection.id] = connection
        return True

    async def remove(self, connection: Connection) -> None:
        assert connection.id is not None
        del self.t.connections[connection.id]

    async def get(self, connection_id: int, *, for_update: bool = False) -> Connection | None:
        return self.t.connections.get(connection_id)

    async def many(self, ids: Iterable[int]) -> dict[int, Connection]:
        return {i: self.t.connections[i] for i in set(ids) if i in self.t.connections}

    async def open_between(
        self, community_id: int, kind: Kind, a: int, b: int
    ) -> Connection | None:
        low, high = sorted((a, b))
        for c in self._ordered():
            if (
                (c.community_id, c.kind, c.pair_low, c.pair_high) == (community_id, kind, low, high)
            ) and c.state in OPEN_STATES:
                return c
        return None

    async def asks_between(self, requester_id: int, helper_id: int, since: datetime) -> int:
        return sum(
            1
            for c in self.t.connections.values()
            if c.kind == Kind.REQUEST
            and (c.party_a_id, c.party_b_id) == (requester_id, helper_id)
            and c.state != State.DRAFT
            and _at_or_after(c.created_at, since)
        )

    async def received_times(self, member_id: int, since: datetime) -> list[datetime]:
        return sorted(
            c.created_at
            for c in self.t.connections.values()
            if c.created_at is not None
            and c.state != State.DRAFT
            and c.created_at >= since
            and (c.party_b_id == member_id or (c.kind == Kind.INTRO and c.party_a_id == member_id))
        )

    async def involving(self, member_id: int) -> Sequence[Connection]:
        return [
            c
            for c in self._ordered()
            if member_id in (c.initiator_id, c.party_a_id, c.party_b_id, c.suggested_id)
        ]

    async def connected_to(self, member_id: int) -> set[int]:
        return {
            c.other_party(member_id)
            for c in self.t.connections.values()
            if c.state == State.CONNECTED and member_id in c.parties
        }

    async def expire(self, connection: Connection, now: datetime) -> bool:
        if connection.state != State.PENDING:
            return False
        connection.state, connection.updated_at = State.EXPIRED, now
        return True

    async def last_interaction(self, a: int, b: int) -> datetime | None:
        found: list[datetime] = []
        for c in self.t.connections.values():
            if c.parties in ((a, b), (b, a)):
                found += [t for t in (c.connected_at, c.updated_at) if t is not None]
        for t in self.t.thanks.values():
            if (t.giver_id, t.receiver_id) in ((a, b), (b, a)) and t.created_at is not None:
                found.append(t.created_at)
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
        wanted = set(topics)
        return [
            AskSummary(c.topic, c.party_a_id, c.party_b_id, c.state, c.visible)
            for c in self._ordered()
            if c.community_id == community_id
            and c.kind == Kind.REQUEST
            and c.topic in wanted
            and _at_or_after(c.created_at, since)
            and (until is None or (c.created_at is not None and c.created_at < until))
            and excluding not in c.parties
            and c.state != State.DRAFT
        ]

    async def forget(self, member_id: int) -> None:
        for c in self.t.connections.values():
            if c.initiator_id == member_id:
                c.reason = ""
            if c.party_a_id == member_id:
                c.note_a = ""
            if c.party_b_id == member_id:
                c.note_b = ""
            if c.suggested_id == member_id:
                c.suggested_id = None

    def _ordered(self) -> list[Connection]:
        return [self.t.connections[i] for i in sorted(self.t.connections)]


class FakeThanks:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def add(self, item: Thanks) -> Thanks:
        item.id = self.t.next_id("thanks")
        self.t.thanks[item.id] = item
        return item

    async def given_since(self, giver_id: int, since: datetime) -> int:
        return sum(
            1
            for t in self.t.thanks.values()
            if t.giver_id == giver_id and _at_or_after(t.created_at, since)
        )

    async def repeated(self, giver_id: int, receiver_id: int, note: str, since: datetime) -> bool:
        return any(
            (t.giver_id, t.receiver_id, t.note) == (giver_id, receiver_id, note)
            and _at_or_after(t.created_at, since)
            for t in self.t.thanks.values()
        )

    async def involving(self, member_id: int) -> Sequence[Thanks]:
        return [t for t in self._ordered() if member_id in (t.giver_id, t.receiver_id)]

    async def recent_to(self, member_id: int, limit: int) -> Sequence[Thanks]:
        return [t for t in reversed(self._ordered()) if t.receiver_id == member_id][:limit]

    async def thanked_by(
        self, giver_id: int, receivers: Iterable[int], since: datetime
    ) -> set[int]:
        wanted = set(receivers)
        return {
            t.receiver_id
            for t in self.t.thanks.values()
            if t.giver_id == giver_id
            and t.receiver_id in wanted
            and _at_or_after(t.created_at, since)
        }

    async def add_endorsement(self, item: Endorsement) -> bool:
        key = (item.endorser_id, item.member_id, item.topic)
        if any((e.endorser_id, e.member_id, e.topic) == key for e in self.t.endorsements.values()):
            return False
        item.id = self.t.next_id("endorsements")
        self.t.endorsements[item.id] = item
        return True

    async def endorsements_of(self, member_id: int) -> Sequence[Endorsement]:
        return [
            self.t.endorsements[i]
            for i in sorted(self.t.endorsements)
            if member_id in (self.t.endorsements[i].member_id, self.t.endorsements[i].endorser_id)
        ]

    async def evidence(self, member_id: int) -> dict[str, int]:
        counts: Counter[str] = Counter()
        counts.update(
            e.topic for e in self.t.endorsements.values() if e.member_id == member_id and e.topic
        )
        counts.update(
            t.topic for t in self.t.thanks.values() if t.receiver_id == member_id and t.topic
        )
        return dict(counts)

    async def forget(self, member_id: int) -> set[int]:
        for t in self.t.thanks.values():
            if t.giver_id == member_id:
                t.note = ""
        endorsed = {e.member_id for e in self.t.endorsements.values() if e.endorser_id == member_id}
        self.t.endorsements = {
            i: e
            for i, e in self.t.endorsements.items()
            if member_id not in (e.endorser_id, e.member_id)
        }
        return endorsed

    def _ordered(self) -> list[Thanks]:
        return [self.t.thanks[i] for i in sorted(self.t.thanks)]


class FakeSearchIndex:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def rebuild_member(
        self, member: Member, entries: Sequence[TopicEntry], evidence: Mapping[str, int]
    ) -> None:
        assert member.id is not None
        mine = [key for key in self.t.index if key[0] == member.id]
        old = {topic for _, topic in mine if is_skill(self.t.index[(member.id, topic)].level)}
        for key in mine:
            del self.t.index[key]
        for e in entries:
            found = evidence.get(e.topic, 0)
            self.t.index[(member.id, e.topic)] = IndexRow(
                member.id,
                e.topic,
                member.community_id,
                e.level,
                found,
                index_score(e.level, found),
                member.is_listed(),
                member.full_until,
                member.last_request_at or NEVER,
            )
        new = {e.topic: e.label for e in entries if is_skill(e.level)}
        for topic in new.keys() - old:
            count = self.t.topics.setdefault(
                (member.community_id, topic), TopicCount(new[topic][:80], 0)
            )
            count.members += 1
        for topic in old - new.keys():
            key = (member.community_id, topic)
            if key in self.t.topics:
                self.t.topics[key].members -= 1
                if self.t.topics[key].members <= 0:
                    del self.t.topics[key]

    async def refresh_flags(self, member: Member) -> None:
        for row in self.t.index.values():
            if row.member_id == member.id:
                row.listed = member.is_listed()
                row.full_until = member.full_until
                row.last_request_at = member.last_request_at or NEVER

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
        rows = [
            r
            for r in self.t.index.values()
            if r.community_id == community_id
            and r.topic == topic
            and r.listed
            and r.member_id != exclude
            and (r.full_until is None or r.full_until <= now)
        ]
        rows.sort(key=lambda r: (-r.score, r.last_request_at, r.member_id))
        return [
            Candidate(
                Hit(r.member_id, r.topic, r.level, r.evidence, r.score),
                self._snapshot(self.t.members[r.member_id]),
                self._load(r.member_id, since),
            )
            for r in rows[:limit]
        ]

    async def topics(self, community_id: int) -> dict[str, str]:
        return {
            topic: count.label
            for (c, topic), count in self.t.topics.items()
            if c == community_id and count.members > 0
        }

    async def topics_of(self, member_id: int) -> list[Hit]:
        return [
            Hit(r.member_id, r.topic, r.level, r.evidence, r.score)
            for r in self.t.index.values()
            if r.member_id == member_id and r.level != SEEKING
        ]

    async def members_listing(self, community_id: int, topics: Iterable[str]) -> set[int]:
        wanted = set(topics)
        return {
            r.member_id
            for r in self.t.index.values()
            if r.community_id == community_id and r.topic in wanted
        }

    async def learned_relations(self, community_id: int) -> list[LearnedPair]:
        pairs = [p for (c, _, _), p in self.t.relations.items() if c == community_id]
        return sorted(pairs, key=lambda p: -p.together)

    async def claim_relearning(self, now: datetime, learned_before: datetime) -> list[int]:
        claimed = []
        for community_id in sorted(self.t.communities):
            last = self.t.relation_runs.get(community_id)
            if last is None or last < learned_before:
                self.t.relation_runs[community_id] = now
                claimed.append(community_id)
        return claimed

    async def listing_counts(self, community_id: int) -> tuple[dict[str, int], int]:
        counts = {t: n.members for (c, t), n in self.t.topics.items() if c == community_id}
        everyone = sum(
            1 for m in self.t.members.values() if m.community_id == community_id and not m.forgotten
        )
        return counts, everyone

    async def co_listed(
        self, community_id: int, topic: str, min_together: int
    ) -> list[tuple[str, int]]:
        listing = {
            r.member_id
            for r in self.t.index.values()
            if r.community_id == community_id and r.topic == topic and is_skill(r.level)
        }
        together: Counter[str] = Counter(
            r.topic
            for r in self.t.index.values()
            if r.member_id in listing and r.topic > topic and is_skill(r.level)
        )
        return [(t, n) for t, n in together.items() if n >= min_together]

    async def replace_learned(self, community_id: int, pairs: Sequence[LearnedPair]) -> None:
        for key in [k for k in self.t.relations if k[0] == community_id]:
            del self.t.relations[key]
        for p in pairs:
            self.t.relations[(community_id, p.topic, p.related)] = p

    @staticmethod
    def _snapshot(member: Member) -> MemberSnapshot:
        # Only the fields the store's search query reads, as it hands them back.
        fields: dict[str, Any] = {name: getattr(member, name) for name in MEMBER_FIELDS}
        return MemberSnapshot(**fields)

    def _load(self, member_id: int, since: datetime) -> int:
        return sum(
            1
            for c in self.t.connections.values()
            if c.party_b_id == member_id
            and c.state != State.DRAFT
            and (_at_or_after(c.created_at, since) or c.state == State.PENDING)
        )


class FakeEvents:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        if (platform, event_id) in self.t.events:
            return False
        self.t.events.add((platform, event_id))
        return True

    async def release(self, platform: str, event_id: str) -> None:
        self.t.events.discard((platform, event_id))


class FakePrompts:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def schedule_many(
        self,
        *,
        community_id: int,
        kind: str,
        due_at: datetime,
        now: datetime,
        rows: Sequence[tuple[str, int, int | None, dict[str, Any]]],
    ) -> None:
        for key, recipient, subject, payload in rows:
            await self.schedule(
                community_id=community_id,
                recipient_id=recipient,
                kind=kind,
                due_at=due_at,
                key=key,
                now=now,
                subject_id=subject,
                payload=payload,
            )

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
        found = next((p for p in self.t.prompts.values() if p.dedupe_key == key), None)
        if found is None:
            prompt = Prompt(
                community_id,
                recipient_id,
                kind,
                due_at,
                key,
                subject_id=subject_id,
                payload=payload or {},
                created_at=now,
                id=self.t.next_id("prompts"),
            )
            assert prompt.id is not None
            self.t.prompts[prompt.id] = prompt
            return True
        if not revive or found.state != PromptState.CANCELLED:
            return False
        found.state, found.due_at, found.payload = PromptState.PENDING.value, due_at, payload or {}
        found.attempts, found.last_error = 0, None
        return True

    async def move(self, key: str, due_at: datetime) -> bool:
        moved = False
        for p in self.t.prompts.values():
            if p.dedupe_key == key and p.state == PromptState.PENDING:
                p.due_at, moved = due_at, True
        return moved

    async def cancel(
        self,
        reason: str,
        *,
        subject_id: int | None = None,
        kinds: Iterable[str] | None = None,
        recipient_id: int | None = None,
        community_id: int | None = None,
    ) -> int:
        wanted = None if kinds is None else set(kinds)
        cancelled = 0
        for p in self.t.prompts.values():
            if (
                p.state in WAITING
                and (subject_id is None or p.subject_id == subject_id)
                and (wanted is None or p.kind in wanted)
                and (recipient_id is None or p.recipient_id == recipient_id)
                and (community_id is None or p.community_id == community_id)
            ):
                p.state, p.last_error = PromptState.CANCELLED.value, reason[:200]
                cancelled += 1
        return cancelled

    async def forget_payloads(self, subject_id: int, kind: str) -> None:
        for p in self.t.prompts.values():
            if p.subject_id == subject_id and p.kind == kind:
                p.payload = {}

    async def bring_forward(self, recipient_id: int, now: datetime) -> None:
        for p in self.t.prompts.values():
            if (
                p.recipient_id == recipient_id
                and p.state == PromptState.PENDING
                and p.last_error == HELD
            ):
                p.due_at, p.last_error = now, None

    async def claim(
        self,
        now: datetime,
        limit: int,
        platforms: Iterable[str],
        *,
        keys: Collection[str] | None = None,
    ) -> Sequence[Prompt]:
        wanted = set(platforms)
        due = [
            p
            for p in self.t.prompts.values()
            if p.state in CLAIMABLE
            and p.due_at <= now
            and self.t.communities[p.community_id].platform in wanted
            and (keys is None or p.dedupe_key in keys)
        ]
        due.sort(key=lambda p: (p.due_at, p.id or 0))
        return due[:limit]

    async def next_due(self, platforms: Iterable[str]) -> datetime | None:
        wanted = set(platforms)
        return min(
            (
                p.due_at
                for p in self.t.prompts.values()
                if p.state in CLAIMABLE and self.t.communities[p.community_id].platform in wanted
            ),
            default=None,
        )

    async def sent_since(
        self, recipient_ids: Iterable[int], since: datetime
    ) -> list[tuple[int, datetime]]:
        wanted = set(recipient_ids)
        return [
            (p.recipient_id, p.sent_at)
            for p in self.t.prompts.values()
            if p.recipient_id in wanted
            and p.state == PromptState.SENT
            and p.sent_at is not None
            and p.sent_at >= since
            and p.attempts > 0  # not the ones carried inside a digest
            and p.kind != PromptKind.MESSAGE
        ]

    async def on_its_way(self, member_id: int) -> Sequence[Prompt]:
        return [
            self.t.prompts[i]
            for i in sorted(self.t.prompts)
            if self.t.prompts[i].recipient_id == member_id
            and self.t.prompts[i].kind == PromptKind.MESSAGE
            and self.t.prompts[i].state in CLAIMABLE
        ]

    async def merged(self, recipient_id: int) -> Sequence[Prompt]:
        return [
            self.t.prompts[i]
            for i in sorted(self.t.prompts)
            if self.t.prompts[i].recipient_id == recipient_id
            and self.t.prompts[i].state == PromptState.DIGEST
        ]

    async def counts(self, community_id: int) -> dict[str, int]:
        return dict(
            Counter(p.state for p in self.t.prompts.values() if p.community_id == community_id)
        )

    async def addressed_to(self, recipient_id: int) -> Sequence[Prompt]:
        mine = [p for p in self.t.prompts.values() if p.recipient_id == recipient_id]
        return sorted(mine, key=lambda p: p.due_at, reverse=True)

    async def record(self, outcomes: Sequence[PromptOutcome]) -> None:
        for o in outcomes:
            p = self.t.prompts.get(o.prompt_id)
            if p is None or p.state != PromptState.SENDING or p.attempts != o.claim:
                continue  # another dispatcher took the row over
            p.state, p.due_at, p.sent_at = o.state, o.due_at, o.sent_at
            p.receipt = dict(o.receipt) if o.receipt else None
            p.last_error = o.last_error[:200] if o.last_error else None
            if p.kind == PromptKind.MESSAGE and p.state not in CLAIMABLE:
                p.payload = {}

    async def mark_digest_sent(self, prompt_ids: Iterable[int], now: datetime) -> None:
        for i in prompt_ids:
            p = self.t.prompts.get(i)
            if p is not None and p.state == PromptState.DIGEST:
                p.state, p.sent_at, p.last_error, p.attempts = PromptState.SENT.value, now, None, 0


class FakePairings:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def channel(self, community_id: int, channel: str) -> PairingChannel | None:
        for ch in self.t.pairing_channels.values():
            if (ch.community_id, ch.channel) == (community_id, channel):
                return deepcopy(ch)
        return None

    async def channel_by_id(self, channel_id: int) -> PairingChannel | None:
        ch = self.t.pairing_channels.get(channel_id)
        return deepcopy(ch) if ch else None

    async def channels(self, community_id: int) -> list[PairingChannel]:
        return [
            deepcopy(c)
            for _, c in sorted(self.t.pairing_channels.items())
            if c.community_id == community_id
        ]

    async def save_channel(self, ch: PairingChannel) -> PairingChannel:
        if ch.id is None:
            ch.id = self.t.next_id("pairing_channels")
        self.t.pairing_channels[ch.id] = deepcopy(ch)
        return ch

    async def due(self, now: datetime, limit: int = 20) -> list[PairingChannel]:
        due = [
            c
            for c in self.t.pairing_channels.values()
            if c.active and c.next_round_at is not None and c.next_round_at <= now
        ]
        due.sort(key=lambda c: (c.next_round_at, c.id))
        return [deepcopy(c) for c in due[:limit]]

    async def participants(self, channel_id: int) -> list[Participant]:
        return [deepcopy(p) for (c, _), p in sorted(self.t.participants.items()) if c == channel_id]

    async def memberships(self, member_id: int) -> list[Participant]:
        return [deepcopy(p) for (_, m), p in sorted(self.t.participants.items()) if m == member_id]

    async def save_participant(self, p: Participant) -> None:
        self.t.participants[(p.channel_id, p.member_id)] = deepcopy(p)

    async def clear_skips(self, channel_id: int) -> None:
        for (c, _), p in self.t.participants.items():
            if c == channel_id:
                p.skip_next = False

    async def start_round(self, item: Round) -> Round | None:
        for r in self.t.rounds.values():
            if (r.channel_id, r.planned_for) == (item.channel_id, item.planned_for):
                return None
        item.id = self.t.next_id("pairing_rounds")
        self.t.rounds[item.id] = deepcopy(item)
        return item

    async def add_seats(self, round_id: int, groups: Sequence[Sequence[int]]) -> None:
        for no, group in enumerate(groups):
            for m in group:
                self.t.seats[(round_id, m)] = Seat(round_id, no, m)

    async def latest_round(self, channel_id: int) -> Round | None:
        mine = [r for r in self.t.rounds.values() if r.channel_id == channel_id]
        return deepcopy(max(mine, key=lambda r: r.planned_for)) if mine else None

    async def get_round(self, round_id: int) -> Round | None:
        r = self.t.rounds.get(round_id)
        return deepcopy(r) if r else None

    async def seats(self, round_id: int) -> list[Seat]:
        return sorted(
            (s for (r, _), s in self.t.seats.items() if r == round_id),
            key=lambda s: (s.group_no, s.member_id),
        )

    async def seats_of(self, member_id: int) -> list[Seat]:
        return sorted(
            (s for (_, m), s in self.t.seats.items() if m == member_id), key=lambda s: s.round_id
        )

    async def met_pairs(self, community_id: int) -> set[Pair]:
        groups: dict[tuple[int, int], list[int]] = {}
        for (round_id, member_id), seat in self.t.seats.items():
            r = self.t.rounds[round_id]
            if self.t.pairing_channels[r.channel_id].community_id == community_id:
                groups.setdefault((round_id, seat.group_no), []).append(member_id)
        return {
            (min(a, b), max(a, b))
            for members in groups.values()
            for a in members
            for b in members
            if a != b
        }

    async def connected_pairs(self, community_id: int) -> set[Pair]:
        return {
            (min(c.party_a_id, c.party_b_id), max(c.party_a_id, c.party_b_id))
            for c in self.t.connections.values()
            if c.community_id == community_id and c.state is State.CONNECTED
        }

    async def answer(self, round_id: int, member_id: int, answer: Answer, now: datetime) -> bool:
        seat = self.t.seats.get((round_id, member_id))
        if seat is None:
            return False
        self.t.seats[(round_id, member_id)] = Seat(round_id, seat.group_no, member_id, answer)
        return True

    async def summaries(self, channel_id: int, limit: int = 5) -> list[RoundSummary]:
        mine = [r for r in self.t.rounds.values() if r.channel_id == channel_id]
        mine.sort(key=lambda r: r.planned_for, reverse=True)
        return [self._summary(r) for r in mine[:limit]]

    async def attendance(self, community_id: int, since: datetime) -> list[RoundSummary]:
        mine = [
            r
            for r in self.t.rounds.values()
            if self.t.pairing_channels[r.channel_id].community_id == community_id
            and r.planned_for >= since
        ]
        mine.sort(key=lambda r: (r.planned_for, r.id))
        return [self._summary(r) for r in mine]

    def _summary(self, r: Round) -> RoundSummary:
        assert r.id is not None
        seats = [s for (rid, _), s in self.t.seats.items() if rid == r.id]
        groups = {s.group_no for s in seats}
        met = {s.group_no for s in seats if s.answer is Answer.YES}
        answered = sum(s.answer is not None for s in seats)
        return RoundSummary(
            r.id, r.channel_id, r.planned_for, len(groups), len(seats), answered, len(met)
        )

    async def forget(self, member_id: int) -> None:
        for key in [k for k in self.t.participants if k[1] == member_id]:
            del self.t.participants[key]
        for key in [k for k in self.t.seats if k[1] == member_id]:
            del self.t.seats[key]


class FakeDashboard:
    def __init__(self, t: Tables) -> None:
        self.t = t

    async def secret(self, name: str, candidate: str, now: datetime) -> str:
        return self.t.secrets.setdefault(name, candidate)

    async def add_link(
        self, nonce: str, community_id: int, member_id: int, now: datetime, expires_at: datetime
    ) -> None:
        for old in [
            n for n, link in self.t.links.items() if link.expires_at < now - timedelta(days=1)
        ]:
            del self.t.links[old]
        self.t.links[nonce] = DashboardLink(community_id, member_id, expires_at)

    async def use_link(self, nonce: str, now: datetime) -> int | None:
        link = self.t.links.get(nonce)
        if link is None or link.used_at is not None or link.expires_at <= now:
            return None
        link.used_at = now
        return link.community_id

    async def facts(self, community_id: int, since: datetime) -> DashboardFacts | None:
        community = self.t.communities.get(community_id)
        if community is None:
            return None
        listing = {r.member_id for r in self.t.index.values() if r.community_id == community_id}
        members = [
            MemberFact(
                id=m.id,
                name=m.display_name if m.discoverable else None,
                group=group_of(m.timezone, m.chapter),
                profile_set=m.id in listing,
                discoverable=m.discoverable,
                joined=m.created_at or NEVER,
                unreachable=m.unreachable is not None,
            )
            for m in sorted(self.t.members.values(), key=lambda m: m.id or 0)
            if m.id is not None and m.community_id == community_id and not m.forgotten
        ]
        connections = [
            ConnectionFact(
                c.id,
                c.kind,
                c.state,
                c.initiator_id,
                c.party_a_id,
                c.party_b_id,
                c.topic,
                c.created_at or NEVER,
                c.updated_at or NEVER,
                c.connected_at,
                c.outcome,
            )
            for c in sorted(self.t.connections.values(), key=lambda c: c.id or 0)
            if c.id is not None and c.community_id == community_id and c.state != State.DRAFT
        ]
        thanks = [
            ThanksFact(t.giver_id, t.receiver_id, t.created_at or NEVER, t.connection_id)
            for t in sorted(self.t.thanks.values(), key=lambda t: t.id or 0)
            if t.community_id == community_id
        ]
        prompts = [
            PromptFact(p.state, p.created_at or NEVER, p.sent_at)
            for p in self.t.prompts.values()
            if p.community_id == community_id
            and (
                (p.created_at or NEVER) >= since
                or _at_or_after(p.sent_at, since)
                or p.state in ("pending", "sending", "digest")
            )
        ]
        helpers = Counter(
            r.topic for r in self.t.index.values() if r.community_id == community_id and r.listed
        )
        supply = [
            TopicSupply(
                topic,
                self.t.topics[(community_id, topic)].label
                if (community_id, topic) in self.t.topics
                else topic,
                n,
            )
            for topic, n in helpers.items()
        ]
        pairings: list[PairingFact] | None = None  # as the store: no pairing recorded yet
        return DashboardFacts(
            community.name, members, connections, thanks, prompts, supply, pairings
        )


class FakeUnitOfWork:
    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self._tables = deepcopy(store.tables)  # the transaction sees a snapshot
        self.communities = FakeCommunities(self._tables)
        self.members = FakeMembers(self._tables)
        self.connections = FakeConnections(self._tables)
        self.thanks = FakeThanks(self._tables)
        self.index = FakeSearchIndex(self._tables)
        self.events = FakeEvents(self._tables)
        self.prompts = FakePrompts(self._tables)
        self.pairing = FakePairings(self._tables)
        self.imports = FakeImports(self._tables)
        self.dashboard = FakeDashboard(self._tables)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass  # uncommitted work stays in this unit's copy and goes with it

    async def commit(self) -> None:
        # A copy again: objects handed out stay detached, as after a real commit.
        self._store.tables = deepcopy(self._tables)

    async def ping(self) -> None:
        pass


class FakeStore:
    """The UnitOfWorkFactory the core gets instead of a database."""

    def __init__(self) -> None:
        self.tables = Tables()

    def __call__(self, write: bool = True) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)  # `write` takes no lock in memory


def _at_or_after(moment: datetime | None, since: datetime) -> bool:
    """SQL's `column >= since`: a NULL is never."""
    return moment is not None and moment >= since
