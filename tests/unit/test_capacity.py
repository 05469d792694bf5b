"""Capacity: a member who takes 4 requests per 30 days is not offered a 5th."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.members import Member
from bot.services.indexing import FOREVER, full_until
from tests.fakes import FakeClock

MONTH = timedelta(days=30)


def asks(clock: FakeClock, *days_ago: int) -> list[datetime]:
    """Times of asks received, oldest first (as the store returns them)."""
    return sorted(clock.now() - timedelta(days=d) for d in days_ago)


def test_room_left_means_not_full() -> None:
    clock = FakeClock()
    assert full_until(4, []) is None
    assert full_until(4, asks(clock, 20, 10, 1)) is None


def test_full_until_the_oldest_ask_leaves_the_30_day_window() -> None:
    clock = FakeClock()
    received = asks(clock, 20, 10, 5, 1)
    until = full_until(4, received)
    assert until == clock.now() - timedelta(days=20) + MONTH  # ten days from now
    member = Member(1, "U1", "Ana", capacity=4, full_until=until)
    assert member.is_full(clock.now())
    clock.advance(days=10, seconds=-1)
    assert member.is_full(clock.now())
    clock.advance(seconds=1)
    assert not member.is_full(clock.now())


def test_more_asks_than_capacity_keep_a_member_full_longer() -> None:
    """Intros can arrive past capacity; room returns only when enough of them age out."""
    clock = FakeClock()
    received = asks(clock, 25, 20, 10, 5, 1)
    assert full_until(4, received) == clock.now() - timedelta(days=20) + MONTH
    assert full_until(2, received) == clock.now() - timedelta(days=5) + MONTH


def test_capacity_one() -> None:
    clock = FakeClock()
    assert full_until(1, asks(clock, 3)) == clock.now() + timedelta(days=27)


def test_capacity_zero_means_never_asked() -> None:
    assert full_until(0, []) == FOREVER
    member = Member(1, "U1", "Zoe", capacity=0, full_until=full_until(0, []))
    clock = FakeClock()
    clock.advance(days=3650)
    assert member.is_full(clock.now())


def test_raising_capacity_gives_room_at_once() -> None:
    clock = FakeClock()
    received = asks(clock, 3, 2, 1)
    assert full_until(3, received) is not None
    assert full_until(4, received) is None


def test_a_member_without_full_until_is_not_full() -> None:
    assert not Member(1, "U1", "Ana").is_full(FakeClock().now())
