"""A local test double of the Discord REST API (v10), served over real HTTP by aiohttp.

discord.py reads its REST base from one class attribute, ``discord.http.Route.BASE``;
entering the double points it at ``http://127.0.0.1:<free port>/api/v10`` and leaving it
puts the previous value back (``use_api_url`` in the adapter overwrites it too). Interaction
callbacks and follow-ups build their URLs from the same attribute, so they come here as well.

What it does:

* Records every request (method, path without ``/api/v10``, query, JSON body, headers) in
  ``requests``, in order; ``calls(method, path_regex)`` filters them (full match).
* Answers like Discord, with ``Content-Type`` exactly ``application/json`` (discord.py
  compares the header as a string): the bot user and application for login, DM channels
  (``dm_channel(user)`` is ``95`` + the user id's tail), messages, guild channels
  registered with ``text_channel()``, private threads, thread members (204), command sync,
  interaction callbacks (an ``InteractionCallbackResponse``) and follow-ups.
* ``fail()`` and ``rate_limit()`` queue error answers for a route (FIFO per rule; the call
  is still recorded). A 429 carries ``Via`` and a JSON ``retry_after``, or discord.py would
  take it for a Cloudflare ban.
* Message nonces as Discord documents them: a message created with ``nonce`` and
  ``enforce_nonce: true`` by the same author (the bot token) with the same nonce as one
  created within ``NONCE_WINDOW`` seconds (by ``clock``, which tests may replace) is not
  created again: the existing message is returned. ``requests`` holds every receipt;
  ``created`` only the messages that were made, and ``messages()``/``dms()`` read those.
* Answers 5xx only when a test asks (``server_error()``): discord.py retries those with
  sleeps of 1 s, 3 s, 5 s..., so such a test must make those sleeps instant. A bug in the
  double becomes a 400 with the exception in ``message``.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord.http
from aiohttp import web

from tests.adapters.support import LoopbackServer

Json = dict[str, Any]

APP_ID = "900000000000000001"  # the application id is the bot user's id, as on Discord
BOT_ID = APP_ID
OWNER_ID = "900000000000000002"
TOKEN = "test-bot-token"
TIMESTAMP = "2026-03-02T10:00:00+00:00"
EPHEMERAL = 64
NONCE_WINDOW = 300.0  # seconds: Discord says "the past few minutes"

_ids = itertools.count(1_400_000_000_000_000_000)


def snowflake() -> str:
    return str(next(_ids))


def user_payload(user_id: str, name: str, *, bot: bool = False) -> Json:
    return {
        "id": user_id,
        "username": name,
        "global_name": name.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def message_payload(
    channel_id: str,
    content: str = "",
    *,
    components: list[Json] | None = None,
    flags: int = 0,
    message_id: str | None = None,
    nonce: str | None = None,
) -> Json:
    found: Json = {
        "id": message_id or snowflake(),
        "channel_id": channel_id,
        "type": 0,
        "content": content,
        "author": user_payload(BOT_ID, "networker", bot=True),
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "components": components or [],
        "flags": flags,
    }
    if nonce is not None:
        found["nonce"] = nonce
    return found


def dm_channel(user_id: str) -> str:
    """The id of the bot's DM channel with a user (the double's convention)."""
    return "95" + user_id[2:]


def jresp(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    merged = {"Content-Type": "application/json"}
    merged.update(headers or {})
    return web.Response(body=json.dumps(payload).encode(), status=status, headers=merged)


@dataclass
class Request:
    """One REST call received by the double, and what it answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    status: int = 0
    answer: Any = None
    created: bool = False  # a message POST that made a message (not a nonce repeat)


@dataclass
class _Rule:
    method: str
    pattern: str
    status: int
    body: Json
    headers: dict[str, str]
    times: int | None  # None: every time


@dataclass
class DiscordDouble(LoopbackServer):
    base_url: str = ""
    requests: list[Request] = field(default_factory=list)
    channels: dict[str, Json] = field(default_factory=dict)  # GET /channels/{id}
    created: list[Json] = field(default_factory=list)  # messages made, as returned
    clock: Callable[[], float] = time.monotonic  # seconds, for the nonce window
    # The guild's members (user id → member payload with its user), found by id or by
    # name search; files served at /attachments/<name> (an attachment's CDN address).
    guild_members: dict[str, Json] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    _nonces: dict[tuple[str, str], tuple[float, Json]] = field(default_factory=dict)
    _rules: list[_Rule] = field(default_factory=list)
    _saved_base: str = ""

    # --- lifecycle ---------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def start(self) -> None:
        await super().start()
        self.base_url = f"{self.origin}/api/v10"
        self._saved_base = discord.http.Route.BASE
        discord.http.Route.BASE = self.base_url

    async def stop(self) -> None:
        discord.http.Route.BASE = self._saved_base
        await super().stop()

    # --- set-up ----------------------------------------------------------------------------

    def text_channel(self, channel_id: str, guild_id: str, name: str = "intros") -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 0,
            "guild_id": guild_id,
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        code: int = 0,
        message: str = "error",
        *,
        times: int | None = 1,
    ) -> None:
        """Answer `status` with Discord's JSON error body to matching requests."""
        assert status < 500, "5xx makes discord.py retry with long sleeps: server_error()"
        self._rules.append(
            _Rule(method, pattern, status, {"message": message, "code": code}, {}, times)
        )

    def server_error(self, method: str, pattern: str, status: int = 500, *, times: int) -> None:
        """Answer 5xx to matching requests. discord.py retries a 500 four times (five
        tries) with sleeps of 1 s, 3 s, 5 s, 7 s; the test must make those sleeps instant."""
        body = {"message": "500: Internal Server Error", "code": 0}
        self._rules.append(_Rule(method, pattern, status, body, {}, times))

    def rate_limit(
        self,
        method: str,
        pattern: str,
        retry_after: float = 0.05,
        *,
        times: int = 1,
        is_global: bool = False,
        bucket: str = "bucket-1",
    ) -> None:
        """A 429 as Discord sends it: `Via` header, JSON body with `retry_after`."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = is_global
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(retry_after),
            "X-RateLimit-Scope": "shared" if not is_global else "global",
        }
        self._rules.append(_Rule(method, pattern, 429, body, headers, times))

    def clear(self) -> None:
        """Forget the receipts and the messages made (nonces are still remembered)."""
        self.requests.clear()
        self.created.clear()

    # --- reading ---------------------------------------------------------------------------

    def calls(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def routes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]

    def messages(self, channel_id: str) -> list[Request]:
        """Messages made in a channel: 2xx, and not a repeat dropped for its nonce."""
        return [r for r in self.calls("POST", rf"/channels/{channel_id}/messages") if r.created]

    def dms(self, user_id: str) -> list[Request]:
        return self.messages(dm_channel(user_id))

    # --- serving ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix("/api/v10")
        raw = await request.read()
        body: Any = json.loads(raw) if raw and request.content_type == "application/json" else None
        record = Request(request.method, path, dict(request.query), body, dict(request.headers))
        self.requests.append(record)
        try:
            response = (
                self._injected(request.method, path)
                or self._invalid(path, body)
                or self._answer(request.method, path, body, record)
            )
        except Exception as error:  # a bug in the double: 400, never 5xx
            response = jresp({"message": f"double error: {error!r}", "code": 0}, 400)
        record.status = response.status
        if response.body and response.content_type == "application/json":
            assert isinstance(response.body, bytes)
            record.answer = json.loads(response.body)
        return response

    def _injected(self, method: str, path: str) -> web.Response | None:
        for rule in self._rules:
            if rule.method == method and re.fullmatch(rule.pattern, path):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times == 0:
                        self._rules.remove(rule)
                return jresp(rule.body, rule.status, rule.headers)
        return None

    def _invalid(self, path: str, body: Any) -> web.Response | None:
        """Discord's documented limits, answered as Discord does: 400, code 50035."""
        errors = form_errors(body) if isinstance(body, dict) else []
        if path.endswith("/threads") and len(body.get("name", "")) > 100:
            errors.append("name: at most 100 characters")
        if not errors:
            return None
        details = {"_errors": [{"code": "BASE_TYPE_INVALID", "message": e} for e in errors]}
        return jresp({"message": "Invalid Form Body", "code": 50035, "errors": details}, 400)

    def _answer(self, method: str, path: str, body: Any, record: Request) -> web.Response:
        def match(pattern: str) -> re.Match[str] | None:
            return re.fullmatch(pattern, path)

        if method == "GET" and path == "/users/@me":
            return jresp(user_payload(BOT_ID, "networker", bot=True))
        if method == "GET" and path == "/oauth2/applications/@me":
            return jresp(
                {
                    "id": APP_ID,
                    "name": "Networker",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "00",
                    "owner": user_payload(OWNER_ID, "owner"),
                    "flags": 0,
                    "team": None,
                }
            )
        if method == "POST" and (m := match(r"/interactions/(\d+)/([^/]+)/callback")):
            return jresp(self._callback(m[1], body))
        if method == "PATCH" and match(r"/webhooks/(\d+)/([^/]+)/messages/@original"):
            return jresp(  # the answer edited (after the command's messages went out)
                message_payload(
                    "0",
                    body.get("content") or "",
                    flags=body.get("flags") or 0,
                    components=body.get("components"),
                )
            )
        if method == "POST" and match(r"/webhooks/(\d+)/([^/]+)"):  # follow-ups
            return jresp(
                message_payload(
                    "0",
                    body.get("content") or "",
                    flags=body.get("flags") or 0,
                    components=body.get("components"),
                )
            )
        if method == "POST" and path == "/users/@me/channels":
            recipient = str(body["recipient_id"])
            return jresp(
                {
                    "id": dm_channel(recipient),
                    "type": 1,
                    "last_message_id": None,
                    "recipients": [user_payload(recipient, "someone")],
                }
            )
        if method == "GET" and (m := match(r"/attachments/(.+)")):
            if m[1] not in self.files:
                return jresp({"message": "Not Found", "code": 0}, 404)
            return web.Response(body=self.files[m[1]], content_type="text/csv")
        if method == "GET" and match(r"/guilds/(\d+)/members/search"):
            query = record.query.get("query", "").casefold()
            limit = int(record.query.get("limit", "1"))
            found = [
                m
                for m in self.guild_members.values()
                if any(
                    str(n).casefold().startswith(query)
                    for n in (
                        m["user"].get("username"),
                        m["user"].get("global_name"),
                        m.get("nick"),
                    )
                    if n
                )
            ]
            return jresp(found[:limit])
        if method == "GET" and (m := match(r"/guilds/(\d+)")):
            return jresp({"id": m[1], "name": "Test Guild", "features": [], "roles": []})
        if method == "GET" and (m := match(r"/guilds/(\d+)/members/(\d+)")):
            if m[2] not in self.guild_members:
                return jresp({"message": "Unknown Member", "code": 10007}, 404)
            return jresp(self.guild_members[m[2]])
        if method == "PATCH" and match(r"/webhooks/(\d+)/([^/]+)/messages/@original"):
            return jresp(message_payload("0", body.get("content") or "", flags=EPHEMERAL))
        if method == "GET" and (m := match(r"/channels/(\d+)")):
            if m[1] not in self.channels:
                return jresp({"message": "Unknown Channel", "code": 10003}, 404)
            return jresp(self.channels[m[1]])
        if method == "POST" and (m := match(r"/channels/(\d+)/messages")):
            return jresp(self._create_message(m[1], body, record))
        if method == "POST" and (m := match(r"/channels/(\d+)/threads")):
            parent = self.channels.get(m[1], {})
            thread: Json = {
                "id": "96" + snowflake()[2:],
                "type": body["type"],
                "guild_id": parent.get("guild_id", "0"),
                "parent_id": m[1],
                "owner_id": BOT_ID,
                "name": body["name"],
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": body.get("auto_archive_duration", 1440),
                    "archive_timestamp": TIMESTAMP,
                    "locked": False,
                    "invitable": body.get("invitable", True),
                },
            }
            self.channels[thread["id"]] = thread  # GET /channels/{thread} finds it, as on Discord
            return jresp(thread)
        if method == "PUT" and match(r"/channels/(\d+)/thread-members/(\d+)"):
            return web.Response(status=204)
        if method == "PUT" and match(r"/applications/(\d+)(/guilds/\d+)?/commands"):
            return jresp(
                [dict(c, id=snowflake(), application_id=APP_ID, version=snowflake()) for c in body]
            )
        return jresp({"message": f"double: no route for {method} {path}", "code": 0}, 404)

    def _create_message(self, channel: str, body: Json, record: Request) -> Json:
        """A new message, or the one made with the same enforced nonce within the window."""
        nonce = body.get("nonce")
        key = (record.headers.get("Authorization", ""), str(nonce))
        now = self.clock()
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self._nonces.get(key)
            if earlier is not None and now - earlier[0] < NONCE_WINDOW:
                return earlier[1]
        made = message_payload(
            channel,
            body.get("content") or "",
            components=body.get("components"),
            nonce=None if nonce is None else str(nonce),
        )
        if nonce is not None:
            self._nonces[key] = (now, made)
        record.created = True
        self.created.append(made)
        return made

    def _callback(self, interaction_id: str, body: Json) -> Json:
        """An InteractionCallbackResponse: discord.py posts with ?with_response=1."""
        kind = body["type"]
        data = body.get("data") or {}
        flags = data.get("flags") or 0
        answer: Json = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
        }
        if kind in (4, 7):
            sent = message_payload(
                "0", data.get("content") or "", components=data.get("components"), flags=flags
            )
            answer["interaction"]["response_message_id"] = sent["id"]
            answer["resource"] = {"type": kind, "message": sent}
        return answer


def form_errors(body: Json) -> list[str]:
    """What Discord would refuse in a message, an interaction callback or a modal."""
    errors: list[str] = []
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    content = data.get("content") or ""
    if len(content) > 2000:
        errors.append("content: at most 2000 characters")
    mentions = data.get("allowed_mentions") or {}
    users = mentions.get("users") or []
    if len(users) != len(set(users)):
        errors.append("allowed_mentions.users: set items must be unique")
    if len(users) > 100:
        errors.append("allowed_mentions.users: at most 100")
    if "users" in (mentions.get("parse") or []) and users:
        errors.append("allowed_mentions: parse users and users are mutually exclusive")
    ids: list[str] = []
    for row in data.get("components") or []:
        for item in [row.get("component") or {}, *(row.get("components") or [])]:
            if "custom_id" in item:
                ids.append(item["custom_id"])
                if len(item["custom_id"]) > 100:
                    errors.append("custom_id: at most 100 characters")
            if item.get("type") == 2 and len(item.get("label") or "") > 80:
                errors.append("button label: at most 80 characters")
            if item.get("type") == 4:
                limit = item.get("max_length", 4000)
                if limit > 4000 or len(item.get("value") or "") > limit:
                    errors.append("text input: value longer than max_length")
                if len(item.get("placeholder") or "") > 100:
                    errors.append("text input: placeholder at most 100 characters")
        if row.get("type") == 18 and len(row.get("label") or "") > 45:
            errors.append("label: at most 45 characters")
    if len(ids) != len(set(ids)):
        errors.append("components: custom ids must be unique")
    if body.get("type") == 9:
        if len(data.get("title") or "") > 45:
            errors.append("modal title: at most 45 characters")
        if len(data.get("components") or []) > 5:
            errors.append("modal: at most 5 components")
    return errors
