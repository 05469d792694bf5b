"""Taking in a request at /slack/events: in time and well formed, or refused with a 4xx
before slack-bolt or any listener sees it."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_bolt_request
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.payloads import problem

# Unix seconds in ASCII digits. Python's int() also takes spaces, underscores, other
# scripts' digits and thousands of digits (a ValueError past 4,300), and bolt's signature
# check calls int() on the header before it checks anything else.
TIMESTAMP = re.compile(r"[0-9]{1,12}")


class Refused(Exception):
    def __init__(self, status: int, reason: str, answer: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason  # for the log
        self.answer = answer  # for the client

    def response(self) -> web.Response:
        headers = {"Connection": "close"} if self.status == 408 else None
        return web.json_response({"error": self.answer}, status=self.status, headers=headers)


async def take_in(request: web.Request, read_timeout: float) -> AsyncBoltRequest:
    """The request as bolt takes it; Refused when it is slow, unverifiable or malformed."""
    try:
        async with asyncio.timeout(read_timeout):
            await request.read()  # kept by aiohttp: bolt's reading below uses the copy
    except TimeoutError:
        raise Refused(408, "the body came too slowly", "request timeout") from None
    stamp = request.headers.get("X-Slack-Request-Timestamp")
    if stamp is not None and not TIMESTAMP.fullmatch(stamp):
        raise Refused(401, "the timestamp is not a number", "invalid request")
    try:
        taken = await to_bolt_request(request)
    # Not UTF-8, not JSON, not an object, nested past the parser's stack, or shaped so that
    # bolt's own reading of ids (team, user, channel) fails.
    except (ValueError, LookupError, AttributeError, TypeError, RecursionError) as error:
        raise Refused(400, f"unreadable ({type(error).__name__})", "malformed request") from None
    if not taken.body:
        _read_as_form(taken)
    reason = problem(taken.body)
    if reason is not None:
        raise Refused(400, reason, "malformed request")
    return taken


def _read_as_form(taken: AsyncBoltRequest) -> None:
    """bolt takes any form body with the word "payload" in it for an interaction, and
    finds none: "/thanks @ana for the payload parser" reached no listener. Read such a
    body as the plain form it is (the raw body, which the signature covers, is kept)."""
    fields = dict(parse_qsl(taken.raw_body, keep_blank_values=True))
    if fields and "payload" not in fields:
        taken.body = fields
        taken.context = build_async_context(AsyncBoltContext({}), fields)
