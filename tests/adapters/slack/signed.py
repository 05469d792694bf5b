"""Signed requests to a bot's Slack endpoint, shaped like the ones Slack sends.

Every body is signed with ``SignatureVerifier(secret).generate_signature`` over the exact
string that goes on the wire (``X-Slack-Request-Timestamp`` / ``X-Slack-Signature``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Where respond() goes when a test gives no response_url: a closed loopback port, so a
# forgotten response_url fails fast instead of reaching the internet.
NOWHERE = "http://127.0.0.1:9/no-response-url-given"


@dataclass
class Response:
    status: int
    headers: CIMultiDictProxy[str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class SlackSender:
    """Posts signed slash commands, block actions, view submissions and events to ``url``."""

    def __init__(
        self,
        signing_secret: str,
        url: str,
        *,
        app_id: str = "A1",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        default_response_url: str | None = None,
        verification_token: str = "legacy-verification-token",
    ) -> None:
        self.url = url
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.default_response_url = default_response_url or NOWHERE
        self.verification_token = verification_token
        self._verifier = SignatureVerifier(signing_secret)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- building blocks ---------------------------------------------------------------------

    def sign(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._verifier.generate_signature(timestamp=ts, body=body)
        if signature is None:  # only when the secret is empty
            raise ValueError("SlackSender needs a non-empty signing secret")
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}

    async def raw(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """POST ``body`` as is, signed unless ``signature`` is given (e.g. ``"v0=bad"``)."""
        sent = {"Content-Type": content_type, **self.sign(body, timestamp)}
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        if self._session is None:
            # trust_env=False: proxies in the environment never apply to the loopback bot
            self._session = aiohttp.ClientSession(trust_env=False)
        async with self._session.post(self.url, data=body.encode(), headers=sent) as resp:
            text = await resp.text()
            return Response(resp.status, CIMultiDictProxy(CIMultiDict(resp.headers)), text)

    async def interactive(self, payload: dict[str, Any]) -> Response:
        """Any interactivity payload (shortcut, view_closed, ...) as Slack posts it."""
        return await self.raw(urlencode({"payload": json.dumps(payload)}), FORM)

    def _user(self, user: str, team: str) -> dict[str, Any]:
        return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}

    @staticmethod
    def _team(team: str) -> dict[str, Any]:
        return {"id": team, "domain": f"team-{team.lower()}"}

    @staticmethod
    def _channel_name(channel: str) -> str:
        if channel.startswith("D"):
            return "directmessage"
        if channel.startswith("G"):
            return "privategroup"
        return f"channel-{channel.lower()}"

    # -- what Slack sends --------------------------------------------------------------------

    async def command(
        self,
        command: str,
        text: str,
        *,
        user: str,
        team: str = "T1",
        user_name: str | None = None,
        channel: str = "C1",
        response_url: str | None = None,
        trigger_id: str = "111.222.333",
    ) -> Response:
        """A slash command, form-encoded with the fields Slack sends."""
        fields = {
            "token": self.verification_token,
            "team_id": team,
            "team_domain": f"team-{team.lower()}",
            "channel_id": channel,
            "channel_name": self._channel_name(channel),
            "user_id": user,
            "user_name": user_name if user_name is not None else user.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.default_response_url,
            "trigger_id": trigger_id,
        }
        return await self.raw(urlencode(fields), FORM)

    async def action(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        team: str = "T1",
        channel: str = "D1",
        response_url: str | None = None,
        trigger_id: str = "111.222.333",
        block_id: str = "b1",
        message_ts: str = "1700000000.000001",
        message: dict[str, Any] | None = None,
    ) -> Response:
        """A button click (``block_actions``) on a message the bot posted in ``channel``."""
        now = f"{time.time():.6f}"
        shown = message or {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "text": "",
            "ts": message_ts,
            "blocks": [],
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user, team),
            "api_app_id": self.app_id,
            "token": self.verification_token,
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": trigger_id,
            "team": self._team(team),
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": self._channel_name(channel)},
            "message": shown,
            "state": {"values": {}},
            "response_url": response_url or self.default_response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "text": {"type": "plain_text", "text": action_id, "emoji": True},
                    "value": value,
                    "type": "button",
                    "action_ts": now,
                }
            ],
        }
        return await self.interactive(payload)

    async def view_submission(
        self,
        callback_id: str,
        private_metadata: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        user: str,
        team: str = "T1",
        view_id: str = "V000001",
        trigger_id: str = "111.222.333",
    ) -> Response:
        """A modal submit; ``values`` is ``{block_id: {action_id: {"type": ..., "value": ...}}}``."""
        payload: dict[str, Any] = {
            "type": "view_submission",
            "team": self._team(team),
            "user": self._user(user, team),
            "api_app_id": self.app_id,
            "token": self.verification_token,
            "trigger_id": trigger_id,
            "view": {
                "id": view_id,
                "team_id": team,
                "type": "modal",
                "blocks": [],
                "private_metadata": private_metadata,
                "callback_id": callback_id,
                "state": {"values": values},
                "hash": "1700000000.hash",
                "title": {"type": "plain_text", "text": "Modal"},
                "close": None,
                "submit": {"type": "plain_text", "text": "Submit"},
                "previous_view_id": None,
                "root_view_id": view_id,
                "app_id": self.app_id,
                "external_id": "",
                "app_installed_team_id": team,
                "bot_id": self.bot_id,
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self.interactive(payload)

    async def event(
        self,
        event: dict[str, Any],
        *,
        team: str = "T1",
        event_id: str,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> Response:
        """An Events API ``event_callback``; ``retry_num`` adds Slack's retry headers."""
        now = int(time.time())
        body = {
            "token": self.verification_token,
            "team_id": team,
            "api_app_id": self.app_id,
            "event": {"event_ts": f"{now}.000100", **event},
            "type": "event_callback",
            "event_id": event_id,
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{event_id}",
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.raw(json.dumps(body), JSON, headers=headers)

    async def url_verification(self, challenge: str) -> Response:
        body = {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return await self.raw(json.dumps(body), JSON)
