"""Learning which topics a community's members list together, on a schedule.

Counting pairs reads every listed skill of a community, so it never runs while a member
waits: a periodic job (every bot process runs it; a row claim lets one process take each
community) relearns a community's relations when they are older than RELEARN_EVERY, and
/whoknows reads the result with the community's cached vocabulary.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.related_topics import LEARN_MIN_TOGETHER, LearnedPair, learn, related_enough
from bot.ports import DatabaseUnavailable
from bot.services.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

RELEARN_EVERY = timedelta(hours=6)
CHECK_INTERVAL_S = 600.0  # how often a process looks for communities due
TOPICS_PER_TRANSACTION = 50


async def relearn_due(units: UnitOfWorkFactory, now: datetime, *, force: bool = False) -> int:
    """Relearn every community whose relations are stale (all of them with `force`);
    returns how many were relearned."""
    async with units() as uow:
        due = await uow.index.claim_relearning(now, now if force else now - RELEARN_EVERY)
        await uow.commit()
    for community_id in due:
        learned = await _learn(units, community_id)
        async with units() as uow:
            await uow.index.replace_learned(community_id, learned)
            await uow.commit()
        log.info(
            "topic relations learned",
            extra={"community_id": community_id, "relations": len(learned)},
        )
    return len(due)


async def _learn(units: UnitOfWorkFactory, community_id: int) -> list[LearnedPair]:
    """One small indexed query per topic, not one query over the whole community: each
    stays inside the statement timeout, and searches run in between. A topic whose query
    still takes too long (listed by most of a huge community, so rarely telling) is
    skipped rather than failing the rest."""
    async with units(write=False) as uow:
        listed, members = await uow.index.listing_counts(community_id)
    topics = sorted(t for t, n in listed.items() if n >= LEARN_MIN_TOGETHER)
    pairs: list[tuple[str, str, int]] = []
    skipped = 0

    async def partners(batch: list[str]) -> list[tuple[str, str, int]]:
        found = []
        async with units(write=False) as uow:
            for topic in batch:
                for other, n in await uow.index.co_listed(community_id, topic, LEARN_MIN_TOGETHER):
                    if related_enough(n, listed[topic], listed.get(other, 0), members):
                        found.append((topic, other, n))
        return found

    for start in range(0, len(topics), TOPICS_PER_TRANSACTION):
        batch = topics[start : start + TOPICS_PER_TRANSACTION]
        try:
            pairs += await partners(batch)
        except DatabaseUnavailable:
            for topic in batch:  # again one by one, to find the one that is too slow
                try:
                    pairs += await partners([topic])
                except DatabaseUnavailable:
                    skipped += 1
    if skipped:
        log.warning(
            "topics skipped while learning relations",
            extra={"community_id": community_id, "skipped": skipped},
        )
    return learn(pairs, listed, members)
