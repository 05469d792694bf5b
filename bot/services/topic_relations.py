"""Learning which topics a community's members list together, on a schedule.

Counting pairs reads every listed skill of a community, so it never runs while a member
waits: a periodic job (every bot process runs it; a row claim lets one process take each
community) relearns a community's relations when they are older than RELEARN_EVERY, and
/whoknows reads the result with the community's cached vocabulary.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.related_topics import LEARN_MIN_TOGETHER, learn
from bot.services.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

RELEARN_EVERY = timedelta(hours=6)
CHECK_INTERVAL_S = 600.0  # how often a process looks for communities due


async def relearn_due(units: UnitOfWorkFactory, now: datetime, *, force: bool = False) -> int:
    """Relearn every community whose relations are stale (all of them with `force`);
    returns how many were relearned."""
    async with units() as uow:
        due = await uow.index.claim_relearning(now, now if force else now - RELEARN_EVERY)
        await uow.commit()
    for community_id in due:
        async with units() as uow:
            pairs, listed, members = await uow.index.co_listed(community_id, LEARN_MIN_TOGETHER)
            learned = learn(pairs, listed, members)
            await uow.index.replace_learned(community_id, learned)
            await uow.commit()
        log.info(
            "topic relations learned",
            extra={"community_id": community_id, "relations": len(learned)},
        )
    return len(due)
