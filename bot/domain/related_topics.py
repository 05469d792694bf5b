"""Related topics: a field and the skills people list under it, and topics a community's
members often list together.

Shipped relations (bot/data/related_topics.csv) say which specific skills belong to a
broad field ("data science": statistics, pandas, machine learning…). A query for the field
finds members who list its skills; a query for a skill finds, after everyone who lists
it, members who list the field. Learned relations come from the community itself: two
topics many members list together are related both ways.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from importlib import resources


class Relation(IntEnum):
    """How a related topic was reached; lower is closer to what was asked."""

    FIELD = 1  # the asked field's specific skills
    BROADER = 2  # the broad field the asked skill belongs to
    LEARNED = 3  # listed together by many members of the community

    @property
    def weak(self) -> bool:
        return self is not Relation.FIELD


@dataclass(frozen=True)
class Related:
    key: str
    relation: Relation


@dataclass(frozen=True)
class LearnedPair:
    topic: str
    related: str
    together: int  # members who list both


# A pair is learned when at least this many members list both topics...
LEARN_MIN_TOGETHER = 5
# ...they are this share of the members listing the rarer one...
LEARN_MIN_SHARE = 0.3
# ...and the pair is this many times more common than chance would make it.
LEARN_MIN_LIFT = 3.0
LEARN_PER_TOPIC = 5  # strongest partners kept per topic


@lru_cache(maxsize=1)
def shipped_fields() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(field, its specific skills) as written in bot/data/related_topics.csv."""
    text = resources.files("bot").joinpath("data/related_topics.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        (
            row["field"].strip(),
            tuple(s.strip() for s in row["specific skills"].split("|") if s.strip()),
        )
        for row in rows
    )


def related_enough(together: int, na: int, nb: int, members: int) -> bool:
    """`together` of `members` list both topics, listed by `na` and `nb` members."""
    if together < LEARN_MIN_TOGETHER or na <= 0 or nb <= 0 or members <= 0:
        return False
    return together / min(na, nb) >= LEARN_MIN_SHARE and (
        together * members / (na * nb) >= LEARN_MIN_LIFT
    )


def learn(
    pairs: Iterable[tuple[str, str, int]], listed: Mapping[str, int], members: int
) -> list[LearnedPair]:
    """Which co-listed topic pairs are strong enough to relate, both directions.

    `pairs`: (topic a, topic b, members listing both); `listed`: members listing each
    topic; `members`: members listing any topic.
    """
    found: dict[str, list[LearnedPair]] = {}
    for a, b, together in pairs:
        if a == b or not related_enough(together, listed.get(a, 0), listed.get(b, 0), members):
            continue
        found.setdefault(a, []).append(LearnedPair(a, b, together))
        found.setdefault(b, []).append(LearnedPair(b, a, together))
    out: list[LearnedPair] = []
    for topic in sorted(found):
        best = sorted(found[topic], key=lambda p: (-p.together, p.related))
        out.extend(best[:LEARN_PER_TOPIC])
    return out
