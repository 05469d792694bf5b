"""The HTTP side: /healthz, /metrics, Slack's URL check, and acking before delivering."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.config import Settings
from bot.messages import DirectMessage
from bot.ports import Receipt
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.adapters.slack.conftest import SlackWorld, slack_world
from tests.adapters.slack.double import SlackApiDouble
from tests.adapters.slack.helpers import button, dm, ephemeral, posts, press, set_profile, submit
from tests.adapters.slack.signed import FORM
from tests.fakes import FakeClock


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(trust_env=False) as session:
        yield session


def base(slack: SlackWorld) -> str:
    return f"http://127.0.0.1:{slack.runtime.port}"


async def test_healthz_is_200_while_the_database_answers(
    slack: SlackWorld, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{base(slack)}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_healthz_is_503_when_the_database_is_gone(
    slack: SlackWorld, http: aiohttp.ClientSession, tmp_path: object
) -> None:
    broken = make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/networker.db")
    slack.core.units = SqlUnitOfWorkFactory(broken)
    try:
        async with http.get(f"{base(slack)}/healthz") as response:
            assert response.status == 503
            assert await response.json() == {"status": "database unreachable"}
    finally:
        await broken.dispose()


def metric(page: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", page, re.MULTILINE)
    assert found, f"{name} not in\n{page}"
    return float(found.group(1))


async def test_metrics_count_requests_by_kind_in_prometheus_format(
    slack: SlackWorld, http: aiohttp.ClientSession
) -> None:
    ana, dana = slack.user("UANA", "ana"), slack.user("UDANA", "dana")
    await set_profile(slack, ana, 'skills="kubernetes:expert"')  # command 1
    found = ephemeral(await slack.sender.command("/whoknows", "k8s", user=dana))  # command 2
    await press(slack, dana, button(found["blocks"], "Ask Ana"))  # action
    view = slack.double.calls_to("views.open")[-1].params["view"]
    await submit(slack, view, dana, request="Could you look at our cluster upgrade?")  # view
    await slack.sender.event(  # event
        {"type": "app_home_opened", "user": ana, "channel": dm(ana), "tab": "home"},
        event_id="EvMetrics",
    )
    await slack.sender.raw("payload=%7Bbroken", FORM)  # malformed

    async with http.get(f"{base(slack)}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        page = await response.text()

    assert metric(page, 'networker_requests_total{kind="command"}') == 2
    assert metric(page, 'networker_requests_total{kind="action"}') == 1
    assert metric(page, 'networker_requests_total{kind="view"}') == 1
    assert metric(page, 'networker_requests_total{kind="event"}') == 1
    assert metric(page, 'networker_requests_total{kind="malformed"}') == 1
    assert metric(page, "networker_request_seconds_count") == 6
    assert metric(page, 'networker_request_seconds_bucket{le="+Inf"}') == 6
    assert "networker_request_errors_total{" not in page  # no 5xx
    # The messenger sent one message: Ana's consent DM (Dana's confirmation is a reply).
    assert metric(page, "networker_messages_sent_total") == 1
    assert len(posts(slack, dm(ana))) == 1
    assert "# TYPE networker_requests_total counter" in page
    assert "# TYPE networker_request_seconds histogram" in page


async def test_slacks_url_verification_is_answered(slack: SlackWorld) -> None:
    response = await slack.sender.url_verification("challenge-123")
    assert response.status == 200
    assert "challenge-123" in response.text


async def test_as_deployed_the_answer_does_not_wait_for_the_dms(
    slack_double: SlackApiDouble,
    db_url: str,
    clock: FakeClock,
    config: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slack wants its answer within 3 s: DMs go out after it, in a task."""
    gate = asyncio.Event()
    async with slack_world(slack_double, clock, config, db_url, background=True) as world:
        send_dm = world.runtime.messenger.send_dm

        async def slow_dm(community: str, message: DirectMessage) -> Receipt:
            await gate.wait()  # Slack is slow today
            return await send_dm(community, message)

        monkeypatch.setattr(world.runtime.messenger, "send_dm", slow_dm)
        try:
            world.user("UANA", "ana", "UTC")
            world.user("UDANA", "dana", "UTC")
            answer = await asyncio.wait_for(
                world.sender.command(
                    "/ask", "<@UANA|ana> could you review my conference talk slides", user="UDANA"
                ),
                timeout=3,
            )
            assert ephemeral(answer)["text"] == "Sent! I've asked <@UANA> privately."
            assert slack_double.calls_to("chat.postMessage") == []
            gate.set()
            [sent] = await slack_double.wait_for_calls("chat.postMessage")
            assert sent.params["channel"] == dm("UANA")
        finally:
            gate.set()  # the world's shutdown waits for work still running after an ack
