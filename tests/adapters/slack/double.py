"""A local test double of the Slack Web API, served over real HTTP by aiohttp.

Point slack_sdk at it with ``AsyncWebClient(token=..., base_url=double.base_url)``; a
slack-bolt ``AsyncApp`` built on that client (``AsyncApp(client=...)``) sends every Web API
call here, including the ``team_id`` that bolt adds to each call of its per-request clients.

What it does:

* ``POST``/``GET /api/<method>`` for every method. Query-string, form (urlencoded or
  multipart) and JSON parameters are merged (in that order) into ``Call.params``; the bot
  token comes from ``Authorization: Bearer ...`` or else a ``token`` parameter. Basic auth
  (``oauth.v2.access``) is decoded into ``client_id``/``client_secret`` params.
* Answers are HTTP 200, ``Content-Type: application/json``, ``{"ok": true, ...}``: see
  ``_answer`` for the methods that return more than ``{"ok": true}``.
* ``fail()`` / ``rate_limit()`` queue error answers per method (FIFO, both kinds share
  one queue), and the call is still recorded.
* ``stall()`` holds the next calls of a method unanswered until ``release()`` (or
  ``stop()``): Slack being slow.
* ``response_url(name)`` gives a URL on the double that records JSON POSTs in
  ``responses[name]`` and answers ``text/plain "ok"`` like ``hooks.slack.com``.
* ``/ws`` is a Socket Mode endpoint (``apps.connections.open`` returns it): it sends
  ``hello`` on connect, ``send_envelope()`` pushes an envelope and waits for the app's ack.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import itertools
import json
import time
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web
from aiohttp.web_request import FileField

from tests.adapters.support import LoopbackServer

Json = dict[str, Any]
T = TypeVar("T")


@dataclass
class Call:
    """One Web API call received by the double."""

    method: str
    params: dict[str, Any]
    token: str | None
    http_method: str = "POST"
    content_type: str = ""
    answer: Json | None = None  # what the double answered, when it answered ok


@dataclass
class FakeUser:
    """A user known to ``users.info`` / ``users.lookupByEmail`` / ``users.list``."""

    name: str
    real_name: str
    tz: str
    is_admin: bool = False
    is_bot: bool = False
    deleted: bool = False
    display_name: str = field(default="", kw_only=True)
    email: str | None = field(default=None, kw_only=True)
    is_owner: bool = field(default=False, kw_only=True)


@dataclass
class _Injected:
    status: int
    body: Json
    headers: dict[str, str]


def _json_response(
    body: Json, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Like Slack: ``Content-Type: application/json`` exactly (no charset parameter)."""
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _tz_fields(tz: str) -> Json:
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return {"tz_label": tz, "tz_offset": 0}
    now = dt.datetime.now(zone)
    offset = now.utcoffset()
    return {
        "tz_label": now.tzname() or tz,
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }


def _maybe_json(value: Any) -> Any:
    """Form-encoded calls carry blocks/views as JSON strings; decode those."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class SlackApiDouble(LoopbackServer):
    """Fake ``https://slack.com/api/`` on 127.0.0.1 with an OS-chosen port."""

    def __init__(
        self,
        *,
        team_id: str = "T1",
        team_name: str = "Team One",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        app_id: str = "A1",
        scopes: str = "commands,chat:write,im:write,users:read,app_mentions:read",
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.scopes = scopes
        # oauth.v2.access installs this team (access_token "xoxb-<oauth_team_id>")
        self.oauth_team_id = team_id
        self.oauth_team_name = team_name
        self.oauth_user_id = "UINSTALLER"
        # bot token -> team id, answered by auth.test (oauth.v2.access adds entries)
        self.token_teams: dict[str, str] = {}

        self.users: dict[str, FakeUser] = {}
        # Files shared with the bot (file id → name, content): files.info and a private
        # download address that wants the bot token.
        self.files: dict[str, tuple[str, bytes]] = {}
        self.calls: list[Call] = []
        self.responses: dict[str, list[Json]] = {}
        self.socket_messages: list[Json] = []  # everything the app sent over /ws
        self.wait_timeout = 3.0  # seconds, for the wait_* / send_envelope helpers

        self._injected: dict[str, list[_Injected]] = {}
        self._stalls: dict[str, int] = {}
        self._released = asyncio.Event()
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[Json]] = {}
        self._socket_connected = asyncio.Event()

        self.app = web.Application()
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/response/{name}", self._response_url)
        self.app.router.add_get("/ws", self._ws)
        self.app.router.add_get("/download/{file}", self._download)

    # -- lifecycle -------------------------------------------------------------------------

    def application(self) -> web.Application:
        return self.app

    async def stop(self) -> None:
        self.release()
        for ws in list(self._sockets):
            await ws.close()
        await super().stop()

    @property
    def base_url(self) -> str:
        """For ``AsyncWebClient(base_url=...)``: ``http://127.0.0.1:<port>/api/``."""
        return f"{self.origin}/api/"

    @property
    def ws_url(self) -> str:
        return self.origin.replace("http://", "ws://", 1) + "/ws"

    # -- inspection --------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls, response_url posts and socket messages.

        Registered users, configuration and pending fail()/rate_limit() answers stay.
        """
        self.calls.clear()
        for posts in self.responses.values():
            posts.clear()
        self.socket_messages.clear()

    async def wait_for_calls(self, method: str, count: int = 1) -> list[Call]:
        """Poll until ``method`` has been called at least ``count`` times (for tests whose
        bot acks before doing its work, i.e. ``process_before_response=False``).
        Gives up after ``wait_timeout`` seconds; wrap in ``asyncio.timeout`` for less."""
        return await self._wait(lambda: self.calls_to(method), count, method)

    async def wait_for_responses(self, name: str, count: int = 1) -> list[Json]:
        """Poll until ``responses[name]`` has at least ``count`` posts."""
        return await self._wait(lambda: self.responses.get(name, []), count, name)

    async def _wait(self, get: Callable[[], list[T]], count: int, what: str) -> list[T]:
        deadline = time.monotonic() + self.wait_timeout
        while len(found := get()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} x {what}, got {len(found)}")
            await asyncio.sleep(0.01)
        return list(found)

    # -- error injection -------------------------------------------------------------------

    def fail(self, method: str, error: str, times: int = 1, status: int = 200) -> None:
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}``."""
        self._injected.setdefault(method, []).extend(
            _Injected(status, {"ok": False, "error": error}, {}) for _ in range(times)
        )

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer HTTP 429 with ``Retry-After``."""
        self._injected.setdefault(method, []).extend(
            _Injected(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(retry_after)},
            )
            for _ in range(times)
        )

    def stall(self, method: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get no answer until ``release()``."""
        self._stalls[method] = self._stalls.get(method, 0) + times
        self._released.clear()

    def release(self) -> None:
        """Answer the stalled calls (those still waiting; later ones are not held)."""
        self._stalls.clear()
        self._released.set()

    # -- response_url sink -----------------------------------------------------------------

    def response_url(self, name: str) -> str:
        """A response_url whose POSTs land in ``responses[name]``."""
        self.responses.setdefault(name, [])
        return f"{self.origin}/response/{name}"

    async def _response_url(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        raw = await request.text()
        body: Json
        try:
            parsed = json.loads(raw) if raw else {}
            body = parsed if isinstance(parsed, dict) else {"_raw": raw}
        except ValueError:
            body = {"_raw": raw}
        self.responses.setdefault(name, []).append(body)
        return web.Response(text="ok", content_type="text/plain")

    # -- Web API ---------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], str | None]:
        """Merge query, form and JSON parameters; return them with an error code if any."""
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw = await request.text()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    return params, "invalid_json"
                if not isinstance(body, dict):
                    return params, "invalid_json"
                params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    params[key] = value.file.read()
                else:
                    params[key] = value if isinstance(value, str) else bytes(value)
        return params, None

    @staticmethod
    def _token(request: web.Request, params: dict[str, Any]) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ").strip() or None
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                pass
            else:
                params.setdefault("client_id", user)
                params.setdefault("client_secret", password)
        token = params.get("token")
        return token if isinstance(token, str) else None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, error = await self._params(request)
        token = self._token(request, params)
        call = Call(method, params, token, request.method, request.content_type)
        self.calls.append(call)
        if self._stalls.get(method):
            self._stalls[method] -= 1
            await self._released.wait()
        queued = self._injected.get(method)
        if queued:
            injected = queued.pop(0)
            return _json_response(injected.body, injected.status, injected.headers)
        if error is not None:
            return _json_response({"ok": False, "error": error})
        headers: dict[str, str] = {}
        if method == "auth.test":
            headers["x-oauth-scopes"] = self.scopes
        call.answer = {"ok": True, **self._answer(method, params, token)}
        return _json_response(call.answer, headers=headers)

    async def _download(self, request: web.Request) -> web.Response:
        """A file's private address: only with a bot token, as Slack's."""
        self.calls.append(Call("download", dict(request.match_info), None, "GET"))
        found = self.files.get(request.match_info["file"])
        if not request.headers.get("Authorization", "").startswith("Bearer xoxb-"):
            return web.Response(status=302, headers={"Location": "/login"})
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[1], content_type="text/csv")

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _channel_id(self, channel: Any) -> Any:
        # posting to a user id opens (or reuses) the DM, as Slack does
        if isinstance(channel, str) and channel[:1] in ("U", "W"):
            return "D" + channel
        return channel

    def _user_json(self, user_id: str, user: FakeUser) -> Json:
        profile: Json = {
            "real_name": user.real_name,
            "display_name": user.display_name,
            "real_name_normalized": user.real_name,
            "display_name_normalized": user.display_name,
        }
        if user.email is not None:
            profile["email"] = user.email
        return {
            "id": user_id,
            "team_id": self.team_id,
            "name": user.name,
            "real_name": user.real_name,
            "deleted": user.deleted,
            "tz": user.tz,
            **_tz_fields(user.tz),
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "profile": profile,
        }

    def _view(self, params: dict[str, Any], view_id: str | None = None) -> Json:
        sent = _maybe_json(params.get("view"))
        view: Json = dict(sent) if isinstance(sent, dict) else {}
        view_id = view_id or f"V{next(self._view_ids):06d}"
        return {
            "team_id": self.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            "private_metadata": "",
            "callback_id": "",
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            **view,
            "id": view_id,
        }

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> Json:
        """The body (minus ``"ok": true``) of a successful answer."""
        match method:
            case "auth.test":
                team_id = self.token_teams.get(token or "", self.team_id)
                return {
                    "url": f"https://{team_id.lower()}.slack.com/",
                    "team": self.team_name,
                    "user": "bot",
                    "team_id": team_id,
                    "user_id": self.bot_user_id,
                    "bot_id": self.bot_id,
                    "is_enterprise_install": False,
                }
            case "conversations.open":
                if isinstance(params.get("channel"), str):
                    return {"channel": {"id": params["channel"]}}
                users = sorted(u for u in str(params.get("users", "")).split(",") if u)
                if len(users) > 1:
                    return {"channel": {"id": "G" + "-".join(users), "is_mpim": True}}
                return {"channel": {"id": "D" + "-".join(users), "is_im": True}}
            case "chat.postMessage":
                ts = self._next_ts()
                channel = self._channel_id(params.get("channel"))
                message: Json = {
                    "type": "message",
                    "text": params.get("text", ""),
                    "user": self.bot_user_id,
                    "bot_id": self.bot_id,
                    "team": self.team_id,
                    "ts": ts,
                }
                for key in ("blocks", "attachments", "thread_ts", "metadata"):
                    if key in params:
                        message[key] = _maybe_json(params[key])
                return {"channel": channel, "ts": ts, "message": message}
            case "chat.postEphemeral":
                return {"message_ts": self._next_ts()}
            case "chat.update":
                return {
                    "channel": params.get("channel"),
                    "ts": params.get("ts"),
                    "text": params.get("text", ""),
                    "message": {"text": params.get("text", ""), "user": self.bot_user_id},
                }
            case "chat.delete":
                return {"channel": params.get("channel"), "ts": params.get("ts")}
            case "chat.getPermalink":
                channel, ts = params.get("channel"), str(params.get("message_ts", ""))
                return {
                    "channel": channel,
                    "permalink": f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}",
                }
            case "views.open" | "views.push" | "views.publish":
                return {"view": self._view(params)}
            case "views.update":
                view_id = params.get("view_id")
                return {"view": self._view(params, view_id if isinstance(view_id, str) else None)}
            case "users.info":
                user_id = str(params.get("user", ""))
                known = self.users.get(user_id)
                if known is None:
                    return {"ok": False, "error": "user_not_found"}
                return {"user": self._user_json(user_id, known)}
            case "users.lookupByEmail":
                email = params.get("email")
                for user_id, user in self.users.items():
                    if user.email is not None and user.email == email:
                        return {"user": self._user_json(user_id, user)}
                return {"ok": False, "error": "users_not_found"}
            case "files.info":
                file_id = str(params.get("file", ""))
                if file_id not in self.files:
                    return {"ok": False, "error": "file_not_found"}
                name, content = self.files[file_id]
                return {
                    "file": {
                        "id": file_id,
                        "name": name,
                        "size": len(content),
                        "filetype": "csv",
                        "url_private_download": f"{self.origin}/download/{file_id}",
                    }
                }
            case "users.list":
                return {
                    "members": [self._user_json(uid, u) for uid, u in self.users.items()],
                    "response_metadata": {"next_cursor": ""},
                }
            case "team.info":
                return {
                    "team": {
                        "id": self.team_id,
                        "name": self.team_name,
                        "domain": self.team_id.lower(),
                    }
                }
            case "oauth.v2.access":
                team_id = self.oauth_team_id
                access_token = f"xoxb-{team_id}"
                self.token_teams[access_token] = team_id
                return {
                    "access_token": access_token,
                    "token_type": "bot",
                    "scope": self.scopes,
                    "bot_user_id": self.bot_user_id,
                    "app_id": self.app_id,
                    "team": {"id": team_id, "name": self.oauth_team_name},
                    "enterprise": None,
                    "is_enterprise_install": False,
                    "authed_user": {"id": self.oauth_user_id},
                }
            case "apps.connections.open":
                return {"url": self.ws_url}
            case _:
                return {}

    # -- Socket Mode -----------------------------------------------------------------------

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {"host": "double"},
                "connection_info": {"app_id": self.app_id},
            }
        )
        self._socket_connected.set()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                self.socket_messages.append(data)
                waiter = self._acks.pop(str(data.get("envelope_id")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(data)
        finally:
            self._sockets.remove(ws)
            if not self._sockets:
                self._socket_connected.clear()
        return ws

    async def wait_socket_connected(self) -> None:
        await asyncio.wait_for(self._socket_connected.wait(), self.wait_timeout)

    async def send_envelope(
        self,
        envelope_type: str,
        payload: Json,
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Json:
        """Push a Socket Mode envelope (``events_api``, ``slash_commands``, ``interactive``)
        to the newest connection and return the app's ack ``{"envelope_id", "payload"?}``."""
        await self.wait_socket_connected()
        envelope_id = envelope_id or uuid.uuid4().hex
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type != "events_api"
        envelope: Json = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
            "payload": payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        waiter: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        try:
            await self._sockets[-1].send_json(envelope)
            return await asyncio.wait_for(waiter, self.wait_timeout)
        finally:
            self._acks.pop(envelope_id, None)
