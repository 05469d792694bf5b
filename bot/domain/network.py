"""The shape of the network: who is connected, who bridges groups, who is still alone.

Computed with networkx in the background (seconds at thousands of members), never per
page. Nothing here ranks members: bridges and the isolated are sets, shown as
highlights, and no number is kept per member.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import networkx as nx
import numpy  # noqa: F401  # networkx's layout needs it: imported now, not first inside a worker thread

from bot.domain.connections import State
from bot.domain.dashboard import DashboardFacts, MemberFact

ISOLATED_AFTER = timedelta(days=30)
# Up to this many members the picture shows each of them; past it, each group is one
# circle sized by its members, with its ties to the others.
DRAW_MEMBERS_UP_TO = 400
# Betweenness is estimated from this many sampled sources past it (exact below): enough
# to tell the few members carrying paths between groups. A community drawn by group
# shows only how many bridges each group has, and takes fewer: seconds at 10,000.
BETWEENNESS_SAMPLES = 32
BETWEENNESS_SAMPLES_BY_GROUP = 16
BRIDGE_SHARE = 0.05  # the members carrying the most paths between groups...
BRIDGES_MAX = 25  # ...but never more highlights than a picture can carry


@dataclass(frozen=True)
class Node:
    x: float  # 0..1
    y: float
    group: str
    label: str | None  # a discoverable member's name; None: an unlabelled dot
    bridge: bool
    isolated: bool


@dataclass(frozen=True)
class GroupNode:
    name: str
    members: int
    bridges: int
    isolated: int
    x: float
    y: float


@dataclass(frozen=True)
class Tie:
    a: int  # index into nodes (or groups)
    b: int
    weight: int
    across: bool


@dataclass(frozen=True)
class NetworkShape:
    computed_at: datetime
    members: int
    connections: int
    connected_share: float | None  # members with at least one connection
    across_share: float | None  # connections joining two groups
    largest_share: float | None  # members in the largest connected part
    bridges: int
    isolated: int
    groups: tuple[GroupNode, ...]
    group_ties: tuple[Tie, ...]
    by_group: bool  # drawn by group (a large community) rather than by member
    nodes: tuple[Node, ...] = ()
    ties: tuple[Tie, ...] = ()
    group_names: tuple[str, ...] = ()  # every group, in a stable order (its colour)


def edges_of(facts: DashboardFacts) -> list[tuple[int, int]]:
    """Who is connected with whom: connected intros and help requests, pairings that met,
    and thank-yous either way."""
    found: list[tuple[int, int]] = [
        (c.a, c.b) for c in facts.connections if c.state is State.CONNECTED
    ]
    found += [(t.giver, t.receiver) for t in facts.thanks]
    found += [(p.a, p.b) for p in facts.pairings or () if p.met]
    return found


def graph(members: Sequence[MemberFact], edges: Iterable[tuple[int, int]]) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(m.id for m in members)
    g.add_edges_from((a, b) for a, b in edges if a != b and a in g and b in g)
    return g


def _bridges(g: nx.Graph, group: dict[int, str]) -> set[int]:
    """Members whose connections join groups and who carry the most shortest paths."""
    joining = [n for n in g if len({group[n]} | {group[m] for m in g.neighbors(n)}) >= 2]
    if not joining:
        return set()
    samples = BETWEENNESS_SAMPLES if len(g) <= DRAW_MEMBERS_UP_TO else BETWEENNESS_SAMPLES_BY_GROUP
    k = None if len(g) <= samples else samples
    scores = nx.betweenness_centrality(g, k=k, seed=7)
    positive = [n for n in joining if scores.get(n, 0.0) > 0]
    keep = min(BRIDGES_MAX, max(3, math.ceil(len(g) * BRIDGE_SHARE)))
    # A set, not an order: which ones, never who comes first.
    return set(sorted(positive, key=lambda n: -scores[n])[:keep])


MemberRow = tuple[int, str | None, str, bool, bool, datetime, bool]


def compact(facts: DashboardFacts) -> tuple[list[MemberRow], list[tuple[int, int]]]:
    """What the shape needs, as plain tuples: cheap to send to a worker process."""
    rows = [
        (m.id, m.name, m.group, m.profile_set, m.discoverable, m.joined, m.unreachable)
        for m in facts.members
    ]
    return rows, edges_of(facts)


def shape_of_rows(
    rows: Sequence[MemberRow], edges: list[tuple[int, int]], now: datetime
) -> NetworkShape:
    return shape_of([MemberFact(*row) for row in rows], edges, now)


def shape(facts: DashboardFacts, now: datetime) -> NetworkShape:
    return shape_of(list(facts.members), edges_of(facts), now)


def shape_of(
    members: Sequence[MemberFact], edges: list[tuple[int, int]], now: datetime
) -> NetworkShape:
    g = graph(members, edges)
    group = {m.id: m.group for m in members}
    by_id = {m.id: m for m in members}
    n = len(members)
    links = g.number_of_edges()
    across = sum(1 for a, b in g.edges if group[a] != group[b])
    largest = max((len(c) for c in nx.connected_components(g)), default=0)
    bridges = _bridges(g, group)
    isolated = {
        m.id
        for m in members
        if m.profile_set and g.degree(m.id) == 0 and m.joined <= now - ISOLATED_AFTER
    }
    sizes = Counter(group.values())
    names = tuple(sorted(sizes, key=lambda name: (-sizes[name], name)))
    ties: Counter[tuple[str, str]] = Counter(
        (min(group[a], group[b]), max(group[a], group[b]))
        for a, b in g.edges
        if group[a] != group[b]
    )
    group_pos = _group_layout(names, ties)
    groups = tuple(
        GroupNode(
            name,
            sizes[name],
            sum(1 for b in bridges if group[b] == name),
            sum(1 for i in isolated if group[i] == name),
            *group_pos[name],
        )
        for name in names
    )
    index = {name: i for i, name in enumerate(names)}
    group_ties = tuple(
        Tie(index[a], index[b], count, True) for (a, b), count in sorted(ties.items())
    )
    result = NetworkShape(
        computed_at=now,
        members=n,
        connections=links,
        connected_share=sum(1 for m in g if g.degree(m) > 0) / n if n else None,
        across_share=across / links if links else None,
        largest_share=largest / n if n else None,
        bridges=len(bridges),
        isolated=len(isolated),
        groups=groups,
        group_ties=group_ties,
        by_group=n > DRAW_MEMBERS_UP_TO,
        group_names=names,
    )
    if result.by_group or n == 0:
        return result
    pos = _member_layout(g, group, names)
    order = sorted(g.nodes, key=lambda m: (group[m], m))
    at = {m: i for i, m in enumerate(order)}
    nodes = tuple(
        Node(
            *pos[m],
            group=group[m],
            label=by_id[m].name if by_id[m].discoverable else None,
            bridge=m in bridges,
            isolated=m in isolated,
        )
        for m in order
    )
    member_ties = tuple(
        Tie(at[a], at[b], 1, group[a] != group[b]) for a, b in sorted(g.edges, key=sorted)
    )
    return NetworkShape(**{**result.__dict__, "nodes": nodes, "ties": member_ties})


def _normalised(
    pos: dict[object, tuple[float, float]], margin: float = 0.06
) -> dict[object, tuple[float, float]]:
    if not pos:
        return {}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    scale = 1 - 2 * margin
    return {
        k: (
            margin + scale * ((x - min(xs)) / span_x if len(pos) > 1 else 0.5),
            margin + scale * ((y - min(ys)) / span_y if len(pos) > 1 else 0.5),
        )
        for k, (x, y) in pos.items()
    }


def _group_layout(
    names: Sequence[str], ties: Counter[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Groups on a circle, the largest first: readable at any number of groups."""
    if len(names) == 1:
        return {names[0]: (0.5, 0.5)}
    return {
        name: (
            0.5 + 0.36 * math.cos(2 * math.pi * i / len(names) - math.pi / 2),
            0.5 + 0.36 * math.sin(2 * math.pi * i / len(names) - math.pi / 2),
        )
        for i, name in enumerate(names)
    }


def _member_layout(
    g: nx.Graph, group: dict[int, str], names: Sequence[str]
) -> dict[int, tuple[float, float]]:
    """A force layout that starts each member near their group's place on a circle, so
    groups stay together and bridges sit between them; seeded, so it does not jump."""
    centre = _group_layout(names, Counter())
    start = {}
    for i, m in enumerate(sorted(g.nodes)):
        cx, cy = centre[group[m]]
        angle = i * 2.399963  # the golden angle spreads a group's members evenly
        start[m] = (cx + 0.08 * math.cos(angle), cy + 0.08 * math.sin(angle))
    if g.number_of_edges() == 0:
        placed = start
    else:
        placed = nx.spring_layout(g, pos=start, seed=11, iterations=60, k=1.6 / math.sqrt(len(g)))
    return _normalised({m: (float(x), float(y)) for m, (x, y) in placed.items()})  # type: ignore[return-value]
