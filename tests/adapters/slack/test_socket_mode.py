"""Socket Mode: the same listeners over Slack's websocket, no public URL or signing secret."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.slack.runtime import SlackAdapter
from bot.config import Settings
from bot.store.engine import make_engine
from tests.adapters.slack.conftest import start_slack
from tests.adapters.slack.double import FakeUser, SlackApiDouble
from tests.fakes import FakeClock


@pytest.fixture
async def socket_runtime(
    slack_double: SlackApiDouble, sqlite_template: object, tmp_path: object, clock: FakeClock
) -> AsyncIterator[SlackAdapter]:
    import shutil
    from pathlib import Path

    path = Path(str(tmp_path)) / "socket.db"
    shutil.copy(str(sqlite_template), path)
    url = f"sqlite+aiosqlite:///{path}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url=slack_double.base_url,
    )
    assert settings.slack_socket and not settings.slack_http
    engine = make_engine(url)
    runtime = await start_slack(settings, engine, clock)
    try:
        yield runtime
    finally:
        await runtime.stop()
        await engine.dispose()


async def test_a_slash_command_over_the_socket_is_answered_privately(
    socket_runtime: SlackAdapter, slack_double: SlackApiDouble
) -> None:
    slack_double.users["UANA"] = FakeUser("ana", "Ana", "Europe/Lisbon")
    ack = await slack_double.send_envelope(
        "slash_commands",
        {
            "command": "/profile",
            "text": 'skills="kubernetes:expert"',
            "team_id": "T1",
            "user_id": "UANA",
            "user_name": "ana",
            "channel_id": "C1",
            "response_url": slack_double.response_url("socket"),
            "trigger_id": "1.2.3",
        },
    )
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "kubernetes (expert)" in ack["payload"]["text"] + str(ack["payload"]["blocks"])
    # The connection went through apps.connections.open with the app-level token.
    assert slack_double.calls_to("apps.connections.open")[0].token == "xapp-test"


async def test_events_arrive_over_the_socket_too(
    socket_runtime: SlackAdapter, slack_double: SlackApiDouble
) -> None:
    event = {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "Ev1",
        "event": {
            "type": "team_join",
            "user": {"id": "UNEW", "name": "newbie", "profile": {"display_name": "Newbie"}},
        },
    }
    await slack_double.send_envelope("events_api", event)
    posted = slack_double.calls_to("chat.postMessage")
    assert len(posted) == 1 and "Welcome" in str(posted[0].params)
    # Slack redelivers over the socket too; the welcome is still sent once.
    await slack_double.send_envelope("events_api", event, retry_attempt=1, retry_reason="timeout")
    assert len(slack_double.calls_to("chat.postMessage")) == 1
