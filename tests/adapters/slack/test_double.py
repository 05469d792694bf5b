"""The Slack Web API double, checked with slack_sdk's real AsyncWebClient, and the signed
sender, checked against a real slack-bolt AsyncApp served by aiohttp."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.adapters.slack.double import FakeUser, SlackApiDouble
from tests.adapters.slack.signed import SlackSender

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"


def client_for(double: SlackApiDouble) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=double.base_url)


async def test_post_message_is_recorded_with_params_and_token(
    slack_double: SlackApiDouble,
) -> None:
    client = client_for(slack_double)
    first = await client.chat_postMessage(channel="C1", text="hello", blocks=[{"type": "divider"}])
    second = await client.chat_postMessage(channel="U7", text="dm")

    assert first.headers["Content-Type"] == "application/json"
    assert first["channel"] == "C1"
    assert first["message"]["text"] == "hello"
    assert second["channel"] == "DU7"
    assert float(second["ts"]) > float(first["ts"])
    [call, _] = slack_double.calls_to("chat.postMessage")
    assert call.token == TOKEN
    assert call.params == {"channel": "C1", "text": "hello", "blocks": [{"type": "divider"}]}
    slack_double.clear()
    assert slack_double.calls == []


async def test_auth_test_and_unknown_methods(slack_double: SlackApiDouble) -> None:
    client = client_for(slack_double)
    auth = await client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T1", "UBOT", "BBOT")
    assert "chat:write" in auth.headers["x-oauth-scopes"]
    assert (await client.api_call("reactions.add", json={"name": "wave"}))["ok"] is True
    assert slack_double.calls_to("reactions.add")[0].params == {"name": "wave"}


async def test_conversations_open_gives_d_or_g_ids(slack_double: SlackApiDouble) -> None:
    client = client_for(slack_double)
    dm = await client.conversations_open(users="U2")
    group = await client.conversations_open(users=["U3", "U1", "U2"])
    assert dm["channel"]["id"] == "DU2"
    assert group["channel"]["id"] == "GU1-U2-U3"
    assert slack_double.calls_to("conversations.open")[1].params["users"] == "U3,U1,U2"


async def test_users_info_known_and_unknown(slack_double: SlackApiDouble) -> None:
    slack_double.users["U1"] = FakeUser("ada", "Ada Lovelace", "Europe/London", is_admin=True)
    client = client_for(slack_double)

    user = (await client.users_info(user="U1"))["user"]
    assert (user["name"], user["real_name"], user["tz"], user["is_admin"]) == (
        "ada",
        "Ada Lovelace",
        "Europe/London",
        True,
    )
    assert user["profile"]["real_name"] == "Ada Lovelace"
    assert slack_double.calls_to("users.info")[0].http_method == "GET"

    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"


async def test_views_answer_with_a_view_id(slack_double: SlackApiDouble) -> None:
    client = client_for(slack_double)
    view = {"type": "modal", "callback_id": "m1", "title": {"type": "plain_text", "text": "x"}}
    opened = (await client.views_open(trigger_id="1.2.3", view=view))["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "m1"
    updated = (await client.views_update(view_id=opened["id"], view=view))["view"]
    assert updated["id"] == opened["id"]


async def test_fail_injects_errors_for_the_next_calls(slack_double: SlackApiDouble) -> None:
    slack_double.fail("chat.postMessage", "channel_not_found", times=2)
    slack_double.fail("chat.update", "internal_error", status=500)
    client = client_for(slack_double)
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C9", text="x")
        assert err.value.response["error"] == "channel_not_found"
        assert err.value.response.status_code == 200
    assert (await client.chat_postMessage(channel="C9", text="x"))["ok"] is True
    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C9", ts="1.2", text="y")
    assert err.value.response.status_code == 500
    assert len(slack_double.calls_to("chat.postMessage")) == 3


async def test_rate_limit_without_and_with_retry_handler(slack_double: SlackApiDouble) -> None:
    client = client_for(slack_double)
    slack_double.rate_limit("chat.postMessage", retry_after=0)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response["error"] == "ratelimited"
    assert err.value.response.headers["Retry-After"] == "0"

    slack_double.clear()
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    slack_double.rate_limit("chat.postMessage", retry_after=0)
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"] is True
    assert len(slack_double.calls_to("chat.postMessage")) == 2


async def test_response_url_sink(slack_double: SlackApiDouble) -> None:
    url = slack_double.response_url("cmd")
    assert slack_double.responses["cmd"] == []
    resp = await AsyncWebhookClient(url).send(text="later", response_type="ephemeral")
    assert (resp.status_code, resp.body) == (200, "ok")
    assert slack_double.responses["cmd"] == [{"text": "later", "response_type": "ephemeral"}]
    assert slack_double.calls == []


# slack_sdk 3.48 still passes aiohttp.BasicAuth, which aiohttp 3.14 deprecates
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_access_installs_the_configured_team(slack_double: SlackApiDouble) -> None:
    slack_double.oauth_team_id, slack_double.oauth_team_name = "T2", "Team Two"
    client = AsyncWebClient(base_url=slack_double.base_url)
    install = await client.oauth_v2_access(client_id="111.222", client_secret="s3", code="C0DE")
    assert install["access_token"] == "xoxb-T2"
    assert install["team"] == {"id": "T2", "name": "Team Two"}
    assert install["authed_user"] == {"id": "UINSTALLER"}
    call = slack_double.calls_to("oauth.v2.access")[0]
    assert call.params == {"code": "C0DE", "client_id": "111.222", "client_secret": "s3"}
    assert call.token is None
    # the installed token is recognised by auth.test, as bolt checks after installing
    assert (await client.auth_test(token="xoxb-T2"))["team_id"] == "T2"


# -- a real AsyncApp over HTTP -----------------------------------------------------------


async def serve(app: AsyncApp) -> tuple[web.AppRunner, str]:
    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", slack_events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"


@pytest.fixture
async def bolt(slack_double: SlackApiDouble) -> AsyncIterator[tuple[SlackSender, list[Any]]]:
    app = AsyncApp(
        client=client_for(slack_double), signing_secret=SECRET, process_before_response=True
    )
    seen: list[Any] = []

    @app.command("/echo")
    async def echo(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack(f"echo: {command['text']}")
        await respond("later")

    @app.action("pick")
    async def pick(ack: AsyncAck, body: dict[str, Any], say: AsyncSay) -> None:
        await ack()
        seen.append(("action", body["actions"][0]["value"], body["container"]["channel_id"]))
        await say("picked")

    @app.view("m1")
    async def submitted(ack: AsyncAck, view: dict[str, Any]) -> None:
        seen.append(("view", view["private_metadata"], view["state"]["values"]))
        await ack(response_action="errors", errors={"b": "nope"})

    @app.event("app_mention")
    async def mention(event: dict[str, Any], request: Any) -> None:
        seen.append(("event", event["text"], request.headers.get("x-slack-retry-num")))

    runner, url = await serve(app)
    sender = SlackSender(SECRET, url, default_response_url=slack_double.response_url("default"))
    try:
        yield sender, seen
    finally:
        await sender.close()
        await runner.cleanup()


async def test_signed_requests_reach_bolt_listeners(
    bolt: tuple[SlackSender, list[Any]], slack_double: SlackApiDouble
) -> None:
    sender, seen = bolt

    resp = await sender.command("/echo", "hi there", user="U1")
    assert (resp.status, resp.text) == (200, "echo: hi there")
    assert slack_double.responses["default"] == [{"text": "later"}]
    assert slack_double.calls_to("auth.test")[0].params == {"team_id": "T1"}

    resp = await sender.action("pick", "42", user="U1", channel="D7")
    assert resp.status == 200
    assert slack_double.calls_to("chat.postMessage")[0].params["channel"] == "D7"

    values = {"b": {"a": {"type": "plain_text_input", "value": "v"}}}
    resp = await sender.view_submission("m1", "meta", values, user="U1")
    assert resp.json() == {"response_action": "errors", "errors": {"b": "nope"}}

    mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "channel": "C1"}
    assert (await sender.event(mention, event_id="Ev1")).status == 200
    assert (await sender.event(mention, event_id="Ev1", retry_num=1)).status == 200

    assert seen == [
        ("action", "42", "D7"),
        ("view", "meta", values),
        ("event", "<@UBOT> hi", None),
        ("event", "<@UBOT> hi", ["1"]),
    ]
    assert (await sender.url_verification("abc")).json() == {"challenge": "abc"}


async def test_bad_signature_and_stale_timestamp_get_401(
    bolt: tuple[SlackSender, list[Any]],
) -> None:
    sender, seen = bolt
    body = "command=%2Fecho&text=x&team_id=T1&user_id=U1"
    form = "application/x-www-form-urlencoded"

    bad = await sender.raw(body, form, signature="v0=" + "0" * 64)
    stale = await sender.raw(body, form, timestamp=int(time.time()) - 301)
    assert (bad.status, bad.json()) == (401, {"error": "invalid request"})
    assert (stale.status, stale.json()) == (401, {"error": "invalid request"})
    assert seen == []


async def test_socket_mode_envelopes(slack_double: SlackApiDouble) -> None:
    app = AsyncApp(client=client_for(slack_double))

    @app.command("/echo")
    async def echo(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(f"socket: {command['text']}")

    handler = AsyncSocketModeHandler(app, app_token="xapp-1-test")
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        ack = await slack_double.send_envelope(
            "slash_commands",
            {
                "command": "/echo",
                "text": "hi",
                "team_id": "T1",
                "user_id": "U1",
                "channel_id": "C1",
            },
        )
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
    assert ack["payload"] == {"text": "socket: hi"}
    assert slack_double.calls_to("apps.connections.open")[0].token == "xapp-1-test"


async def test_sender_ignores_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiohttp's own client never reads proxies unless trust_env=True; check that stays so
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    async with SlackApiDouble() as double, SlackSender(SECRET, double.response_url("x")) as s:
        assert (await s.raw('{"a": 1}', "application/json")).text == "ok"
        assert double.responses["x"] == [{"a": 1}]


async def test_query_form_and_json_params_are_merged(slack_double: SlackApiDouble) -> None:
    client = client_for(slack_double)
    await client.api_call("x.form", params={"a": "1"}, data={"b": "2"})
    await client.api_call("x.json", params={"a": "1"}, json={"b": [2]})
    assert slack_double.calls_to("x.form")[0].params == {"a": "1", "b": "2"}
    assert slack_double.calls_to("x.json")[0].params == {"a": "1", "b": [2]}
    assert slack_double.calls_to("x.json")[0].content_type == "application/json"


async def test_waiting_for_work_done_after_ack(slack_double: SlackApiDouble) -> None:
    # default process_before_response=False: the listener keeps running after the reply
    app = AsyncApp(client=client_for(slack_double), signing_secret=SECRET)
    go_on = asyncio.Event()

    @app.command("/slow")
    async def slow(ack: AsyncAck, respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        await go_on.wait()
        await client.chat_postMessage(channel="C1", text="done")
        await respond("done")

    runner, url = await serve(app)
    try:
        async with SlackSender(SECRET, url) as sender:
            url_for_reply = slack_double.response_url("slow")
            resp = await sender.command("/slow", "", user="U1", response_url=url_for_reply)
            assert (resp.status, resp.text) == (200, "")
            assert slack_double.calls_to("chat.postMessage") == []
            go_on.set()
            [call] = await slack_double.wait_for_calls("chat.postMessage")
            assert call.params["text"] == "done"
            assert await slack_double.wait_for_responses("slow") == [{"text": "done"}]
    finally:
        await runner.cleanup()
