"""The Slack app on aiohttp: /slack/events, OAuth install pages, /healthz, /metrics and
the organisers' dashboard."""

from __future__ import annotations

import json
import logging
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.metrics import Metrics
from adapters.slack.intake import Refused, take_in
from adapters.web.pages import add_dashboard
from bot.services.app import Networker

log = logging.getLogger(__name__)


def request_kind(body: str, content_type: str) -> str:
    """command / action / view / event, for the metrics (cheap: no full parse)."""
    if content_type.startswith("application/json"):
        return "event"
    if body.startswith("payload=") or "&payload=" in body:
        return "view" if "view_submission" in body else "action"
    return "command" if "command=" in body else "other"


def build_web_app(
    app: AsyncApp, core: Networker, metrics: Metrics, *, read_timeout: float
) -> web.Application:
    """`read_timeout`: seconds a client has to send a request's headers (from connecting,
    or from its previous answer), and again for its body."""

    async def events(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            bolt_request = await take_in(request, read_timeout)
        except Refused as refused:
            metrics.observe("malformed", time.perf_counter() - started, failed=False)
            log.info("slack request refused", extra={"reason": refused.reason})
            return refused.response()
        kind = request_kind(bolt_request.raw_body, request.content_type)
        response = await app.async_dispatch(bolt_request)
        metrics.observe(kind, time.perf_counter() - started, failed=response.status >= 500)
        return await to_aiohttp_response(response)

    async def healthz(_request: web.Request) -> web.Response:
        ok = await core.healthy()
        body = json.dumps({"status": "ok" if ok else "database unreachable"})
        return web.Response(status=200 if ok else 503, text=body, content_type="application/json")

    async def metrics_page(_request: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain")

    # aiohttp's keep-alive timer runs from the connection's start (or the last answer)
    # until a request's headers are complete: it is the header deadline too. No lingering
    # after an answer, so a client that is cut off mid-body is not read any further.
    web_app = web.Application(handler_args={"keepalive_timeout": read_timeout, "lingering_time": 0})
    web_app.add_routes(
        [
            web.post("/slack/events", events),
            web.get("/healthz", healthz),
            web.get("/metrics", metrics_page),
        ]
    )
    add_dashboard(web_app, core)
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        web_app.add_routes(
            [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
        )
    return web_app
