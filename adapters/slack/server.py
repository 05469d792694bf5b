"""The Slack app on aiohttp: /slack/events, OAuth install pages, /healthz and /metrics."""

from __future__ import annotations

import json
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.metrics import Metrics
from bot.services.app import Networker


def request_kind(body: str, content_type: str) -> str:
    """command / action / view / event, for the metrics (cheap: no full parse)."""
    if content_type.startswith("application/json"):
        return "event"
    if body.startswith("payload=") or "&payload=" in body:
        return "view" if "view_submission" in body else "action"
    return "command" if "command=" in body else "other"


def build_web_app(app: AsyncApp, core: Networker, metrics: Metrics) -> web.Application:
    async def events(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, AttributeError, TypeError):  # not JSON, or not an object
            metrics.observe("malformed", time.perf_counter() - started, failed=False)
            return web.json_response({"error": "malformed request"}, status=400)
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

    web_app = web.Application()
    web_app.add_routes(
        [
            web.post("/slack/events", events),
            web.get("/healthz", healthz),
            web.get("/metrics", metrics_page),
        ]
    )
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
