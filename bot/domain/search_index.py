"""What the /whoknows search index holds and answers, as plain data.

The index itself is kept by the store (bot.store.search_index); these are the values
that cross between it and the use cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.members import MemberSnapshot


@dataclass(frozen=True)
class TopicEntry:
    topic: str  # canonical key
    label: str
    level: int | None  # None: from the member's own words only


@dataclass(frozen=True)
class Hit:
    member_id: int
    topic: str
    level: int | None
    evidence: int
    score: int


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    member: MemberSnapshot
    load: int
