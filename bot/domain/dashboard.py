"""The organiser dashboard's figures, computed from plain facts: no I/O, no names of askers.

The store hands over `DashboardFacts` (who is a member, which connections and thanks
happened when, the state of prompts); everything an organiser sees is derived here, so
the same numbers come out of the in-memory store and the databases. Private text (an
ask's words, decline notes, thank-you notes) is never part of the facts.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.activity import TopicDemand, least_covered, most_asked
from bot.domain.connections import Kind, Outcome, State

PERIOD = timedelta(days=30)
WEEK = timedelta(days=7)
TREND_WEEKS = 26
TOPIC_WINDOW = timedelta(days=90)
NO_GROUP = "no time zone set"


def group_of(timezone: str | None, chapter: str = "") -> str:
    """The group a member is drawn in: their chapter when they (or the imported member
    list) named one, else the region of their time zone ("Europe", "America"...), the
    one grouping every profile has. Change it here, and every page follows."""
    if chapter.strip():
        return chapter.strip()
    if not timezone:
        return NO_GROUP
    return timezone.split("/", 1)[0].replace("_", " ")


@dataclass(frozen=True)
class MemberFact:
    id: int
    name: str | None  # only for a discoverable member: nobody else is ever named
    group: str
    profile_set: bool  # lists at least one topic they can help with
    discoverable: bool
    joined: datetime
    unreachable: bool  # the platform refuses the bot's DMs to them


@dataclass(frozen=True)
class ConnectionFact:
    id: int
    kind: Kind
    state: State  # never a draft: a draft is nobody's intro or ask
    initiator: int
    a: int  # intro: first party; request: the requester
    b: int  # intro: second party; request: the helper
    topic: str | None
    created: datetime
    updated: datetime
    connected: datetime | None
    outcome: Outcome | None


@dataclass(frozen=True)
class ThanksFact:
    giver: int
    receiver: int
    created: datetime
    connection_id: int | None


@dataclass(frozen=True)
class PromptFact:
    state: str
    created: datetime
    sent: datetime | None


@dataclass(frozen=True)
class PairingFact:
    """One pairing in a round: whether both came, and whether they met. Filled in by the
    store once pairing rounds are recorded; until then there are none and the dashboard
    leaves pairing out."""

    a: int
    b: int
    round_at: datetime
    attended: bool
    met: bool


@dataclass(frozen=True)
class TopicSupply:
    topic: str
    label: str
    helpers: int  # members /whoknows offers for it now


@dataclass(frozen=True)
class DashboardFacts:
    community_name: str
    members: Sequence[MemberFact]
    connections: Sequence[ConnectionFact]
    thanks: Sequence[ThanksFact]
    prompts: Sequence[PromptFact]  # created in the trend window, or still waiting
    supply: Sequence[TopicSupply]
    pairings: Sequence[PairingFact] | None = None  # None: pairing is not recorded here


# --- the overview ------------------------------------------------------------------------


class Unit(StrEnum):
    COUNT = "count"
    SHARE = "share"  # 0..1
    HOURS = "hours"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: float | None  # None: nothing to measure yet
    previous: float | None  # the 30 days before; None: no history kept for it
    unit: Unit = Unit.COUNT
    hint: str = ""  # what to do when there is nothing yet

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _answered_at(c: ConnectionFact) -> datetime | None:
    if c.state is State.CONNECTED:
        return c.connected or c.updated
    if c.state is State.DECLINED:
        return c.updated
    return None


def _thanked(facts: DashboardFacts) -> Callable[[ConnectionFact], bool]:
    """Whether a connection was followed by a thank-you: one recorded for it, or one
    from its requester (an intro: from either party) to the other side after it."""
    linked = {t.connection_id for t in facts.thanks if t.connection_id is not None}
    given: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for t in facts.thanks:
        given[(t.giver, t.receiver)].append(t.created)

    def thanked(c: ConnectionFact) -> bool:
        if c.id in linked:
            return True
        pairs = [(c.a, c.b)] + (
            [(c.b, c.a), (c.a, c.initiator), (c.b, c.initiator)] if c.kind is Kind.INTRO else []
        )
        return any(when >= c.created for pair in pairs for when in given.get(pair, ()))

    return thanked


class Spans:
    """Every measure over consecutive spans of equal length (the 30 days before the last
    30, and those; or 26 weeks), in one pass over the facts: thousands of members and tens
    of thousands of connections take a fraction of a second."""

    def __init__(
        self, facts: DashboardFacts, first: datetime, length: timedelta, count: int
    ) -> None:
        self.first, self.length, self.count = first, length, count
        self.ends = [first + length * (i + 1) for i in range(count)]
        n = range(count)
        self.joined = sorted(m.joined for m in facts.members)
        self.new_members = [0 for _ in n]
        self.made = {k: [0 for _ in n] for k in Kind}
        self.accepted = {k: [0 for _ in n] for k in Kind}
        self.ended = {
            (k, st): [0 for _ in n] for k in Kind for st in (State.DECLINED, State.EXPIRED)
        }
        self.asks_answered = [0 for _ in n]  # of the requests sent in the span
        self.waits: list[list[float]] = [[] for _ in n]
        self.helpful = [0 for _ in n]
        self.helpful_thanked = [0 for _ in n]
        self.giver_sets: list[set[int]] = [set() for _ in n]
        self.thanks = [0 for _ in n]
        self.prompts_sent = [0 for _ in n]
        self.prompts_failed = [0 for _ in n]
        self.pairs = [0 for _ in n]
        self.attended = [0 for _ in n]
        self.met = [0 for _ in n]
        slot = self.slot
        for m in facts.members:
            if (i := slot(m.joined)) is not None:
                self.new_members[i] += 1
        thanked = _thanked(facts)
        for c in facts.connections:
            if (i := slot(c.created)) is not None:
                self.made[c.kind][i] += 1
                if c.kind is Kind.INTRO:
                    self.giver_sets[i].add(c.initiator)
                elif c.state in (State.CONNECTED, State.DECLINED):
                    self.asks_answered[i] += 1
            if c.state is State.CONNECTED and (i := slot(c.connected or c.updated)) is not None:
                self.accepted[c.kind][i] += 1
                if c.kind is Kind.REQUEST and c.connected is not None:
                    self.giver_sets[i].add(c.b)
                if c.outcome is Outcome.HELPFUL:
                    self.helpful[i] += 1
                    self.helpful_thanked[i] += thanked(c)
            if (c.kind, c.state) in self.ended and (i := slot(c.updated)) is not None:
                self.ended[(c.kind, c.state)][i] += 1
            answered = _answered_at(c)
            if answered is not None and (i := slot(answered)) is not None:
                self.waits[i].append((answered - c.created).total_seconds() / 3600)
        for t in facts.thanks:
            if (i := slot(t.created)) is not None:
                self.thanks[i] += 1
        for p in facts.prompts:
            if (i := slot(p.sent)) is not None:
                self.prompts_sent[i] += 1
            if p.state == "failed" and (i := slot(p.created)) is not None:
                self.prompts_failed[i] += 1
        for pair in facts.pairings or ():
            if (i := slot(pair.round_at)) is not None:
                self.pairs[i] += 1
                self.attended[i] += pair.attended
                self.met[i] += pair.attended and pair.met

    def slot(self, moment: datetime | None) -> int | None:
        if moment is None or moment < self.first:
            return None
        i = (moment - self.first) // self.length
        if i < self.count:
            return i
        # What happens at the very moment of counting belongs to the last span.
        return self.count - 1 if moment == self.ends[-1] else None

    def window(self, i: int) -> Window:
        return Window(self, i)


class Window:
    """One span's measures."""

    def __init__(self, spans: Spans, i: int) -> None:
        self.s, self.i = spans, i

    def members(self) -> int:
        return bisect_left(self.s.joined, self.s.ends[self.i])

    def new_members(self) -> int:
        return self.s.new_members[self.i]

    def made(self, kind: Kind) -> int:
        return self.s.made[kind][self.i]

    def accepted(self, kind: Kind) -> int:
        return self.s.accepted[kind][self.i]

    def ended(self, kind: Kind, state: State) -> int:
        return self.s.ended[(kind, state)][self.i]

    def median_hours_to_answer(self) -> float | None:
        waits = self.s.waits[self.i]
        return statistics.median(waits) if waits else None

    def thank_rate(self) -> float | None:
        return _share(self.s.helpful_thanked[self.i], self.s.helpful[self.i])

    def asks_answered(self) -> float | None:
        return _share(self.s.asks_answered[self.i], self.s.made[Kind.REQUEST][self.i])

    def givers(self) -> int:
        """Members who accepted a help request or made an introduction in the span."""
        return len(self.s.giver_sets[self.i])

    def thanks(self) -> int:
        return self.s.thanks[self.i]

    def prompts_sent(self) -> int:
        return self.s.prompts_sent[self.i]

    def prompts_failed(self) -> int:
        return self.s.prompts_failed[self.i]

    def pairing_rates(self) -> tuple[float | None, float | None]:
        return _share(self.s.attended[self.i], self.s.pairs[self.i]), _share(
            self.s.met[self.i], self.s.attended[self.i]
        )


WAITING_STATES = ("pending", "sending", "digest")


def overview(facts: DashboardFacts, now: datetime) -> list[Metric]:
    spans = Spans(facts, now - 2 * PERIOD, PERIOD, 2)
    prev, cur = spans.window(0), spans.window(1)
    members = facts.members
    profiles = sum(1 for m in members if m.profile_set)
    discoverable = sum(1 for m in members if m.discoverable)
    waiting = sum(1 for p in facts.prompts if p.state in WAITING_STATES)
    intro_hint = "No intros yet: try /intro @someone @someone-else and say why they should meet."
    ask_hint = "No help requests yet: members can find someone with /whoknows, then /ask."
    metrics = [
        Metric("members", "Members", cur.members(), prev.members()),
        Metric(
            "profiles",
            "Profiles set up",
            profiles,
            None,
            hint="No profiles yet: members set theirs up with /profile.",
        ),
        Metric(
            "discoverable",
            "Discoverable share",
            _share(discoverable, len(members)),
            None,
            Unit.SHARE,
        ),
        Metric(
            "intros_made",
            "Intros made",
            cur.made(Kind.INTRO),
            prev.made(Kind.INTRO),
            hint=intro_hint,
        ),
        Metric(
            "intros_accepted",
            "Intros accepted",
            cur.accepted(Kind.INTRO),
            prev.accepted(Kind.INTRO),
        ),
        Metric(
            "intros_declined",
            "Intros declined",
            cur.ended(Kind.INTRO, State.DECLINED),
            prev.ended(Kind.INTRO, State.DECLINED),
        ),
        Metric(
            "intros_expired",
            "Intros expired",
            cur.ended(Kind.INTRO, State.EXPIRED),
            prev.ended(Kind.INTRO, State.EXPIRED),
        ),
        Metric(
            "first_answer",
            "Median time to an answer",
            cur.median_hours_to_answer(),
            prev.median_hours_to_answer(),
            Unit.HOURS,
            hint="No intro or help request answered yet.",
        ),
        Metric(
            "thank_rate",
            "Thank-you rate after “Helpful”",
            cur.thank_rate(),
            prev.thank_rate(),
            Unit.SHARE,
            hint="Nobody has answered “Helpful” to a follow-up yet.",
        ),
        Metric(
            "asks_sent",
            "Help requests sent",
            cur.made(Kind.REQUEST),
            prev.made(Kind.REQUEST),
            hint=ask_hint,
        ),
        Metric(
            "asks_answered",
            "Help requests answered",
            cur.asks_answered(),
            prev.asks_answered(),
            Unit.SHARE,
        ),
        Metric("givers", "Active givers (30 days)", cur.givers(), prev.givers()),
        Metric(
            "thanks",
            "Thank-yous",
            cur.thanks(),
            prev.thanks(),
            hint="No thank-yous yet: /thanks @someone for …",
        ),
    ]
    if facts.pairings is not None:
        attendance, met = cur.pairing_rates()
        was_attendance, was_met = prev.pairing_rates()
        metrics += [
            Metric(
                "pairing_attendance", "Pairing attendance", attendance, was_attendance, Unit.SHARE
            ),
            Metric("pairing_met", "Pairs that met", met, was_met, Unit.SHARE),
        ]
    metrics += [
        Metric("prompts_sent", "Prompts sent", cur.prompts_sent(), prev.prompts_sent()),
        Metric("prompts_waiting", "Prompts waiting", waiting, None),
        Metric("prompts_failed", "Prompts failed", cur.prompts_failed(), prev.prompts_failed()),
        Metric(
            "unreachable",
            "Members unreachable by DM",
            sum(1 for m in members if m.unreachable),
            None,
        ),
    ]
    return metrics


# --- trends ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: tuple[float | None, ...]
    unit: Unit = Unit.COUNT


@dataclass(frozen=True)
class Trends:
    weeks: tuple[datetime, ...]  # each week's start; the last week ends now
    series: tuple[Series, ...]

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series if s.key != "members" for v in s.values)


def trends(facts: DashboardFacts, now: datetime, weeks: int = TREND_WEEKS) -> Trends:
    """The same measures per week, over rolling 7-day weeks ending now (no weekday or hour
    of the day makes a week short)."""
    starts = tuple(now - WEEK * (weeks - i) for i in range(weeks))
    spans = Spans(facts, starts[0], WEEK, weeks)
    windows = [spans.window(i) for i in range(weeks)]

    def series(
        key: str, label: str, fn: Callable[[Window], float | None], unit: Unit = Unit.COUNT
    ) -> Series:
        return Series(key, label, tuple(fn(w) for w in windows), unit)

    found = [
        series("members", "Members", Window.members),
        series("new_members", "New members", Window.new_members),
        series("intros_made", "Intros made", lambda w: w.made(Kind.INTRO)),
        series("intros_accepted", "Intros accepted", lambda w: w.accepted(Kind.INTRO)),
        series("asks_sent", "Help requests sent", lambda w: w.made(Kind.REQUEST)),
        series("asks_answered", "Help requests answered", Window.asks_answered, Unit.SHARE),
        series(
            "first_answer", "Median time to an answer", Window.median_hours_to_answer, Unit.HOURS
        ),
        series("thank_rate", "Thank-you rate after “Helpful”", Window.thank_rate, Unit.SHARE),
        series("thanks", "Thank-yous", Window.thanks),
        series("givers", "Active givers", Window.givers),
    ]
    if facts.pairings is not None:
        found += [
            series(
                "pairing_attendance",
                "Pairing attendance",
                lambda w: w.pairing_rates()[0],
                Unit.SHARE,
            ),
            series("pairing_met", "Pairs that met", lambda w: w.pairing_rates()[1], Unit.SHARE),
        ]
    found += [
        series("prompts_sent", "Prompts sent", Window.prompts_sent),
        series("prompts_failed", "Prompts failed", Window.prompts_failed),
    ]
    return Trends(starts, tuple(found))


# --- topics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicTables:
    most_asked: list[TopicDemand]
    unmet: list[TopicDemand]
    unasked: list[TopicSupply] = field(default_factory=list)


def topic_tables(facts: DashboardFacts, now: datetime, limit: int = 15) -> TopicTables:
    """Help requests of the last 90 days by topic, against who can help now: counts only."""
    since = now - TOPIC_WINDOW
    asked = Counter(
        c.topic
        for c in facts.connections
        if c.kind is Kind.REQUEST and c.topic and since <= c.created < now
    )
    supply = {s.topic: s for s in facts.supply}
    demand = [
        TopicDemand(
            topic,
            supply[topic].label if topic in supply else topic,
            n,
            supply[topic].helpers if topic in supply else 0,
        )
        for topic, n in asked.items()
    ]
    unasked = sorted(
        (s for s in facts.supply if s.helpers > 0 and s.topic not in asked),
        key=lambda s: (-s.helpers, s.label),
    )
    return TopicTables(most_asked(demand, limit), least_covered(demand, limit), unasked[:limit])


def member_ids(members: Iterable[MemberFact]) -> set[int]:
    return {m.id for m in members}


# --- all of it -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Everything the overview, trends and topics pages show, as of one moment."""

    computed_at: datetime
    community: str
    overview: list[Metric]
    trends: Trends
    topics: TopicTables


def compute_figures(facts: DashboardFacts, now: datetime) -> Figures:
    """Module-level and import-light: a worker process runs it for a large community."""
    return Figures(
        now,
        facts.community_name,
        overview(facts, now),
        trends(facts, now),
        topic_tables(facts, now),
    )
