"""Per-process caches of what every search reads: vocabularies and hot search results.

Both are dropped for a community as soon as this process changes anything in it; other
processes' changes reach them within the time-to-live.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.domain.search_index import Candidate
from bot.domain.vocabulary import Vocabulary, seed_topics
from bot.services.unit_of_work import UnitOfWork

# New topics from other processes, and newly learned topic relations, reach searches
# within this.
VOCABULARY_TTL_S = 300.0
# A search may show a profile change made in another process up to this late; asks are
# always checked against the live rows, so a stale result can't send a request wrongly.
SEARCH_TTL_S = 2.0
SEARCH_ENTRIES = 2000


class Caches:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._vocabularies: dict[int, tuple[float, Vocabulary]] = {}
        self._searches: dict[tuple[int, str, int], tuple[float, list[Candidate]]] = {}

    async def vocabulary(self, uow: UnitOfWork, community_id: int) -> Vocabulary:
        cached = self._vocabularies.get(community_id)
        if cached and self._clock() - cached[0] < VOCABULARY_TTL_S:
            return cached[1]
        topics = await uow.index.topics(community_id)
        aliases = await uow.communities.aliases(community_id)
        learned = await uow.index.learned_relations(community_id)
        vocab = Vocabulary(seed_topics(), aliases, topics, learned)
        self._vocabularies[community_id] = (self._clock(), vocab)
        return vocab

    def forget_vocabulary(self, community_id: int) -> None:
        self._vocabularies.pop(community_id, None)

    def search(self, community_id: int, topic: str, minute: int) -> list[Candidate] | None:
        """`minute`: the use case's clock, so results never outlive the minute they saw."""
        cached = self._searches.get((community_id, topic, minute))
        if cached and self._clock() - cached[0] < SEARCH_TTL_S:
            return cached[1]
        return None

    def remember_search(
        self, community_id: int, topic: str, minute: int, found: list[Candidate]
    ) -> None:
        if len(self._searches) >= SEARCH_ENTRIES:
            self._searches.clear()
        self._searches[(community_id, topic, minute)] = (self._clock(), found)

    def changed(self, community_id: int) -> None:
        """Something in the community changed here: its search results are stale."""
        for key in [k for k in self._searches if k[0] == community_id]:
            del self._searches[key]
