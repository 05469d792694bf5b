"""How /whoknows orders the members who match a topic.

The stored part of the score (level and evidence) lives in the search index so the
database can return the best candidates first; the moving parts (availability,
remaining capacity, recent load) are applied to those few candidates here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.profile import Availability

SEEKING = 0  # index level of a topic the member is looking for help with themselves
LEVEL_POINTS = {SEEKING: 5, 1: 10, 2: 30, 3: 50}
OWN_WORDS_POINTS = 20  # the topic appears in their "can help with" text
EVIDENCE_POINTS = 4
EVIDENCE_CAP = 10
BUSY_PENALTY = 15  # a busy practitioner still ranks above an open learner
LOAD_PENALTY = 6
LOW_CAPACITY_PENALTY = 8
CANDIDATE_POOL = 40


def index_score(level: int | None, evidence: int) -> int:
    """Score kept in the search index: level (or own words) plus capped evidence."""
    base = OWN_WORDS_POINTS if level is None else LEVEL_POINTS.get(level, OWN_WORDS_POINTS)
    return base + EVIDENCE_POINTS * min(evidence, EVIDENCE_CAP)


LEARNING = 1


def is_skill(level: int | None) -> bool:
    """Listed as a skill at some level (not only their own words, not sought)."""
    return level is not None and level >= LEARNING


def is_peer(level: int | None) -> bool:
    """Learning it, or looking for help with it: a peer, never offered as a helper."""
    return level is not None and level <= LEARNING


@dataclass(frozen=True)
class Candidate:
    member_id: int
    topic_points: int  # summed index scores of every matched topic
    topics_matched: int
    availability: Availability
    remaining_capacity: int
    recent_load: int  # open requests plus requests received in the last 30 days


def final_score(c: Candidate) -> float:
    score = float(c.topic_points) + 15 * (c.topics_matched - 1)
    if c.availability is Availability.BUSY:
        score -= BUSY_PENALTY
    score -= LOAD_PENALTY * c.recent_load
    if c.remaining_capacity <= 1:
        score -= LOW_CAPACITY_PENALTY
    return score
