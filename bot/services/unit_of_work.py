"""The unit of work handlers run in, and the repositories it offers: protocols only.

Use cases, the prompt planner and the dispatcher are typed against these. The store
implements them with SQLAlchemy (bot.store.unit_of_work); the tests have an in-memory
fake (tests/fake_store.py). A unit of work is one transaction: changes to the objects
its repositories hand out are saved by commit(), and dropped when it ends uncommitted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from bot.domain.activity import AskSummary, CommunityHealth, TopicDemand
from bot.domain.connections import Connection, Kind
from bot.domain.dashboard import DashboardFacts
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
from bot.domain.prompts import Prompt, PromptOutcome
from bot.domain.related_topics import LearnedPair
from bot.domain.search_index import Candidate, Hit, TopicEntry
from bot.domain.thanks import Endorsement, Thanks


class CommunityRepository(Protocol):
    async def by_external_id(self, platform: str, external_id: str) -> Community | None: ...

    async def many(self, ids: Iterable[int]) -> dict[int, Community]: ...

    async def add(self, community: Community) -> Community:
        """Saved now: it has its id on return. If another transaction added the same
        community meanwhile, that one is returned instead."""
        ...

    async def aliases(self, community_id: int) -> dict[str, str]: ...

    async def set_alias(self, community_id: int, alias: str, topic: str) -> None: ...

    async def health(self, community_id: int) -> CommunityHealth: ...

    async def topic_demand(self, community_id: int, since: datetime) -> list[TopicDemand]:
        """Topics of the help requests sent since then, each with how many were sent and
        how many members are listed for it now."""
        ...


class MemberRepository(Protocol):
    async def get(self, member_id: int) -> Member | None: ...

    async def by_platform_id(self, community_id: int, user_id: str) -> Member | None: ...

    async def many(self, ids: Iterable[int]) -> dict[int, Member]: ...

    async def named(self, community_id: int, prefix: str, limit: int = 10) -> Sequence[Member]:
        """Members here whose display name or platform id starts with `prefix` (any case),
        not forgotten: an exact platform id first, then by name."""
        ...

    async def add(self, member: Member) -> Member:
        """Saved now: it has its id on return. If another transaction added the same
        member meanwhile, that one is returned instead."""
        ...

    async def by_platform_ids(
        self, community_id: int, user_ids: Iterable[str]
    ) -> dict[str, Member]:
        """The members here with these platform ids, by id (one query for an import)."""
        ...

    async def add_many(self, new: Sequence[MemberSnapshot]) -> None:
        """New members, saved now in one statement; each snapshot gets its id. An
        import's: it holds the write lock and found none of them, so none can exist.
        Plain snapshots, not tracked: thousands are cheap to build and to write."""
        ...

    async def directory(self, community_id: int) -> Sequence[Member]:
        """Members who chose to be found (discoverable, not forgotten), by name."""
        ...

    async def forgot_before(self, community_id: int, key: str) -> bool:
        """Whether a member here with this forget key (see `forget_key`) used forget."""
        ...


class ImportRepository(Protocol):
    async def bulk(self) -> None:
        """This transaction applies thousands of rows: each statement is planned for its
        own values (PostgreSQL would keep reusing a plan made while the tables were nearly
        empty: a scan of the whole members table per chunk)."""
        ...

    async def many(self, member_ids: Iterable[int]) -> dict[int, ImportRecord]: ...

    async def add_many(self, records: Sequence[ImportRecord]) -> None:
        """Saved now, in one statement; not tracked afterwards."""
        ...


class ConnectionRepository(Protocol):
    async def add(self, connection: Connection) -> bool:
        """Saved now, with its id; False (nothing saved) when the pair already has an open
        one (draft or pending) of this kind."""
        ...

    async def remove(self, connection: Connection) -> None:
        """A draft that was never sent goes, as if never written."""
        ...

    async def get(self, connection_id: int, *, for_update: bool = False) -> Connection | None: ...

    async def many(self, ids: Iterable[int]) -> dict[int, Connection]: ...

    async def open_between(
        self, community_id: int, kind: Kind, a: int, b: int
    ) -> Connection | None: ...

    async def asks_between(self, requester_id: int, helper_id: int, since: datetime) -> int:
        """Requests sent (not drafts) from one member to another since a time."""
        ...

    async def received_times(self, member_id: int, since: datetime) -> list[datetime]:
        """When each ask of this member (as helper, or as a party to an intro) was made,
        oldest first; drafts are nobody's ask."""
        ...

    async def involving(self, member_id: int) -> Sequence[Connection]:
        """As introducer, requester, party or suggested person; oldest first."""
        ...

    async def connected_to(self, member_id: int) -> set[int]:
        """The members this one is connected with (either side of a connection)."""
        ...

    async def expire(self, connection: Connection, now: datetime) -> bool:
        """Expire it if it is still pending; False when an answer got there first. The
        connection shows its current state either way."""
        ...

    async def last_interaction(self, a: int, b: int) -> datetime | None:
        """The latest recorded interaction between two members: a connection between them
        opening or being answered, or a thank-you either way."""
        ...

    async def recent_asks(
        self,
        community_id: int,
        topics: Iterable[str],
        since: datetime,
        *,
        excluding: int,
        until: datetime | None = None,
    ) -> list[AskSummary]:
        """Requests (not drafts) about these topics made since a time (and before
        `until`), except those `excluding` asked or was asked."""
        ...

    async def forget(self, member_id: int) -> None:
        """The member is forgotten: blank the reasons they gave and their private notes,
        and drop them as anyone's suggestion."""
        ...


class ThanksRepository(Protocol):
    async def add(self, item: Thanks) -> Thanks: ...

    async def given_since(self, giver_id: int, since: datetime) -> int: ...

    async def repeated(self, giver_id: int, receiver_id: int, note: str, since: datetime) -> bool:
        """This very thank-you was given since a time; of two asking at once, the second
        sees the first."""
        ...

    async def involving(self, member_id: int) -> Sequence[Thanks]:
        """Given or received; oldest first."""
        ...

    async def recent_to(self, member_id: int, limit: int) -> Sequence[Thanks]:
        """Received, newest first."""
        ...

    async def thanked_by(
        self, giver_id: int, receivers: Iterable[int], since: datetime
    ) -> set[int]:
        """Which of `receivers` this member thanked since a time."""
        ...

    async def add_endorsement(self, item: Endorsement) -> bool:
        """False when this member already endorsed that skill."""
        ...

    async def endorsements_of(self, member_id: int) -> Sequence[Endorsement]:
        """Given or received."""
        ...

    async def evidence(self, member_id: int) -> dict[str, int]:
        """Endorsements and topic-tagged thanks received, per topic."""
        ...

    async def forget(self, member_id: int) -> set[int]:
        """The member is forgotten: blank their thank-you notes, delete endorsements by and
        of them. Returns the members they had endorsed (their evidence changed)."""
        ...


class SearchIndexRepository(Protocol):
    async def rebuild_member(
        self, member: Member, entries: Sequence[TopicEntry], evidence: Mapping[str, int]
    ) -> None:
        """Replace the member's entries; the community's topic counts follow."""
        ...

    async def refresh_flags(self, member: Member) -> None:
        """Availability, visibility, capacity or load changed: no topic changed."""
        ...

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
        first, each with their member row and recent load (asks received since `since`,
        plus every one still open)."""
        ...

    async def topics(self, community_id: int) -> dict[str, str]:
        """Topics members of the community list with a skill level (key → label)."""
        ...

    async def topics_of(self, member_id: int) -> list[Hit]: ...

    async def members_listing(self, community_id: int, topics: Iterable[str]) -> set[int]:
        """Members indexed under any of these topics."""
        ...

    async def learned_relations(self, community_id: int) -> list[LearnedPair]:
        """Topics many members list together, as last learned (strongest first)."""
        ...

    async def claim_relearning(self, now: datetime, learned_before: datetime) -> list[int]:
        """Communities whose relations were learned before `learned_before` or never,
        marked as learned `now` so that no other process takes them too."""
        ...

    async def listing_counts(self, community_id: int) -> tuple[dict[str, int], int]:
        """How many members list each skill, and how many members the community has."""
        ...

    async def co_listed(
        self, community_id: int, topic: str, min_together: int
    ) -> list[tuple[str, int]]:
        """Skills after `topic` (in key order) that at least `min_together` of the members
        listing `topic` list too, with how many do."""
        ...

    async def replace_learned(self, community_id: int, pairs: Sequence[LearnedPair]) -> None:
        """The community's learned relations are now exactly `pairs`."""
        ...


class ProcessedEventRepository(Protocol):
    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record the event; False if it was handled before (a platform retry)."""
        ...

    async def release(self, platform: str, event_id: str) -> None:
        """Handling failed: let the platform's retry through."""
        ...


class PromptRepository(Protocol):
    async def schedule_many(
        self,
        *,
        community_id: int,
        kind: str,
        due_at: datetime,
        now: datetime,
        rows: Sequence[tuple[str, int, int | None, dict[str, Any]]],
    ) -> None:
        """Many prompts of one kind at once, each (key, recipient, subject, payload);
        a key that exists already is left as it is."""
        ...

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
        """Add a prompt unless one with this key exists (sent, cancelled or waiting);
        `revive`: a cancelled one with this key comes back. True when added or revived."""
        ...

    async def move(self, key: str, due_at: datetime) -> bool:
        """A pending prompt is due at another time; False if none was waiting."""
        ...

    async def cancel(
        self,
        reason: str,
        *,
        subject_id: int | None = None,
        kinds: Iterable[str] | None = None,
        recipient_id: int | None = None,
        community_id: int | None = None,
    ) -> int:
        """Cancel waiting prompts (pending or held for a digest) that match; how many.
        Rows a dispatcher holds right now are skipped."""
        ...

    async def forget_payloads(self, subject_id: int, kind: str) -> None:
        """Drop what prompts about a member carry, sent ones included."""
        ...

    async def bring_forward(self, recipient_id: int, now: datetime) -> None:
        """Resumed: prompts held during a pause are due now."""
        ...

    async def claim(
        self,
        now: datetime,
        limit: int,
        platforms: Iterable[str],
        *,
        keys: Collection[str] | None = None,
    ) -> Sequence[Prompt]:
        """Due prompts (pending, or sending with a lapsed lease) in communities on these
        platforms, oldest due first, locked for this transaction; only these dedupe keys
        when given."""
        ...

    async def next_due(self, platforms: Iterable[str]) -> datetime | None:
        """When the earliest waiting prompt on these platforms falls due (None: none
        waits). A simulated clock steps through these times."""
        ...

    async def sent_since(
        self, recipient_ids: Iterable[int], since: datetime
    ) -> list[tuple[int, datetime]]:
        """(recipient, sent_at) of prompts sent on their own since a time (the daily cap);
        not a command's messages."""
        ...

    async def on_its_way(self, member_id: int) -> Sequence[Prompt]:
        """Messages this member's actions produced that are not delivered yet, oldest
        first."""
        ...

    async def merged(self, recipient_id: int) -> Sequence[Prompt]:
        """Prompts held for this member's next digest, oldest first, locked."""
        ...

    async def counts(self, community_id: int) -> dict[str, int]:
        """How many prompts are in each state."""
        ...

    async def addressed_to(self, recipient_id: int) -> Sequence[Prompt]:
        """Every prompt to this member, newest due first."""
        ...

    async def record(self, outcomes: Sequence[PromptOutcome]) -> None:
        """Save what became of claimed prompts, each only while its claim holds; a
        command's message that is done with keeps no payload."""
        ...

    async def mark_digest_sent(self, prompt_ids: Iterable[int], now: datetime) -> None:
        """Prompts a sent digest carried are sent (attempts 0: the cap counted the digest)."""
        ...


class PairingRepository(Protocol):
    async def channel(self, community_id: int, channel: str) -> PairingChannel | None: ...

    async def channel_by_id(self, channel_id: int) -> PairingChannel | None: ...

    async def channels(self, community_id: int) -> list[PairingChannel]: ...

    async def save_channel(self, ch: PairingChannel) -> PairingChannel:
        """Inserted (it has its id on return) or updated."""
        ...

    async def due(self, now: datetime, limit: int = 20) -> list[PairingChannel]:
        """Active channels whose next round is due, the longest waiting first."""
        ...

    async def participants(self, channel_id: int) -> list[Participant]: ...

    async def memberships(self, member_id: int) -> list[Participant]: ...

    async def save_participant(self, p: Participant) -> None: ...

    async def clear_skips(self, channel_id: int) -> None: ...

    async def start_round(self, item: Round) -> Round | None:
        """Saved with its id; None when this channel already has a round for that slot."""
        ...

    async def add_seats(self, round_id: int, groups: Sequence[Sequence[int]]) -> None: ...

    async def latest_round(self, channel_id: int) -> Round | None: ...

    async def get_round(self, round_id: int) -> Round | None: ...

    async def seats(self, round_id: int) -> list[Seat]:
        """By group, then member."""
        ...

    async def seats_of(self, member_id: int) -> list[Seat]: ...

    async def met_pairs(self, community_id: int) -> set[Pair]:
        """Every pair ever in a group together, in any pairing channel of the community."""
        ...

    async def connected_pairs(self, community_id: int) -> set[Pair]:
        """Members already connected through an accepted intro or ask."""
        ...

    async def answer(self, round_id: int, member_id: int, answer: Answer, now: datetime) -> bool:
        """Record a member's answer; False when they have no seat in that round."""
        ...

    async def summaries(self, channel_id: int, limit: int = 5) -> list[RoundSummary]:
        """The channel's last rounds, newest first."""
        ...

    async def attendance(self, community_id: int, since: datetime) -> list[RoundSummary]:
        """Every round of the community since then, oldest first: members paired,
        answers and met rate (for the organisers' dashboard)."""
        ...

    async def forget(self, member_id: int) -> None: ...


class DashboardRepository(Protocol):
    async def secret(self, name: str, candidate: str, now: datetime) -> str:
        """The secret kept under this name; `candidate` is kept (and returned) when there
        is none yet. Of two processes keeping one at once, both get the first."""
        ...

    async def add_link(
        self, nonce: str, community_id: int, member_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """A dashboard link was handed out."""
        ...

    async def use_link(self, nonce: str, now: datetime) -> int | None:
        """The link's community, when it was never used and has not expired; it is used
        from now on. None otherwise (also for a nonce never handed out)."""
        ...

    async def facts(self, community_id: int, since: datetime) -> DashboardFacts | None:
        """What the dashboard computes its figures from: the community's members (not
        forgotten), its sent intros and help requests, thank-yous, and prompts created
        since a time or still waiting. No private text. None: no such community."""
        ...


class UnitOfWork(Protocol):
    @property
    def communities(self) -> CommunityRepository: ...

    @property
    def members(self) -> MemberRepository: ...

    @property
    def connections(self) -> ConnectionRepository: ...

    @property
    def thanks(self) -> ThanksRepository: ...

    @property
    def index(self) -> SearchIndexRepository: ...

    @property
    def events(self) -> ProcessedEventRepository: ...

    @property
    def prompts(self) -> PromptRepository: ...

    @property
    def pairing(self) -> PairingRepository: ...

    @property
    def imports(self) -> ImportRepository: ...

    @property
    def dashboard(self) -> DashboardRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None: ...

    async def ping(self) -> None:
        """Raise unless the store answers (the health check)."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, write: bool = True) -> UnitOfWork:
        """A new unit of work. `write=False`: it only reads (on SQLite it then takes no
        write lock; a handler that finds it must write raises NeedsWrite instead)."""
        ...
