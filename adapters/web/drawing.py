"""The network picture and the trend charts as SVG, written directly.

Why by hand: the picture is a few hundred circles and lines (or a dozen groups), which
a string builder writes in milliseconds with crisp output at any size, no JavaScript
(the pages' CSP allows none) and no dependency; a plotting library would add seconds of
import and render time per picture for the same shapes. The PNG (adapters/web/raster.py)
draws the same geometry with Pillow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.domain.dashboard import Series, Unit
from bot.domain.network import NetworkShape

# Okabe–Ito, readable by the colour-blind, then a few more; past them groups share grey.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#7F3C8D",
    "#3969AC",
    "#80BA5A",
)
OTHER = "#9AA0A6"
BRIDGE = "#111111"
ISOLATED = "#D55E00"
TIE = "#C8CDD2"
TIE_ACROSS = "#6B7280"
WIDTH, HEIGHT = 1000, 700


def colour(index: int) -> str:
    return PALETTE[index] if index < len(PALETTE) else OTHER


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    fill: str
    ring: str | None  # a highlight's outline
    label: str | None
    hollow: bool = False


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    colour: str
    label: str | None = None


@dataclass(frozen=True)
class Picture:
    """The geometry both the SVG and the PNG are drawn from (in WIDTH × HEIGHT units)."""

    circles: tuple[Circle, ...]
    segments: tuple[Segment, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, text)


def picture(found: NetworkShape) -> Picture:
    index = {name: i for i, name in enumerate(found.group_names)}
    legend = tuple((colour(index[g.name]), f"{g.name} ({g.members:,})") for g in found.groups)
    legend += (
        ("ring:" + BRIDGE, "bridge between groups"),
        ("ring:" + ISOLATED, "no connection yet (30 days+)"),
    )
    if found.by_group:
        largest = max((g.members for g in found.groups), default=1)
        circles = tuple(
            Circle(
                g.x * WIDTH,
                g.y * HEIGHT,
                12 + 60 * math.sqrt(g.members / largest),
                colour(index[g.name]),
                None,
                f"{g.name}: {g.members:,} members, {g.bridges} bridges, {g.isolated} alone",
            )
            for g in found.groups
        )
        heaviest = max((t.weight for t in found.group_ties), default=1)
        segments = tuple(
            Segment(
                found.groups[t.a].x * WIDTH,
                found.groups[t.a].y * HEIGHT,
                found.groups[t.b].x * WIDTH,
                found.groups[t.b].y * HEIGHT,
                1 + 11 * t.weight / heaviest,
                TIE_ACROSS,
                f"{t.weight:,}",
            )
            for t in found.group_ties
        )
        return Picture(circles, segments, legend)
    radius = max(3.0, min(9.0, 220 / math.sqrt(max(1, len(found.nodes)))))
    circles = tuple(
        Circle(
            n.x * WIDTH,
            n.y * HEIGHT,
            radius * (1.5 if n.bridge else 1.0),
            colour(index[n.group]),
            BRIDGE if n.bridge else ISOLATED if n.isolated else None,
            n.label,
            hollow=n.isolated,
        )
        for n in found.nodes
    )
    segments = tuple(
        Segment(
            found.nodes[t.a].x * WIDTH,
            found.nodes[t.a].y * HEIGHT,
            found.nodes[t.b].x * WIDTH,
            found.nodes[t.b].y * HEIGHT,
            1.6 if t.across else 1.0,
            TIE_ACROSS if t.across else TIE,
        )
        for t in found.ties
    )
    return Picture(circles, segments, legend)


def network_svg(found: NetworkShape, title: str) -> str:
    drawn = picture(found)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 40 + 22 * len(drawn.legend)}" '
        f'role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT + 40 + 22 * len(drawn.legend)}" fill="#ffffff"/>',
    ]
    for s in drawn.segments:
        out.append(
            f'<line x1="{s.x1:.1f}" y1="{s.y1:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" '
            f'stroke="{s.colour}" stroke-width="{s.width:.1f}" stroke-opacity="0.8"/>'
        )
        if s.label:
            out.append(
                f'<text x="{(s.x1 + s.x2) / 2:.1f}" y="{(s.y1 + s.y2) / 2:.1f}" font-size="13" '
                f'fill="#374151" text-anchor="middle">{escape(s.label)}</text>'
            )
    for c in drawn.circles:
        fill = "#ffffff" if c.hollow else c.fill
        ring = (
            f' stroke="{c.ring}" stroke-width="2.5"'
            if c.ring
            else ' stroke="#ffffff" stroke-width="1"'
        )
        tip = f"<title>{escape(c.label)}</title>" if c.label else ""
        out.append(
            f'<circle cx="{c.x:.1f}" cy="{c.y:.1f}" r="{c.r:.1f}" fill="{fill}"{ring}>{tip}</circle>'
        )
    for c in drawn.circles:
        if c.label:
            out.append(
                f'<text x="{c.x:.1f}" y="{c.y - c.r - 3:.1f}" font-size="12" fill="#111827" '
                f'text-anchor="middle">{escape(c.label)}</text>'
            )
    y = HEIGHT + 30
    for fill, text in drawn.legend:
        if fill.startswith("ring:"):
            mark = f'<circle cx="22" cy="{y - 5}" r="7" fill="#ffffff" stroke="{fill[5:]}" stroke-width="2.5"/>'
        else:
            mark = f'<circle cx="22" cy="{y - 5}" r="7" fill="{fill}"/>'
        out.append(
            mark + f'<text x="36" y="{y}" font-size="14" fill="#111827">{escape(text)}</text>'
        )
        y += 22
    out.append("</svg>")
    return "\n".join(out)


# --- trend charts ------------------------------------------------------------------------

CHART_W, CHART_H, PAD = 640, 170, 34


def shown(value: float | None, unit: Unit) -> str:
    if value is None:
        return "–"
    if unit is Unit.SHARE:
        return f"{value:.0%}"
    if unit is Unit.HOURS:
        return f"{value / 24:.1f} d" if value >= 48 else f"{value:.1f} h"
    return f"{value:,.0f}"


def bar_chart(series: Series, weeks: Sequence[datetime]) -> str:
    """26 weekly bars with the highest value marked; a week with nothing to measure (a
    rate with no cases) has no bar rather than a zero."""
    values = series.values
    top = max((v for v in values if v is not None), default=0.0) or 1.0
    if series.unit is Unit.SHARE:
        top = 1.0
    inner_w, inner_h = CHART_W - 2 * PAD, CHART_H - 2 * PAD
    step = inner_w / max(1, len(values))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
        f'aria-label="{escape(series.label)} per week" font-family="system-ui, sans-serif" class="chart">',
        f"<title>{escape(series.label)} per week, last {len(values)} weeks</title>",
        f'<line x1="{PAD}" y1="{CHART_H - PAD}" x2="{CHART_W - PAD}" y2="{CHART_H - PAD}" stroke="#9CA3AF"/>',
        f'<text x="{PAD - 4}" y="{PAD + 4}" font-size="11" fill="#4B5563" text-anchor="end">{escape(shown(top, series.unit))}</text>',
        f'<text x="{PAD - 4}" y="{CHART_H - PAD}" font-size="11" fill="#4B5563" text-anchor="end">0</text>',
    ]
    for i, v in enumerate(values):
        if v is None:
            continue
        h = inner_h * v / top
        x = PAD + i * step + step * 0.15
        out.append(
            f'<rect x="{x:.1f}" y="{CHART_H - PAD - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#0072B2"><title>{weeks[i]:%d %b}: {escape(shown(v, series.unit))}</title></rect>'
        )
    if weeks:
        out.append(
            f'<text x="{PAD}" y="{CHART_H - PAD + 16}" font-size="11" fill="#4B5563">{weeks[0]:%d %b %Y}</text>'
        )
        out.append(
            f'<text x="{CHART_W - PAD}" y="{CHART_H - PAD + 16}" font-size="11" fill="#4B5563" '
            f'text-anchor="end">week to now</text>'
        )
    out.append("</svg>")
    return "".join(out)
