"""/whoknows: the best few members for a topic, and why each matched."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import Action
from bot.domain.errors import UserError
from bot.domain.members import Member, MemberSnapshot
from bot.domain.profile import Availability, Level
from bot.domain.ranking import CANDIDATE_POOL, Candidate, final_score
from bot.domain.search_index import Hit
from bot.domain.text import clean
from bot.domain.vocabulary import MatchKind, TopicMatch, Vocabulary, normalise
from bot.messages import Bold, Button, Field, Line, Message, Quote, Reply, Section, Style, line
from bot.services.commands import WhoKnows
from bot.services.context import LOAD_WINDOW, Context, mention
from bot.services.profiles import availability_text

QUERY_MAX = 100
LEVEL_PHRASES = {
    Level.EXPERT: "expert in {}",
    Level.PRACTITIONER: "practises {}",
    Level.LEARNING: "learning {}",
}
SNIPPET = 140


@dataclass
class _Pool:
    hits: list[Hit]

    @property
    def points(self) -> int:
        return sum(h.score for h in self.hits)


async def who_knows(ctx: Context, cmd: WhoKnows) -> Reply:
    query = clean(cmd.topic, "topic", max_len=QUERY_MAX)
    if not query:
        raise UserError("Who knows what?", "Try /whoknows kubernetes or /whoknows public speaking.")
    vocab = await ctx.vocabulary()
    matches = vocab.resolve(query)
    found = await find_helpers(ctx, matches, exclude=ctx.me)
    if not found:
        return await _no_match(ctx, query, vocab, {m.key for m in matches})
    # Name only the topics somebody was found for ("zzzqqq pythn" is about python).
    found_topics = {hit.topic for _, pool in found for hit in pool.hits}
    topic = " + ".join(vocab.label(m.key) for m in matches if m.key in found_topics)
    header: list[str | Bold] = ["People who can help with ", Bold(topic)]
    if any(m.kind is MatchKind.TYPO for m in matches):
        header.append(f" (I read “{query}” as {topic})")
    sections = [Section(text=line(*header))]
    buttons: list[Button] = []
    labels = {m.key: vocab.label(m.key) for m in matches}
    for member, pool in found:
        sections.append(_result_section(ctx, member, pool, labels))
        buttons.append(
            Button(
                f"Ask {member.display_name} for help",
                Action.ASK_START,
                f"{member.id}:{matches[0].key}"[:200],
                Style.PRIMARY,
            )
        )
    return Reply(Message(sections=tuple(sections), buttons=tuple(buttons)))


async def find_helpers(
    ctx: Context, matches: list[TopicMatch], *, exclude: Member, limit: int | None = None
) -> list[tuple[MemberSnapshot, _Pool]]:
    """Rank members for the matched topics; hidden, away, full members and `exclude` never."""
    assert exclude.id is not None
    pools: dict[int, _Pool] = {}
    members: dict[int, MemberSnapshot] = {}
    loads: dict[int, int] = {}
    minute = int(ctx.now.timestamp() // 60)
    for match in matches[:5]:
        found_all = ctx.caches.search(ctx.community_id, match.key, minute)
        if found_all is None:
            # Nobody excluded, one spare: the cached pool serves every asker.
            found_all = await ctx.uow.index.candidates(
                ctx.community_id,
                match.key,
                exclude=0,
                now=ctx.now,
                since=ctx.now - LOAD_WINDOW,
                limit=CANDIDATE_POOL + 1,
            )
            ctx.caches.remember_search(ctx.community_id, match.key, minute, found_all)
        for found in found_all:
            if found.hit.member_id == exclude.id:
                continue
            pools.setdefault(found.hit.member_id, _Pool([])).hits.append(found.hit)
            members[found.hit.member_id] = found.member
            loads[found.hit.member_id] = found.load
    if not pools:
        return []
    ranked: list[tuple[bool, float, float, int, MemberSnapshot]] = []
    for member_id, pool in pools.items():
        member = members.get(member_id)
        if member is None or not member.is_listed() or member.is_full(ctx.now):
            continue  # the index lags at most one transaction; the row is the truth
        status = member.availability_on(ctx.today(member))
        load = loads.get(member_id, 0)
        candidate = Candidate(
            member_id=member_id,
            topic_points=pool.points,
            topics_matched=len(pool.hits),
            availability=status,
            remaining_capacity=member.capacity - load,
            recent_load=load,
        )
        # Ties go to whoever was asked least recently: spreads the load.
        last = member.last_request_at.timestamp() if member.last_request_at else 0.0
        # Respect people's priorities: whoever is busy comes after everyone open.
        busy = status is Availability.BUSY
        ranked.append((busy, -final_score(candidate), last, member_id, member))
    ranked.sort(key=lambda r: r[:4])
    size = limit or int(ctx.setting("whoknows_results"))
    return [(member, pools[member_id]) for *_, member_id, member in ranked[:size]]


def _result_section(
    ctx: Context, member: MemberSnapshot, pool: _Pool, labels: dict[str, str]
) -> Section:
    reasons: list[str] = []
    words_matched = False
    evidence = 0
    for hit in sorted(pool.hits, key=lambda h: -(h.level or 0)):
        label = labels.get(hit.topic, hit.topic)
        if hit.level:
            reasons.append(LEVEL_PHRASES[Level(hit.level)].format(label))
        else:
            words_matched = True
        evidence += hit.evidence
    why: Line = line(", ".join(reasons)) if reasons else ()
    if evidence:
        why = (*why, *line(f"{'; ' if why else ''}vouched for {evidence}× (endorsements, thanks)"))
    fields = [Field("Why", why or line("mentions it in their own words"))]
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


async def _no_match(ctx: Context, query: str, vocab: Vocabulary, asked: set[str]) -> Reply:
    sections = [Section(text=line(f"Nobody who can help with “{query}” is available right now."))]
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
        if someone:
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
