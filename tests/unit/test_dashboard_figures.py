"""The dashboard's figures from plain facts: windows, rates, weeks, topics, the network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.connections import Kind, Outcome, State
from bot.domain.dashboard import (
    ConnectionFact,
    DashboardFacts,
    MemberFact,
    PairingFact,
    PromptFact,
    ThanksFact,
    TopicSupply,
    group_of,
    overview,
    topic_tables,
    trends,
)
from bot.domain.network import DRAW_MEMBERS_UP_TO, shape

NOW = datetime(2026, 6, 10, 15, 30, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=400)


def member(
    i: int,
    zone: str = "Europe/Berlin",
    *,
    discoverable: bool = True,
    profile: bool = True,
    joined: datetime = LONG_AGO,
) -> MemberFact:
    return MemberFact(
        i, f"m{i}" if discoverable else None, group_of(zone), profile, discoverable, joined, False
    )


def conn(
    i: int,
    a: int,
    b: int,
    *,
    kind: Kind = Kind.REQUEST,
    state: State = State.CONNECTED,
    created: datetime,
    answered: timedelta = timedelta(hours=5),
    topic: str | None = None,
    outcome: Outcome | None = None,
) -> ConnectionFact:
    done = created + answered
    return ConnectionFact(
        i,
        kind,
        state,
        a,
        a,
        b,
        topic,
        created,
        done,
        done if state is State.CONNECTED else None,
        outcome,
    )


def facts(
    members: list[MemberFact],
    connections: list[ConnectionFact] = (),
    thanks: list[ThanksFact] = (),
    prompts: list[PromptFact] = (),
    supply: list[TopicSupply] = (),
    pairings: list[PairingFact] | None = None,
) -> DashboardFacts:  # type: ignore[assignment]
    return DashboardFacts(
        "Test", members, list(connections), list(thanks), list(prompts), list(supply), pairings
    )


def metric(
    found: DashboardFacts, key: str, now: datetime = NOW
) -> tuple[float | None, float | None]:
    m = next(m for m in overview(found, now) if m.key == key)
    return m.value, m.previous


def test_counts_are_for_the_last_30_days_against_the_30_before() -> None:
    ms = [member(i) for i in range(1, 5)]
    cs = [
        conn(1, 1, 2, kind=Kind.INTRO, created=NOW - timedelta(days=3)),
        conn(2, 2, 3, kind=Kind.INTRO, created=NOW - timedelta(days=29, hours=23)),
        conn(3, 3, 4, kind=Kind.INTRO, created=NOW - timedelta(days=45), state=State.DECLINED),
        conn(4, 1, 4, kind=Kind.INTRO, created=NOW - timedelta(days=70)),  # before both
    ]
    found = facts(ms, cs)
    assert metric(found, "intros_made") == (2, 1)
    assert metric(found, "intros_accepted") == (2, 0)
    assert metric(found, "intros_declined") == (0, 1)
    change = next(m for m in overview(found, NOW) if m.key == "intros_made").change
    assert change == 1


def test_median_time_to_an_answer_and_asks_answered() -> None:
    ms = [member(i) for i in range(1, 4)]
    cs = [
        conn(1, 1, 2, created=NOW - timedelta(days=2), answered=timedelta(hours=2)),
        conn(
            2,
            1,
            3,
            created=NOW - timedelta(days=3),
            answered=timedelta(hours=10),
            state=State.DECLINED,
        ),
        conn(3, 2, 3, created=NOW - timedelta(days=4), answered=timedelta(hours=30)),
        conn(4, 3, 1, created=NOW - timedelta(days=1), state=State.PENDING),
    ]
    found = facts(ms, cs)
    assert metric(found, "first_answer")[0] == 10
    assert metric(found, "asks_answered")[0] == 3 / 4
    assert metric(found, "asks_sent") == (4, 0)


def test_thank_rate_counts_helpful_answers_followed_by_thanks() -> None:
    ms = [member(i) for i in range(1, 5)]
    start = NOW - timedelta(days=5)
    cs = [
        conn(1, 1, 2, created=start, outcome=Outcome.HELPFUL),
        conn(2, 3, 4, created=start, outcome=Outcome.HELPFUL),
        conn(3, 1, 4, created=start, outcome=Outcome.TALKED),
    ]
    ts = [
        ThanksFact(1, 2, start + timedelta(days=1), None),
        ThanksFact(4, 3, start, None),
    ]  # wrong way round
    assert metric(facts(ms, cs, ts), "thank_rate")[0] == 0.5


def test_nothing_yet_is_not_zero_percent() -> None:
    found = facts([member(1)])
    assert metric(found, "thank_rate") == (None, None)
    assert metric(found, "first_answer") == (None, None)
    hints = {m.key: m.hint for m in overview(found, NOW)}
    assert "/intro" in hints["intros_made"]


def test_pairing_shows_only_once_pairing_data_exists() -> None:
    keys = {m.key for m in overview(facts([member(1)]), NOW)}
    assert not any(k.startswith("pairing") for k in keys)
    pairs = [
        PairingFact(1, 2, NOW - timedelta(days=2), True, True),
        PairingFact(1, 3, NOW - timedelta(days=2), True, False),
    ]
    found = facts([member(1), member(2), member(3)], pairings=pairs)
    assert metric(found, "pairing_attendance")[0] == 1.0
    assert metric(found, "pairing_met")[0] == 0.5


def test_prompts_sent_waiting_failed_and_unreachable() -> None:
    ps = [
        PromptFact("sent", NOW - timedelta(days=2), NOW - timedelta(days=2)),
        PromptFact("sent", NOW - timedelta(days=40), NOW - timedelta(days=40)),
        PromptFact("pending", NOW - timedelta(days=1), None),
        PromptFact("failed", NOW - timedelta(days=1), None),
    ]
    unreachable = MemberFact(2, "m2", "Europe", True, True, LONG_AGO, True)
    found = facts([member(1), unreachable], prompts=ps)
    assert metric(found, "prompts_sent") == (1, 1)
    assert metric(found, "prompts_waiting") == (1, None)
    assert metric(found, "prompts_failed") == (1, 0)
    assert metric(found, "unreachable") == (1, None)


@given(hour=st.integers(0, 23), minute=st.integers(0, 59), weekday=st.integers(0, 6))
def test_weeks_end_now_at_any_hour_and_weekday(hour: int, minute: int, weekday: int) -> None:
    now = datetime(2026, 6, 1, hour, minute, tzinfo=UTC) + timedelta(days=weekday)
    ms = [member(1), member(2)]
    cs = [
        conn(1, 1, 2, kind=Kind.INTRO, created=now - timedelta(minutes=1)),
        conn(2, 2, 1, kind=Kind.INTRO, created=now - timedelta(weeks=26)),
        conn(3, 2, 1, kind=Kind.INTRO, created=now - timedelta(weeks=26, seconds=1)),  # too old
    ]
    t = trends(facts(ms, cs), now)
    made = next(s for s in t.series if s.key == "intros_made").values
    assert len(t.weeks) == len(made) == 26
    assert made[-1] == 1 and made[0] == 1 and sum(v or 0 for v in made) == 2
    assert t.weeks[-1] + timedelta(days=7) == now


def test_topics_count_requests_against_helpers() -> None:
    ms = [member(i) for i in range(1, 4)]
    recent = NOW - timedelta(days=10)
    cs = [conn(i, 1, 2, created=recent, topic="kubernetes") for i in range(1, 5)]
    cs += [conn(9, 1, 3, created=recent, topic="grant writing")]
    cs += [conn(10, 1, 3, created=NOW - timedelta(days=100), topic="python")]  # too old
    supply = [
        TopicSupply("kubernetes", "Kubernetes", 1),
        TopicSupply("python", "Python", 3),
        TopicSupply("sql", "SQL", 2),
    ]
    tables = topic_tables(facts(ms, cs, supply=supply), NOW)
    assert [(d.label, d.asks, d.helpers) for d in tables.most_asked] == [
        ("Kubernetes", 4, 1),
        ("grant writing", 1, 0),
    ]
    assert {d.topic for d in tables.unmet} == {"kubernetes", "grant writing"}
    assert [(s.label, s.helpers) for s in tables.unasked] == [("Python", 3), ("SQL", 2)]


# --- the network ---------------------------------------------------------------------------


def two_groups() -> DashboardFacts:
    """Europe 1-2-3 and America 5-6-7, joined only through 4 (Europe) and 5; 8 is alone."""
    ms = [member(i, "Europe/Paris") for i in (1, 2, 3, 4)]
    ms += [member(i, "America/Chicago") for i in (5, 6, 7)]
    ms += [member(8, "Asia/Tokyo", discoverable=False), member(9, "Asia/Tokyo", profile=False)]
    start = NOW - timedelta(days=60)
    pairs = [(1, 2), (2, 3), (3, 4), (1, 4), (4, 5), (5, 6), (6, 7), (5, 7)]
    cs = [conn(i, a, b, created=start) for i, (a, b) in enumerate(pairs, 1)]
    return facts(ms, cs)


def test_bridges_isolated_and_shares() -> None:
    found = shape(two_groups(), NOW)
    assert found.members == 9 and found.connections == 8
    assert found.connected_share == 7 / 9
    assert found.across_share == 1 / 8
    assert found.largest_share == 7 / 9
    bridges = {n.label for n in found.nodes if n.bridge}
    assert bridges == {"m4", "m5"}
    alone = [n for n in found.nodes if n.isolated]
    assert len(alone) == 1 and alone[0].label is None  # 8: not discoverable, so unnamed
    assert not found.by_group


def test_a_new_member_is_not_yet_counted_alone() -> None:
    base = two_groups()
    newcomer = member(20, joined=NOW - timedelta(days=3))
    found = shape(DashboardFacts("T", [*base.members, newcomer], base.connections, [], [], []), NOW)
    assert found.isolated == 1


def test_thanks_and_met_pairings_connect_members() -> None:
    ms = [member(1), member(2), member(3)]
    found = shape(
        facts(
            ms, thanks=[ThanksFact(1, 2, NOW, None)], pairings=[PairingFact(2, 3, NOW, True, True)]
        ),
        NOW,
    )
    assert found.connections == 2


def test_a_large_community_is_drawn_by_group_without_names() -> None:
    n = DRAW_MEMBERS_UP_TO + 50
    ms = [member(i, "Europe/Paris" if i % 2 else "Africa/Lagos") for i in range(1, n + 1)]
    cs = [conn(i, i, i + 1, created=NOW - timedelta(days=40)) for i in range(1, n)]
    found = shape(facts(ms, cs), NOW)
    assert found.by_group and found.nodes == ()
    assert sorted((g.name, g.members) for g in found.groups) == [
        ("Africa", n // 2),
        ("Europe", n - n // 2),
    ]
    assert [t.weight for t in found.group_ties] == [n - 1]


def test_a_members_chapter_is_their_group_and_the_time_zone_region_only_stands_in() -> None:
    assert group_of("Europe/Berlin", "Berlin chapter") == "Berlin chapter"
    assert group_of("America/New_York") == "America"
    assert group_of(None, "  ") == group_of(None)
