"""How /whoknows orders people: the differences a member asking for help would notice."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.profile import Availability, Level
from bot.domain.ranking import (
    EVIDENCE_CAP,
    OWN_WORDS_POINTS,
    Candidate,
    final_score,
    index_score,
)


def candidate(
    level: Level | None = Level.PRACTITIONER,
    *,
    evidence: int = 0,
    availability: Availability = Availability.OPEN,
    remaining: int = 4,
    load: int = 0,
    member_id: int = 1,
) -> Candidate:
    return Candidate(
        member_id=member_id,
        topic_points=index_score(level, evidence),
        topics_matched=1,
        availability=availability,
        remaining_capacity=remaining,
        recent_load=load,
    )


def order(*candidates: Candidate) -> list[int]:
    """Member ids best first, as /whoknows lists them."""
    return [c.member_id for c in sorted(candidates, key=final_score, reverse=True)]


def test_expert_above_practitioner_above_learner() -> None:
    learner = candidate(Level.LEARNING, member_id=1)
    expert = candidate(Level.EXPERT, member_id=2)
    practitioner = candidate(Level.PRACTITIONER, member_id=3)
    assert order(learner, expert, practitioner) == [2, 3, 1]


def test_own_words_rank_between_learning_and_practising() -> None:
    """Someone who wrote "happy to help with X" but lists no level for it."""
    assert index_score(Level.LEARNING, 0) < OWN_WORDS_POINTS < index_score(Level.PRACTITIONER, 0)
    assert index_score(None, 0) == OWN_WORDS_POINTS


def test_thanks_and_endorsements_lift_a_member() -> None:
    vouched = candidate(Level.PRACTITIONER, evidence=3, member_id=1)
    plain = candidate(Level.PRACTITIONER, member_id=2)
    assert order(plain, vouched) == [1, 2]


def test_evidence_is_capped_so_a_popular_learner_does_not_beat_every_expert() -> None:
    assert index_score(Level.EXPERT, 500) == index_score(Level.EXPERT, EVIDENCE_CAP)
    assert index_score(Level.EXPERT, EVIDENCE_CAP + 1) == index_score(Level.EXPERT, EVIDENCE_CAP)
    assert index_score(Level.EXPERT, EVIDENCE_CAP - 1) < index_score(Level.EXPERT, EVIDENCE_CAP)


def test_a_busy_member_is_listed_below_an_open_one_of_the_same_level() -> None:
    busy = candidate(Level.EXPERT, availability=Availability.BUSY, member_id=1)
    open_ = candidate(Level.EXPERT, member_id=2)
    assert order(busy, open_) == [2, 1]


def test_a_busy_expert_still_ranks_above_an_open_learner_with_nothing_else() -> None:
    busy_expert = candidate(Level.EXPERT, availability=Availability.BUSY, member_id=1)
    learner = candidate(Level.LEARNING, member_id=2)
    assert order(learner, busy_expert) == [1, 2]


def test_recent_load_spreads_asks_across_equally_good_members() -> None:
    asked_a_lot = candidate(Level.EXPERT, load=2, member_id=1)
    rested = candidate(Level.EXPERT, load=0, member_id=2)
    assert order(asked_a_lot, rested) == [2, 1]


def test_more_load_never_ranks_higher() -> None:
    scores = [final_score(candidate(Level.EXPERT, load=n)) for n in range(10)]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_heavy_load_lets_a_practitioner_overtake_an_expert() -> None:
    """ "Don't become too reliant on one person": enough open asks move the expert down."""
    overloaded_expert = candidate(Level.EXPERT, load=4, remaining=0, member_id=1)
    practitioner = candidate(Level.PRACTITIONER, member_id=2)
    assert order(overloaded_expert, practitioner) == [2, 1]


def test_almost_full_members_are_nudged_down() -> None:
    last_slot = candidate(Level.EXPERT, remaining=1, member_id=1)
    room = candidate(Level.EXPERT, remaining=3, member_id=2)
    assert order(last_slot, room) == [2, 1]


def test_matching_more_of_the_asked_topics_ranks_higher() -> None:
    """/whoknows kubernetes terraform: someone who knows both comes first."""
    one = candidate(Level.EXPERT, member_id=1)
    both = replace(
        candidate(Level.PRACTITIONER, member_id=2),
        topic_points=2 * index_score(Level.PRACTITIONER, 0),
        topics_matched=2,
    )
    assert order(one, both) == [2, 1]
