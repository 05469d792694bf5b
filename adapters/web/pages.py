"""The dashboard's routes on the process's aiohttp application.

Every URL under /dashboard/ answers 401, with the same body, unless the request carries
a valid session for the community the URL names: an unknown community, another
community's session, an expired one and none at all look alike. Read-only: only GET.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.web.drawing import bar_chart, network_svg, shown
from adapters.web.figures import FigureCache
from adapters.web.raster import network_png
from bot.domain.dashboard import Figures, Metric, Unit
from bot.domain.network import NetworkShape
from bot.services.app import Networker
from bot.services.dashboard import LINK_PATH, SESSION_VALID, DashboardAccess, Session

HERE = Path(__file__).parent
COOKIE = "networker_dashboard"
PAGES = (
    ("overview", "Overview"),
    ("trends", "Trends"),
    ("topics", "Topics"),
    ("network", "Network"),
)
SECURITY_HEADERS = {
    # No script at all; styles and images only from here (charts are inline SVG).
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a link's token never travels on as a referrer
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
_COMMUNITY_PATH = re.compile(r"^/dashboard/(\d{1,10})(/.*)?$")

# How long a page waits for the first figures of a session before answering "preparing"
# (pages answer within half a second); downloads wait for them.
PAGE_WAIT = 0.25
DOWNLOAD_WAIT = 25.0

ACCESS_KEY = web.AppKey("dashboard_access", DashboardAccess)
PAGE_WAIT_KEY = web.AppKey("dashboard_page_wait", float)
CACHE_KEY = web.AppKey("dashboard_cache", FigureCache)

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _fmt(value: float | None, unit: Unit | str) -> str:
    return shown(value, Unit(unit))


def _change(metric: Metric) -> str:
    delta = metric.change
    if delta is None:
        return ""
    if metric.unit is Unit.SHARE:
        return f"{delta * 100:+.0f} points"
    if metric.unit is Unit.HOURS:
        return f"{delta:+.1f} h"
    return f"{delta:+,.0f}"


templates.globals.update(fmt=_fmt, change=_change, share=Unit.SHARE.value, pages=PAGES)


def denied() -> web.Response:
    return web.Response(
        status=401,
        text=templates.get_template("denied.html").render(),
        content_type="text/html",
        headers={"Cache-Control": "no-store"},
    )


def _secure(request: web.Request, access: DashboardAccess) -> bool:
    """Behind https: the proxy says so, or the public address is https."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return (
        request.secure or forwarded == "https" or access.config.dashboard_url.startswith("https://")
    )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    dashboard = path == "/dashboard" or path.startswith("/dashboard/")
    if dashboard and path != LINK_PATH:
        if request.method not in ("GET", "HEAD"):
            return denied()
        access = request.app[ACCESS_KEY]
        found = _COMMUNITY_PATH.match(path)
        session = await access.session(request.cookies.get(COOKIE))
        if found is None or session is None or session.community_id != int(found.group(1)):
            return _headers(denied())
    try:
        response = await handler(request)
    except NotReady:
        response = web.Response(
            text=templates.get_template("preparing.html").render(), content_type="text/html"
        )
    except web.HTTPException as error:  # answered as a plain response, with our headers
        response = web.Response(status=error.status, body=error.body, headers=error.headers)
    if dashboard or path.startswith("/static/dashboard/"):
        _headers(response)
    return response


def _headers(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.update(SECURITY_HEADERS)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _session(request: web.Request) -> Session:
    """The session `guard` let through (checked again: cheap, and nothing is carried over)."""
    found = await request.app[ACCESS_KEY].session(request.cookies.get(COOKIE))
    assert found is not None
    return found


def _base(session: Session) -> str:
    return f"/dashboard/{session.community_id}"


class NotReady(Exception):
    """The first figures of a large community are still being computed."""


async def _figures(request: web.Request, *, download: bool = False) -> tuple[Session, Figures]:
    """A page waits briefly for the first figures (and says so, then reloads); a
    download waits for them."""
    session = await _session(request)
    cache = request.app[CACHE_KEY]
    wait = DOWNLOAD_WAIT if download else request.app[PAGE_WAIT_KEY]
    figures = await cache.figures(session.community_id, wait=wait)
    if figures is None:
        if cache.gone(session.community_id):  # removed since: as if there never was one
            raise web.HTTPUnauthorized(
                text=templates.get_template("denied.html").render(), content_type="text/html"
            )
        raise NotReady
    return session, figures


def _page(name: str, title: str, figures: Figures, session: Session, **extra: Any) -> web.Response:
    html = templates.get_template(f"{name}.html").render(
        title=title,
        page=name,
        community=figures.community,
        base=_base(session),
        as_of=f"{figures.computed_at:%Y-%m-%d %H:%M}",
        **extra,
    )
    return web.Response(text=html, content_type="text/html")


# --- the link ------------------------------------------------------------------------------


async def open_link(request: web.Request) -> web.StreamResponse:
    access = request.app[ACCESS_KEY]
    session = await access.open_link(request.query.get("token", ""))
    if session is None:
        return denied()
    request.app[CACHE_KEY].warm(session.community_id)
    response = web.Response(status=303, headers={"Location": f"{_base(session)}/overview"})
    response.set_cookie(
        COOKIE,
        await access.session_value(session),
        max_age=int(SESSION_VALID.total_seconds()),
        path=f"{_base(session)}/",
        httponly=True,
        samesite="Strict",
        secure=_secure(request, access),
    )
    return response


# --- pages ---------------------------------------------------------------------------------


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(f"{_base(await _session(request))}/overview")


async def overview_page(request: web.Request) -> web.StreamResponse:
    session, figures = await _figures(request)
    return _page("overview", "Overview", figures, session, metrics=figures.overview)


async def trends_page(request: web.Request) -> web.StreamResponse:
    session, figures = await _figures(request)
    t = figures.trends
    charts = [(s, bar_chart(s, t.weeks)) for s in t.series]
    return _page(
        "trends", "Trends", figures, session, charts=charts, weeks=len(t.weeks), empty=t.empty
    )


async def topics_page(request: web.Request) -> web.StreamResponse:
    session, figures = await _figures(request)
    return _page("topics", "Topics", figures, session, topics=figures.topics)


async def _shape(request: web.Request, wait: float) -> NetworkShape | None:
    session = await _session(request)
    return await request.app[CACHE_KEY].shape(session.community_id, wait=wait)


async def network_page(request: web.Request) -> web.StreamResponse:
    session, figures = await _figures(request)
    found = await _shape(request, wait=0.3)
    svg = network_svg(found, f"The network of {figures.community}") if found else ""
    return _page(
        "network",
        "Network",
        figures,
        session,
        shape=found,
        svg=svg,
        refresh=None if found else 3,
        drawn_at=f"{found.computed_at:%Y-%m-%d %H:%M}" if found else "",
    )


async def _picture(request: web.Request) -> tuple[NetworkShape, str]:
    _, figures = await _figures(request, download=True)
    found = await _shape(request, wait=25)
    if found is None:
        raise web.HTTPServiceUnavailable(
            text="The picture is still being computed; try again in a minute.",
            headers={"Retry-After": "30"},
        )
    return found, figures.community


async def network_svg_file(request: web.Request) -> web.StreamResponse:
    found, community = await _picture(request)
    return web.Response(
        text=network_svg(found, f"The network of {community}"),
        content_type="image/svg+xml",
        headers={"Content-Disposition": 'attachment; filename="network.svg"'},
    )


async def network_png_file(request: web.Request) -> web.StreamResponse:
    found, _community = await _picture(request)
    return web.Response(
        body=network_png(found),
        content_type="image/png",
        headers={"Content-Disposition": 'attachment; filename="network.png"'},
    )


# --- CSV -------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """Text a member wrote (a topic) may start like a spreadsheet formula: never run it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> web.Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)


async def csv_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    _, figures = await _figures(request, download=True)
    if name == "overview":
        return _csv(
            name,
            ("measure", "key", "last_30_days", "previous_30_days", "change", "unit"),
            (
                (
                    m.label,
                    m.key,
                    _number(m.value),
                    _number(m.previous),
                    _number(m.change),
                    m.unit.value,
                )
                for m in figures.overview
            ),
        )
    if name == "trends":
        t = figures.trends
        return _csv(
            name,
            ("week_start", *(s.key for s in t.series)),
            (
                (f"{week:%Y-%m-%d}", *(_number(s.values[i]) for s in t.series))
                for i, week in enumerate(t.weeks)
            ),
        )
    topics = figures.topics
    if name in ("topics_most_asked", "topics_unmet"):
        rows = topics.most_asked if name == "topics_most_asked" else topics.unmet
        return _csv(
            name,
            ("topic", "requests_90_days", "members_who_can_help"),
            ((d.label, d.asks, d.helpers) for d in rows),
        )
    if name == "topics_unasked":
        return _csv(
            name, ("topic", "members_who_can_help"), ((s.label, s.helpers) for s in topics.unasked)
        )
    if name.startswith("network_"):
        found, _community = await _picture(request)
        if name == "network_numbers":
            return _csv(
                name,
                ("measure", "value"),
                (
                    ("members", found.members),
                    ("connections", found.connections),
                    ("share_of_members_with_a_connection", _number(found.connected_share)),
                    ("share_of_connections_across_groups", _number(found.across_share)),
                    ("largest_connected_share", _number(found.largest_share)),
                    ("bridges", found.bridges),
                    ("alone_after_30_days", found.isolated),
                ),
            )
        if name == "network_groups":
            return _csv(
                name,
                ("group", "members", "bridges", "alone_after_30_days"),
                ((g.name, g.members, g.bridges, g.isolated) for g in found.groups),
            )
        if name == "network_ties":
            return _csv(
                name,
                ("group_a", "group_b", "connections"),
                (
                    (found.groups[t.a].name, found.groups[t.b].name, t.weight)
                    for t in found.group_ties
                ),
            )
    raise web.HTTPNotFound()


async def _close(app: web.Application) -> None:
    await app[CACHE_KEY].close()


def add_dashboard(
    web_app: web.Application, core: Networker, *, page_wait: float = PAGE_WAIT
) -> None:
    """Serve the dashboard from this application (the Slack HTTP server, or the one
    Discord and the console start). `page_wait`: seconds a page waits for the first
    figures of a session."""
    access = DashboardAccess(core.units, core.clock, core.config)
    web_app[ACCESS_KEY] = access
    web_app[PAGE_WAIT_KEY] = page_wait
    web_app[CACHE_KEY] = FigureCache(access, core.clock)
    web_app.middlewares.append(guard)
    web_app.on_cleanup.append(_close)
    prefix = "/dashboard/{community:\\d+}"
    web_app.add_routes(
        [
            web.get(LINK_PATH, open_link),
            web.get(prefix, home),
            web.get(prefix + "/", home),
            web.get(prefix + "/overview", overview_page),
            web.get(prefix + "/trends", trends_page),
            web.get(prefix + "/topics", topics_page),
            web.get(prefix + "/network", network_page),
            web.get(prefix + "/network.svg", network_svg_file),
            web.get(prefix + "/network.png", network_png_file),
            web.get(prefix + "/csv/{name:[a-z_]+}.csv", csv_file),
            web.static("/static/dashboard", HERE / "static", append_version=False),
        ]
    )
