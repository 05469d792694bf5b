"""Who meets whom in a pairing round: scores, a sparse candidate graph, a maximum-weight
matching, and where the odd member goes.

Pure and seeded: the same people, history and seed give the same groups, and a member's
candidates depend only on the seed and on who is there (consistent hashing), so adding or
removing one member moves few groups. No list of all n² pairs is ever built: each member
keeps its best few candidates from small pools (complementary topics, overlapping hours,
a seeded sample of everyone), and the matching runs on that graph.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import rustworkx as rx

from bot.domain.profile import DEFAULT_WINDOW, ContactWindow

HOURS_PER_WEEK = 168
Pair = tuple[int, int]


def pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Person:
    """A participant as the matching sees them; nothing here is shown to anyone."""

    id: int
    group: str = ""  # chapter, company or section; "" when unknown
    hours: int = 0  # bit h: they take messages in UTC hour h of the week (Monday 00:00 = 0)
    knows: frozenset[str] = frozenset()  # topics they can help with
    seeks: frozenset[str] = frozenset()  # topics they look for
    newcomer: bool = False


@dataclass(frozen=True)
class Weights:
    """What each reason to meet is worth; the organiser's settings can change them."""

    different_group: int = 100  # dominant: beans-style matching maximises exactly this
    overlap_hour: int = 2  # per hour of weekly overlap, up to overlap_cap hours
    overlap_cap: int = 15
    complement: int = 40  # one knows a topic the other looks for (each direction)
    shared: int = 10  # a topic both know or both look for
    newcomer: int = 20  # a newcomer meets an established member
    connected: int = -80  # already connected through an intro or ask: second-worst


@dataclass(frozen=True)
class History:
    met: frozenset[Pair] = frozenset()  # every pair that was in a group together, ever
    connected: frozenset[Pair] = frozenset()  # accepted intros and asks


@dataclass(frozen=True)
class Plan:
    groups: tuple[tuple[int, ...], ...]
    repeats: int  # pairs inside groups that had met before (only when unavoidable)


# --- contact windows as hours of the week ------------------------------------------------


@lru_cache(maxsize=4096)
def week_hours(window: str | None, tz: str | None, week_of: date) -> int:
    """The UTC hours of the week (a 168-bit mask) a local window covers, for the week
    that contains `week_of` (so daylight saving time is that week's)."""
    win = ContactWindow.parse(window) if window else DEFAULT_WINDOW
    zone = ZoneInfo(tz or "UTC")
    monday = week_of - timedelta(days=week_of.weekday())
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    mask = 0
    for h in range(HOURS_PER_WEEK):
        instant = start + timedelta(hours=h)
        if win.contains(instant.astimezone(zone)):
            mask |= 1 << h
    return mask


def overlap_hours(a: Person, b: Person) -> int:
    return (a.hours & b.hours).bit_count()


# --- scores and reasons ------------------------------------------------------------------


def score(a: Person, b: Person, w: Weights, connected: bool = False) -> int:
    s = 0
    if a.group and b.group and a.group != b.group:
        s += w.different_group
    s += w.overlap_hour * min((a.hours & b.hours).bit_count(), w.overlap_cap)
    if a.knows & b.seeks:
        s += w.complement
    if b.knows & a.seeks:
        s += w.complement
    if (a.knows & b.knows) or (a.seeks & b.seeks):
        s += w.shared
    if a.newcomer != b.newcomer:
        s += w.newcomer
    if connected:
        s += w.connected
    return s


class ReasonKind(StrEnum):
    COMPLEMENT = "complement"  # `giver` knows `topic`, which `seeker` looks for
    SHARED = "shared"  # both know or both look for `topic`
    NEW_AND_DIFFERENT = "new_and_different"  # not met yet, in different groups
    NEWCOMER = "newcomer"
    FIRST_MEETING = "first_meeting"


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    topic: str = ""
    giver: int | None = None
    seeker: int | None = None
    newcomer: int | None = None


def reasons(a: Person, b: Person) -> list[Reason]:
    """Why two members were matched, best reason first. Only built from what the caller
    passes in: the caller leaves out whatever a member keeps private."""
    out: list[Reason] = []
    for giver, seeker in ((a, b), (b, a)):
        for topic in sorted(giver.knows & seeker.seeks)[:1]:
            out.append(Reason(ReasonKind.COMPLEMENT, topic, giver=giver.id, seeker=seeker.id))
    shared = sorted((a.knows & b.knows) | (a.seeks & b.seeks))
    if shared:
        out.append(Reason(ReasonKind.SHARED, shared[0]))
    if a.group and b.group and a.group != b.group:
        out.append(Reason(ReasonKind.NEW_AND_DIFFERENT))
    if a.newcomer != b.newcomer:
        out.append(Reason(ReasonKind.NEWCOMER, newcomer=a.id if a.newcomer else b.id))
    if not out:
        out.append(Reason(ReasonKind.FIRST_MEETING))
    return out


# --- seeded, order-free randomness ---------------------------------------------------------

_MASK64 = (1 << 64) - 1


def mix(*values: int) -> int:
    """A 64-bit hash of integers: same input, same output, in every process (tuples of
    ints hash without the per-process salt that strings get)."""
    return hash(values) & _MASK64


class _Ring:
    """Members ordered by a seeded hash; a member's picks are those after its own hash.

    Adding or removing one member changes the picks of only its few neighbours."""

    def __init__(self, ids: Iterable[int], seed: int) -> None:
        keyed = sorted((mix(seed, i), i) for i in ids)
        self.keys = [k for k, _ in keyed]
        self.ids = [i for _, i in keyed]

    def after(self, key: int, count: int) -> list[int]:
        n = len(self.ids)
        if n == 0:
            return []
        start = bisect.bisect_right(self.keys, key)
        return [self.ids[(start + j) % n] for j in range(min(count, n))]


# --- the round ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tuning:
    """How wide the search is: enough candidates for a near-perfect matching, few enough
    for 100,000 members."""

    keep: int = 6  # best candidates kept per member
    per_topic: int = 4  # drawn from each complementary topic's pool
    topics: int = 2  # topics of each member looked at, each way
    same_hours: int = 8  # drawn from members whose hours centre on the same hour
    anyone: int = 8  # drawn from everyone
    # Members per exact matching: larger rounds are cut into blocks of neighbouring time
    # zones. Measured (docs/benchmarks.md): 600 is as good as 1,000 and twice as fast.
    block: int = 600
    dense: int = 150  # up to this many members, every pair is a candidate


def hash_text(text: str) -> int:
    """A stable hash of a string (Python's own is salted per process)."""
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & _MASK64
    return h


def band(hours: int) -> int:
    """The UTC hour of day where a member's week is most often open (-1: never)."""
    if not hours:
        return -1
    day = (1 << 24) - 1
    counts = [0] * 24
    for d in range(7):
        chunk = hours >> (24 * d) & day
        while chunk:
            low = chunk & -chunk
            counts[low.bit_length() - 1] += 1
            chunk ^= low
    return max(range(24), key=lambda h: (counts[h], -h))


class _Compact:
    """Members as tuples of ints, topics as bit masks: scoring 100,000 members' candidates
    in Python has to be cheap."""

    def __init__(self, people: Mapping[int, Person]) -> None:
        bits: dict[str, int] = {}
        groups: dict[str, int] = {"": 0}

        def mask(topics: frozenset[str]) -> int:
            m = 0
            for t in topics:
                m |= 1 << bits.setdefault(t, len(bits))
            return m

        self.rows: dict[int, tuple[int, int, int, int, bool]] = {
            p.id: (
                groups.setdefault(p.group, len(groups)),
                p.hours,
                mask(p.knows),
                mask(p.seeks),
                p.newcomer,
            )
            for p in people.values()
        }


def _score_rows(
    a: tuple[int, int, int, int, bool], b: tuple[int, int, int, int, bool], w: Weights
) -> int:
    s = w.overlap_hour * min((a[1] & b[1]).bit_count(), w.overlap_cap)
    if a[0] and b[0] and a[0] != b[0]:
        s += w.different_group
    if a[2] & b[3]:
        s += w.complement
    if b[2] & a[3]:
        s += w.complement
    if (a[2] & b[2]) or (a[3] & b[3]):
        s += w.shared
    if a[4] != b[4]:
        s += w.newcomer
    return s


def _rings(
    people: Sequence[Person], bands: Mapping[int, int], seed: int
) -> tuple[_Ring, dict[str, _Ring], dict[str, _Ring], dict[int, _Ring]]:
    knowers: dict[str, list[int]] = {}
    seekers: dict[str, list[int]] = {}
    by_band: dict[int, list[int]] = {}
    for p in people:
        for t in p.knows:
            knowers.setdefault(t, []).append(p.id)
        for t in p.seeks:
            seekers.setdefault(t, []).append(p.id)
        by_band.setdefault(bands[p.id], []).append(p.id)
    return (
        _Ring((p.id for p in people), seed),
        {t: _Ring(ids, mix(seed, 1, hash_text(t))) for t, ids in knowers.items()},
        {t: _Ring(ids, mix(seed, 2, hash_text(t))) for t, ids in seekers.items()},
        {b: _Ring(ids, mix(seed, 3, b)) for b, ids in by_band.items()},
    )


def candidate_graph(
    people: Sequence[Person],
    history: History,
    weights: Weights,
    seed: int,
    tuning: Tuning = Tuning(),
    *,
    compact: _Compact | None = None,
    bands: Mapping[int, int] | None = None,
) -> dict[Pair, int]:
    """The sparse graph: each member's best `keep` candidates they have never met, with
    each edge's weight (the score, then a seeded tie-break in the low ten bits)."""
    rows = (compact or _Compact({p.id: p for p in people})).rows
    bands = bands if bands is not None else {p.id: band(p.hours) for p in people}
    everyone, knowers, seekers, by_band = _rings(people, bands, seed)
    met, connected, w, t = history.met, history.connected, weights, tuning
    edges: dict[Pair, int] = {}
    dense = len(people) <= t.dense
    for p in people:
        key = mix(seed, p.id)
        if dense:
            found = {q.id for q in people}
            keep = len(people)
        else:
            found, keep = (
                _found(p, key, t, everyone, knowers, seekers, by_band[bands[p.id]]),
                t.keep,
            )
        found.discard(p.id)
        mine = rows[p.id]
        scored: list[tuple[int, int]] = []
        for other in found:
            edge = (p.id, other) if p.id < other else (other, p.id)
            if edge in met:
                continue
            known = edges.get(edge)
            if known is None:
                s = _score_rows(mine, rows[other], w)
                if edge in connected:
                    s += w.connected
                known = s * 1024 + (hash((seed, *edge)) & 1023)
            scored.append((known, other))
        scored.sort(reverse=True)
        for weight, other in scored[:keep]:
            edges[(p.id, other) if p.id < other else (other, p.id)] = weight
    return edges


def _found(
    p: Person,
    key: int,
    t: Tuning,
    everyone: _Ring,
    knowers: Mapping[str, _Ring],
    seekers: Mapping[str, _Ring],
    same_band: _Ring,
) -> set[int]:
    """A member's candidates: some who know what they look for, some who look for what
    they know, some whose hours centre where theirs do, and a seeded sample of anyone."""
    found: set[int] = set(everyone.after(key, t.anyone))
    for topic in _some(p.seeks, key, t.topics):
        if topic in knowers:
            found.update(knowers[topic].after(key, t.per_topic))
    for topic in _some(p.knows, key, t.topics):
        if topic in seekers:
            found.update(seekers[topic].after(key, t.per_topic))
    found.update(same_band.after(key, t.same_hours))
    return found


def _some(topics: frozenset[str], key: int, count: int) -> Iterable[str]:
    """At most `count` of a member's topics, a seeded choice when they have more."""
    if len(topics) <= count:
        return topics
    return sorted(topics, key=lambda x: mix(key, hash_text(x)))[:count]


def max_weight_pairs(nodes: Sequence[int], edges: Mapping[Pair, int]) -> list[Pair]:
    """A maximum-cardinality matching of greatest weight among those (rustworkx's blossom
    algorithm; chosen by measurement, see docs/benchmarks.md)."""
    graph: rx.PyGraph = rx.PyGraph(multigraph=False)
    index = {n: graph.add_node(n) for n in nodes}
    low = min(edges.values(), default=0)
    # In a fixed order: with equal totals, the blossom algorithm's choice follows it.
    graph.add_edges_from([(index[a], index[b], w - low + 1) for (a, b), w in sorted(edges.items())])
    matched = rx.max_weight_matching(
        graph, max_cardinality=True, weight_fn=lambda w: int(w), verify_optimum=False
    )
    return sorted(pair(graph[u], graph[v]) for u, v in matched)


def blocks(
    people: Sequence[Person], bands: Mapping[int, int], seed: int, size: int
) -> list[list[Person]]:
    """Large rounds are matched in blocks of about `size` members of neighbouring time
    zones (an exact matching costs far more than linear time); each block is even."""
    if len(people) <= size * 3 // 2:
        return [list(people)]
    ordered = sorted(people, key=lambda p: (bands[p.id], mix(seed, 6, p.id)))
    count = max(1, round(len(ordered) / size))
    step = len(ordered) / count
    cuts = [0] + [round(step * i) // 2 * 2 for i in range(1, count)] + [len(ordered)]
    return [ordered[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def plan_round(
    people: Sequence[Person],
    history: History,
    *,
    seed: int,
    size: int = 2,
    weights: Weights = Weights(),
    tuning: Tuning = Tuning(),
) -> Plan:
    """Everyone given is in exactly one group: pairs (one trio when the count is odd), or
    trios throughout when `size` is 3 (with pairs for the remainder)."""
    by_id = {p.id: p for p in people}
    if len(by_id) < 2:
        return Plan(tuple((i,) for i in by_id), 0)
    compact = _Compact(by_id)
    bands = {i: band(p.hours) for i, p in by_id.items()}
    edges: dict[Pair, int] = {}
    pairs: list[Pair] = []
    for chunk in blocks(list(by_id.values()), bands, seed, tuning.block):
        found = candidate_graph(chunk, history, weights, seed, tuning, compact=compact, bands=bands)
        edges.update(found)
        pairs += max_weight_pairs(sorted(p.id for p in chunk), found)
    loose = sorted(set(by_id) - {m for p in pairs for m in p}, key=lambda i: mix(seed, i))
    pairs += _pair_leftovers(loose, by_id, history, weights, seed)
    single = sorted(set(by_id) - {m for p in pairs for m in p})
    rows = compact.rows

    def value(a: int, b: int) -> int:
        s = _score_rows(rows[a], rows[b], weights)
        return s + weights.connected if pair(a, b) in history.connected else s

    if size == 3:
        groups = _trios(pairs, single, value, history, seed, edges)
    else:
        groups = [tuple(p) for p in pairs]
        if single:
            groups = _place_odd(single[0], groups, value, history, seed)
    result = tuple(sorted(tuple(sorted(g)) for g in groups))
    repeats = sum(
        pair(a, b) in history.met for g in result for i, a in enumerate(g) for b in g[i + 1 :]
    )
    return Plan(result, repeats)


def _pair_leftovers(
    loose: list[int],
    people: Mapping[int, Person],
    history: History,
    weights: Weights,
    seed: int,
) -> list[Pair]:
    """Members the sparse graph could not match: paired among themselves, best first,
    never a repeat while a fresh partner is left. Rare and few, so quadratic is fine."""
    out: list[Pair] = []
    rest = list(loose)
    while len(rest) >= 2:
        a = rest.pop(0)
        best = max(
            rest,
            key=lambda b: (
                pair(a, b) not in history.met,
                score(people[a], people[b], weights, pair(a, b) in history.connected),
                mix(seed, *pair(a, b)),
            ),
        )
        rest.remove(best)
        out.append(pair(a, best))
    return out


def _place_odd(
    odd: int,
    groups: list[tuple[int, ...]],
    value: Callable[[int, int], int],
    history: History,
    seed: int,
) -> list[tuple[int, ...]]:
    """The odd member joins the pair they suit best and have met neither of."""
    if not groups:
        return [(odd,)]
    best = max(
        range(len(groups)),
        key=lambda i: (
            -sum(pair(odd, m) in history.met for m in groups[i]),
            sum(value(odd, m) for m in groups[i]),
            mix(seed, odd, *groups[i]),
        ),
    )
    return [(*g, odd) if i == best else g for i, g in enumerate(groups)]


def _trios(
    pairs: list[Pair],
    single: list[int],
    value: Callable[[int, int], int],
    history: History,
    seed: int,
    edges: Mapping[Pair, int],
) -> list[tuple[int, ...]]:
    """Trios from the best pairs: keep a third of the people as pair cores, free the
    others, and give each core the free member that suits both best (a second matching,
    between free members and the cores near them in the candidate graph)."""
    n = 2 * len(pairs) + len(single)
    trios, remainder = divmod(n, 3)
    plain_count = {0: 0, 1: 2, 2: 1}[remainder]  # n = 3t+1: two pairs, not a group of four
    if remainder == 1:
        trios -= 1
    if trios <= 0:
        twos: list[tuple[int, ...]] = [tuple(p) for p in pairs]
        return _place_odd(single[0], twos, value, history, seed) if single else twos
    ranked = sorted(pairs, key=lambda p: (value(*p), mix(seed, *p)), reverse=True)
    cores = ranked[:trios]
    plain = ranked[trios : trios + plain_count]
    freed = [m for p in ranked[trios + plain_count :] for m in p] + single
    core_of = {m: i for i, core in enumerate(cores) for m in core}
    near: dict[int, set[int]] = {}
    for a, b in edges:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    ring = _Ring(range(len(cores)), mix(seed, 4))
    graph: rx.PyGraph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(freed) + len(cores)))
    wired: list[tuple[int, int, int]] = []
    for fi, m in enumerate(freed):
        options = {core_of[v] for v in near.get(m, ()) if v in core_of}
        options.update(ring.after(mix(seed, 5, m), 8))
        for ci in options:
            a, b = cores[ci]
            fresh = pair(m, a) not in history.met and pair(m, b) not in history.met
            w = (1 << 20) * fresh + 1024 + value(m, a) + value(m, b)
            wired.append((fi, len(freed) + ci, max(w, 1)))
    graph.add_edges_from(sorted(wired))
    matched = rx.max_weight_matching(
        graph, max_cardinality=True, weight_fn=lambda w: int(w), verify_optimum=False
    )
    third: dict[int, int] = {}
    for u, v in matched:
        fi, ci = min(u, v), max(u, v) - len(freed)
        third[ci] = freed[fi]
    placed = set(third.values())
    leftover = [m for m in freed if m not in placed]
    groups: list[tuple[int, ...]] = [tuple(p) for p in plain]
    open_cores: list[tuple[int, ...]] = []
    for i, core in enumerate(cores):
        if i in third:
            groups.append((*core, third[i]))
        else:
            open_cores.append(core)
    for m in leftover:  # the sparse graph left a few: each to the open core it suits best
        if open_cores:
            open_cores = _place_odd(m, open_cores, value, history, seed)
            filled = next(c for c in open_cores if m in c)
            open_cores.remove(filled)
            groups.append(filled)
        else:
            groups = _place_odd(m, groups, value, history, seed)
    return groups + open_cores
