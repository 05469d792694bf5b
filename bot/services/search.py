"""/whoknows: the best few members for a topic, and why each matched.

A query is read as one or more parts (topics). Members who match every part come first;
a member who lists a part, or says it in their own words, always ranks above one reached
only through a related topic; members who are learning a topic or looking for help with
it are peers, never offered as helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.actions import Action
from bot.domain.errors import UserError
from bot.domain.members import Member, MemberSnapshot
from bot.domain.profile import Availability, Level
from bot.domain.ranking import CANDIDATE_POOL, SEEKING, Candidate, final_score, is_peer
from bot.domain.related_topics import Relation
from bot.domain.search_index import Candidate as IndexCandidate
from bot.domain.search_index import Hit
from bot.domain.text import clean
from bot.domain.vocabulary import MatchKind, TopicMatch, Vocabulary, normalise
from bot.messages import Bold, Button, Field, Line, Message, Quote, Reply, Section, Style, line
from bot.services.commands import WhoKnows
from bot.services.context import LOAD_WINDOW, Context, mention, mentions
from bot.services.profiles import availability_text

QUERY_MAX = 100
MAX_PARTS = 5
# Related topics are searched only for a part too few members list themselves, at most
# this many per search: a broad field has many skills, and each is one indexed query.
RELATED_PER_PART = 16
RELATED_PER_SEARCH = 24
RELATED_POINTS = {Relation.FIELD: 0.8, Relation.BROADER: 0.5, Relation.LEARNED: 0.4}
PEERS_SHOWN = 3
LEVEL_PHRASES = {
    Level.EXPERT: "expert in {}",
    Level.PRACTITIONER: "practises {}",
    Level.LEARNING: "learning {}",
}
SNIPPET = 140


@dataclass
class RelatedHit:
    hit: Hit
    part: str  # the asked topic it relates to
    relation: Relation


@dataclass
class Pool:
    """How one member matched: directly (per asked part), through related topics, or as
    a peer (learning it, or looking for help with it)."""

    hits: list[Hit] = field(default_factory=list)
    related: list[RelatedHit] = field(default_factory=list)
    peer: list[Hit] = field(default_factory=list)

    @property
    def direct_parts(self) -> set[str]:
        return {h.topic for h in self.hits}

    def related_parts(self, *relations: Relation) -> set[str]:
        return {r.part for r in self.related if r.relation in relations} - self.direct_parts

    @property
    def covered(self) -> set[str]:
        return self.direct_parts | {r.part for r in self.related}

    @property
    def is_helper(self) -> bool:
        return bool(self.hits or self.related)

    @property
    def points(self) -> int:
        direct = sum(h.score for h in self.hits)
        best: dict[str, float] = {}
        for r in self.related:
            if r.part not in self.direct_parts:
                value = r.hit.score * RELATED_POINTS[r.relation]
                best[r.part] = max(best.get(r.part, 0.0), value)
        return direct + int(sum(best.values()))

    def rank(self) -> tuple[int, int, int]:
        """Parts matched directly, then through a field's skills, then at all: a member
        who lists a topic is never below one reached only through a weak relation."""
        field_parts = self.related_parts(Relation.FIELD)
        weak_parts = self.related_parts(Relation.BROADER, Relation.LEARNED)
        direct = len(self.direct_parts)
        return direct, direct + len(field_parts), direct + len(field_parts | weak_parts)


@dataclass
class Results:
    helpers: list[tuple[MemberSnapshot, Pool]]
    peers: list[tuple[MemberSnapshot, Pool]]
    parts_found: set[str]  # asked parts somebody was offered for
    parts_direct: set[str]  # asked parts somebody lists themselves


async def who_knows(ctx: Context, cmd: WhoKnows) -> Reply:
    query = clean(cmd.topic, "topic", max_len=QUERY_MAX)
    if not query:
        raise UserError("Who knows what?", "Try /whoknows kubernetes or /whoknows public speaking.")
    vocab = await ctx.vocabulary()
    matches = vocab.resolve(query)
    found = await search(ctx, vocab, matches, exclude=ctx.me)
    if not found.helpers:
        return await _no_match(ctx, query, vocab, matches, found)
    parts = matches[:MAX_PARTS]
    labels = {m.key: vocab.label(m.key) for m in matches}
    for _member, pool in found.helpers:
        for r in pool.related:
            labels.setdefault(r.hit.topic, vocab.label(r.hit.topic))
    topic = " + ".join(labels[m.key] for m in parts if m.key in found.parts_found)
    header: list[str | Bold] = []
    missing = [m for m in parts if m.key not in found.parts_found and m.kind is not MatchKind.TYPO]
    if missing:
        names = ", ".join(f"“{labels[m.key]}”" for m in missing)
        header += [f"Nobody lists {names}; people who know ", Bold(topic)]
    else:
        header += ["People who can help with ", Bold(topic)]
    if any(m.kind is MatchKind.TYPO and m.key in found.parts_found for m in parts):
        header.append(f" (I read “{query}” as {topic})")
    if found.parts_found - found.parts_direct:
        header.append(" (through related topics)")
    header.append(":" if missing else "")
    sections = [Section(text=line(*header))]
    buttons: list[Button] = []
    for member, pool in found.helpers:
        sections.append(_result_section(ctx, member, pool, labels))
        asked = next((m.key for m in parts if m.key in pool.direct_parts), None)
        asked = asked or next((r.part for r in pool.related), parts[0].key)
        buttons.append(
            Button(
                f"Ask {member.display_name} for help",
                Action.ASK_START,
                f"{member.id}:{asked}"[:200],
                Style.PRIMARY,
            )
        )
    return Reply(Message(sections=tuple(sections), buttons=tuple(buttons)))


async def find_helpers(
    ctx: Context, matches: list[TopicMatch], *, exclude: Member, limit: int | None = None
) -> list[tuple[MemberSnapshot, Pool]]:
    """Helpers for the matched topics, best first; never peers, hidden, away or full
    members, nor `exclude`."""
    vocab = await ctx.vocabulary()
    return (await search(ctx, vocab, matches, exclude=exclude, limit=limit)).helpers


async def search(
    ctx: Context,
    vocab: Vocabulary,
    matches: list[TopicMatch],
    *,
    exclude: Member,
    limit: int | None = None,
) -> Results:
    assert exclude.id is not None
    size = limit or int(ctx.setting("whoknows_results"))
    pools: dict[int, Pool] = {}
    snapshots: dict[int, MemberSnapshot] = {}
    loads: dict[int, int] = {}

    def usable(found: IndexCandidate) -> Pool | None:
        member_id = found.hit.member_id
        if member_id == exclude.id:
            return None
        snapshots[member_id] = found.member
        loads[member_id] = found.load
        return pools.setdefault(member_id, Pool())

    parts = list(dict.fromkeys(m.key for m in matches[:MAX_PARTS]))
    for part in parts:
        for found in await _candidates(ctx, part):
            pool = usable(found)
            if pool is not None:
                (pool.peer if is_peer(found.hit.level) else pool.hits).append(found.hit)
    budget = RELATED_PER_SEARCH
    # A misspelt word inside a longer query is a guess already: no relations on top of it.
    guessed = {m.key for m in matches if m.kind is MatchKind.TYPO} if len(parts) > 1 else set()
    for part in parts:
        listing = sum(1 for p in pools.values() if part in p.direct_parts)
        if listing >= size or part in guessed:
            continue
        for related in vocab.related(part)[:RELATED_PER_PART]:
            if budget <= 0 or related.key in parts:
                break
            budget -= 1
            for found in await _candidates(ctx, related.key):
                if is_peer(found.hit.level):
                    continue  # learning a related skill says nothing about the asked one
                pool = usable(found)
                if pool is not None:
                    pool.related.append(RelatedHit(found.hit, part, related.relation))
    helpers: list[tuple[tuple[float, ...], MemberSnapshot, Pool]] = []
    peers: list[tuple[tuple[float, ...], MemberSnapshot, Pool]] = []
    for member_id, pool in pools.items():
        member = snapshots[member_id]
        if not member.is_listed() or member.is_full(ctx.now):
            continue  # the index lags at most one transaction; the row is the truth
        load = loads.get(member_id, 0)
        status = member.availability_on(ctx.today(member))
        candidate = Candidate(
            member_id=member_id,
            topic_points=pool.points if pool.is_helper else sum(h.score for h in pool.peer),
            topics_matched=max(1, pool.rank()[2]),
            availability=status,
            remaining_capacity=member.capacity - load,
            recent_load=load,
        )
        # Ties go to whoever was asked least recently: spreads the load.
        last = member.last_request_at.timestamp() if member.last_request_at else 0.0
        # Respect people's priorities: among equal matches, whoever is busy comes after
        # everyone open (never above a closer match: that order is the match's own).
        busy = float(status is Availability.BUSY)
        order = (busy, -final_score(candidate), last, member_id)
        if pool.is_helper:
            rank = pool.rank()
            helpers.append(((-rank[0], -rank[1], -rank[2], *order), member, pool))
        else:
            peers.append((order, member, pool))
    helpers.sort(key=lambda r: r[0])
    peers.sort(key=lambda r: r[0])
    shown = [(member, pool) for _, member, pool in helpers[:size]]
    return Results(
        helpers=shown,
        peers=[(member, pool) for _, member, pool in peers[:PEERS_SHOWN]],
        parts_found={p for _, pool in shown for p in pool.covered},
        parts_direct={p for _, pool in shown for p in pool.direct_parts},
    )


async def _candidates(ctx: Context, topic: str) -> list[IndexCandidate]:
    """The index's best candidates for one topic, shared by every asker for a moment."""
    minute = int(ctx.now.timestamp() // 60)
    found = ctx.caches.search(ctx.community_id, topic, minute)
    if found is None:
        # Nobody excluded, one spare: the cached pool serves every asker.
        found = await ctx.uow.index.candidates(
            ctx.community_id,
            topic,
            exclude=0,
            now=ctx.now,
            since=ctx.now - LOAD_WINDOW,
            limit=CANDIDATE_POOL + 1,
        )
        ctx.caches.remember_search(ctx.community_id, topic, minute, found)
    return found


def _why(pool: Pool, labels: dict[str, str]) -> tuple[list[str], bool]:
    """One line of reasons, closest first; and whether their own words matched."""
    reasons: list[str] = []
    words = False
    for hit in sorted(pool.hits, key=lambda h: -(h.level or 0)):
        label = labels.get(hit.topic, hit.topic)
        if hit.level:
            reasons.append(LEVEL_PHRASES[Level(hit.level)].format(label))
        else:
            words = True
    if words:
        reasons.append("mentions it in their own words")
    by_part: dict[tuple[str, Relation], list[str]] = {}
    for r in sorted(pool.related, key=lambda r: (r.relation, -(r.hit.level or 0), r.hit.topic)):
        if r.part in pool.direct_parts:
            continue
        names = by_part.setdefault((r.part, r.relation), [])
        label = labels.get(r.hit.topic, r.hit.topic)
        if label not in names:
            names.append(label)
    for (part, relation), names in by_part.items():
        known = _and(names[:3])
        asked = labels.get(part, part)
        if relation is Relation.FIELD:
            reasons.append(f"knows {known}, related to {asked}")
        elif relation is Relation.BROADER:
            reasons.append(f"knows {known}, the wider field of {asked}")
        else:
            reasons.append(f"knows {known}, often listed with {asked}")
    return reasons, words


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _result_section(
    ctx: Context, member: MemberSnapshot, pool: Pool, labels: dict[str, str]
) -> Section:
    reasons, words_matched = _why(pool, labels)
    evidence = sum(h.evidence for h in pool.hits)
    why: Line = line("; ".join(reasons))
    if evidence:
        why = (*why, *line(f"; vouched for {evidence}× (endorsements, thanks)"))
    fields = [Field("Why", why)]
    if words_matched and member.can_help_with:
        text = member.can_help_with
        snippet = text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
        fields.append(Field("In their words", line(Quote(snippet))))
    status = availability_text(ctx, member)
    if member.availability_on(ctx.today(member)) is Availability.OPEN:
        status = "open to requests"
    fields.append(Field("Availability", line(status)))
    fields.append(Field("Local time", line(ctx.local_time(member))))
    return Section(text=line(mention(member)), fields=tuple(fields))


async def _no_match(
    ctx: Context, query: str, vocab: Vocabulary, matches: list[TopicMatch], found: Results
) -> Reply:
    asked = {m.key for m in matches}
    sections = [Section(text=line(f"Nobody who can help with “{query}” is available right now."))]
    if found.peers:
        seeking = all(h.level == SEEKING for _, p in found.peers for h in p.peer)
        what = "looking for help with it too" if seeking else "learning it or looking for it too"
        peers = mentions([member for member, _ in found.peers])
        sections.append(Section(text=line(f"Peers, not helpers ({what}): ", *peers)))
    # Only topics someone could actually help with now; never the one just searched.
    close: list[str] = []
    for key in vocab.suggest(normalise(query), limit=5 + len(asked)):
        if key in asked or len(close) == 3:
            continue
        someone = await ctx.uow.index.candidates(
            ctx.community_id,
            key,
            exclude=_member_id(ctx.me),
            now=ctx.now,
            since=ctx.now - LOAD_WINDOW,
            limit=1,
        )
        if someone and not is_peer(someone[0].hit.level):
            close.append(key)
    if close:
        sections.append(
            Section(
                text=line(
                    "Close topics people do list: " + ", ".join(vocab.label(k) for k in close)
                )
            )
        )
    buttons: tuple[Button, ...] = ()
    channel = ctx.setting("asks_channel")
    if channel:
        sections.append(
            Section(text=line(f"I can post your ask in {channel} so anyone can offer."))
        )
        buttons = (
            Button(f"Post my ask in {channel}", Action.ASKS_POST, query[:200], Style.PRIMARY),
        )
    else:
        sections.append(
            Section(text=line("Try a broader word, or ask in your community's main channel."))
        )
    return Reply(Message(sections=tuple(sections), buttons=buttons))


def _member_id(member: Member) -> int:
    assert member.id is not None
    return member.id
