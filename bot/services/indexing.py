"""Keeping the search index and each member's load in step with what changed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.members import Member
from bot.domain.ranking import SEEKING
from bot.domain.search_index import TopicEntry
from bot.domain.vocabulary import Vocabulary
from bot.services.context import LOAD_WINDOW, Context

MAX_TEXT_TOPICS = 40
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


def topic_entries(member: Member, vocab: Vocabulary) -> list[TopicEntry]:
    """Skills (with level), topics they look for help with (SEEKING, unless they list it
    as a skill) and topics found in the member's own "can help with" words."""
    entries: dict[str, TopicEntry] = {}
    for name, level in member.skills.items():
        key = vocab.canonical(name)
        if not key:
            continue
        label = vocab.labels.get(key, name)
        previous = entries.get(key)
        if previous is None or (previous.level or 0) < level:
            entries[key] = TopicEntry(key[:80], label[:80], level)
    for key in sorted(vocab.extract(member.looking_for))[:MAX_TEXT_TOPICS]:
        entries.setdefault(key, TopicEntry(key[:80], vocab.label(key)[:80], SEEKING))
    for key in sorted(vocab.extract(member.can_help_with))[:MAX_TEXT_TOPICS]:
        entries.setdefault(key, TopicEntry(key[:80], vocab.label(key)[:80], None))
    return list(entries.values())


async def reindex(ctx: Context, member: Member) -> None:
    assert member.id is not None
    vocab = await ctx.vocabulary()
    evidence = await ctx.uow.thanks.evidence(member.id)
    await ctx.uow.index.rebuild_member(member, topic_entries(member, vocab), evidence)
    ctx.vocabulary_changed()


async def refresh_load(ctx: Context, member: Member, *, asked_now: bool = False) -> None:
    """Recompute when the member has room again (capacity per 30 days)."""
    assert member.id is not None
    if asked_now:
        member.last_request_at = ctx.now
    times = await ctx.uow.connections.received_times(member.id, ctx.now - LOAD_WINDOW)
    member.full_until = full_until(member.capacity, times)
    await ctx.uow.index.refresh_flags(member)


def full_until(capacity: int, received: list[datetime]) -> datetime | None:
    """When the oldest ask that keeps a member full leaves the 30-day window."""
    if capacity <= 0:
        return FOREVER
    if len(received) < capacity:
        return None
    return received[len(received) - capacity] + LOAD_WINDOW
