"""Multi-workspace: OAuth installation through /slack/install and /slack/oauth_redirect,
installations in Networker's database, data kept apart, uninstall and revocation."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from sqlalchemy import text

from adapters.slack.runtime import SlackAdapter
from bot.config import Settings
from bot.services.app import NOT_SET_UP, Networker
from tests.adapters.slack.conftest import SECRET, start_slack
from tests.adapters.slack.double import FakeUser, SlackApiDouble
from tests.adapters.slack.helpers import button, dm, ephemeral, shown
from tests.adapters.slack.signed import SlackSender
from tests.database import fresh_engine
from tests.fakes import FakeClock

# slack_sdk 3.48 still passes aiohttp.BasicAuth to oauth.v2.access; aiohttp 3.14 deprecates it
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

SLACK_TABLES = ("slack_bots", "slack_installations", "slack_oauth_states")
STATE_COOKIE = "slack-app-oauth-state"


def authorize_link(page: str) -> str:
    """The "Add to Slack" link of bolt's install page."""
    found = re.search(r'href="(https://slack\.com/oauth[^"]+)"', page)
    assert found, page
    return unescape(found.group(1))


@dataclass
class MultiWorld:
    double: SlackApiDouble
    core: Networker
    runtime: SlackAdapter
    sender: SlackSender
    http: aiohttp.ClientSession
    base: str

    async def install(self, team: str, name: str) -> str:
        """An admin of `team` installs the app; returns the success page."""
        self.double.oauth_team_id, self.double.oauth_team_name = team, name
        async with self.http.get(f"{self.base}/slack/install") as page:
            assert page.status == 200
            cookie = page.cookies[STATE_COOKIE].value
            link = authorize_link(await page.text())
        state = parse_qs(urlparse(link).query)["state"][0]
        return await self.redirect(f"code=code-{team}&state={state}", cookie)

    async def redirect(self, query: str, cookie: str) -> str:
        # aiohttp's cookie jar ignores 127.0.0.1: the cookie goes back by hand, as a browser would.
        async with self.http.get(
            f"{self.base}/slack/oauth_redirect?{query}",
            headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
        ) as done:
            return f"{done.status} {await done.text()}"

    async def bots(self) -> set[tuple[str, str]]:
        async with self.core.units.sessions() as session:
            rows = await session.execute(text("SELECT team_id, bot_token FROM slack_bots"))
            return {(row[0], row[1]) for row in rows}

    def user(self, user_id: str, name: str, tz: str = "Europe/Berlin") -> str:
        self.double.users[user_id] = FakeUser(name, name.capitalize(), tz)
        return user_id


@pytest.fixture
async def multi(
    slack_double: SlackApiDouble, db_url: str, clock: FakeClock, config: Settings
) -> AsyncIterator[MultiWorld]:
    settings = config.model_copy(
        update={
            "slack_client_id": "1111.2222",
            "slack_client_secret": "client-secret",
            "slack_signing_secret": SECRET,
            "slack_api_url": slack_double.base_url,
            "database_url": db_url,
        }
    )
    assert settings.slack_oauth and not settings.slack_bot_token
    engine = await fresh_engine(db_url, also=SLACK_TABLES)
    runtime = await start_slack(settings, engine, clock)
    base = f"http://127.0.0.1:{runtime.port}"
    sender = SlackSender(
        SECRET, f"{base}/slack/events", default_response_url=slack_double.response_url("default")
    )
    http = aiohttp.ClientSession(trust_env=False)
    try:
        yield MultiWorld(slack_double, runtime.core, runtime, sender, http, base)
    finally:
        await http.close()
        await sender.close()
        await runtime.stop()
        await engine.dispose()


async def test_installing_two_workspaces_keeps_both_in_the_database(multi: MultiWorld) -> None:
    async with multi.http.get(f"{multi.base}/slack/install") as page:
        link = authorize_link(await page.text())
    asked = parse_qs(urlparse(link).query)
    assert link.startswith("https://slack.com/oauth/v2/authorize?")
    assert asked["client_id"] == ["1111.2222"]
    assert set(asked["scope"][0].split(",")) == {
        "commands",
        "chat:write",
        "im:write",
        "mpim:write",
        "users:read",
        "channels:read",
        "im:history",  # a member list shared in a DM to the bot
        "files:read",
    }

    assert "Thank you!" in await multi.install("T1", "Makers Guild")
    assert "Thank you!" in await multi.install("T2", "Design Circle")

    assert await multi.bots() == {("T1", "xoxb-T1"), ("T2", "xoxb-T2")}
    exchanges = multi.double.calls_to("oauth.v2.access")
    assert [c.params["code"] for c in exchanges] == ["code-T1", "code-T2"]
    assert all(c.params["client_secret"] == "client-secret" for c in exchanges)
    for team in ("T1", "T2"):
        dana = multi.user("UDANA", "dana")
        answer = shown(
            ephemeral(await multi.sender.command("/networker", "help", user=dana, team=team))[
                "blocks"
            ]
        )
        assert answer.startswith("Networker helps members")


async def test_each_workspace_only_sees_its_own_members(multi: MultiWorld) -> None:
    await multi.install("T1", "Makers Guild")
    await multi.install("T2", "Design Circle")
    ana, bob, dana = multi.user("UANA", "ana"), multi.user("UBOB", "bob"), multi.user("UDANA", "d")
    # The same user id in both (an Enterprise Grid member), with a profile only in T1.
    await multi.sender.command("/profile", 'skills="kubernetes:expert"', user=ana, team="T1")
    await multi.sender.command("/profile", 'skills="figma:expert"', user=bob, team="T2")
    multi.double.clear()

    in_t1 = shown(ephemeral(await multi.sender.command("/whoknows", "k8s", user=dana))["blocks"])
    in_t2 = shown(
        ephemeral(await multi.sender.command("/whoknows", "k8s", user=dana, team="T2"))["blocks"]
    )
    figma_in_t1 = shown(
        ephemeral(await multi.sender.command("/whoknows", "figma", user=dana))["blocks"]
    )

    assert "<@UANA>" in in_t1
    assert "Nobody who can help" in in_t2
    assert "Nobody who can help" in figma_in_t1
    profile_in_t2 = shown(
        ephemeral(await multi.sender.command("/profile", "<@UANA|ana>", user=dana, team="T2"))[
            "blocks"
        ]
    )
    assert "*Skills*\nnone yet" in profile_in_t2
    # Every call for T2 uses T2's token, and the other way round.
    assert {c.token for c in multi.double.calls if c.params.get("team_id") == "T2"} == {"xoxb-T2"}
    assert {c.token for c in multi.double.calls if c.params.get("team_id") == "T1"} == {"xoxb-T1"}


async def test_dms_go_out_with_the_right_workspaces_token(multi: MultiWorld) -> None:
    await multi.install("T1", "Makers Guild")
    await multi.install("T2", "Design Circle")
    ana, dana = multi.user("UANA", "ana"), multi.user("UDANA", "dana")
    multi.double.clear()

    await multi.sender.command(
        "/ask", "<@UANA|ana> could you review my pitch deck", user=dana, team="T2"
    )

    [post] = multi.double.calls_to("chat.postMessage")
    assert (post.params["channel"], post.token) == (dm(ana), "xoxb-T2")
    consent = post.params
    # Ana's answer in T1 (another workspace) cannot touch T2's request.
    accept = button(consent["blocks"], "Accept")
    url = multi.double.response_url("wrong-team")
    await multi.sender.action(
        accept["action_id"], accept["value"], user=ana, team="T1", response_url=url
    )
    assert multi.double.responses["wrong-team"][0]["text"] == "That request no longer exists."
    url = multi.double.response_url("right-team")
    await multi.sender.action(
        accept["action_id"], accept["value"], user=ana, team="T2", response_url=url
    )
    assert multi.double.responses["right-team"][0]["text"].startswith("Wonderful")
    group = multi.double.calls_to("chat.postMessage")[-1]
    assert (group.params["channel"], group.token) == ("GUANA-UDANA", "xoxb-T2")


async def test_uninstall_removes_the_bot_and_the_workspace_is_no_longer_served(
    multi: MultiWorld,
) -> None:
    await multi.install("T1", "Makers Guild")
    await multi.install("T2", "Design Circle")
    dana = multi.user("UDANA", "dana")
    await multi.sender.command(
        "/ask", "<@UDANA|d> could you review my pitch deck", user="UANA", team="T2"
    )
    assert "T2" in multi.runtime.clients

    response = await multi.sender.event({"type": "app_uninstalled"}, team="T2", event_id="EvUn")

    assert response.status == 200
    assert await multi.bots() == {("T1", "xoxb-T1")}
    assert "T2" not in multi.runtime.clients  # no stale token kept around
    after = multi.double.response_url("after")
    multi.double.clear()
    answer = await multi.sender.command(
        "/whoknows", "k8s", user=dana, team="T2", response_url=after
    )
    assert answer.status == 200
    assert multi.double.responses["after"] == [{"text": NOT_SET_UP.text}]
    assert NOT_SET_UP.text.startswith("Networker isn't set up for this community yet.")
    assert [c.method for c in multi.double.calls] == []  # no T2 token to call anything with
    # The other workspace carries on.
    still = ephemeral(await multi.sender.command("/networker", "help", user=dana, team="T1"))
    assert still["text"].startswith("Networker helps members")


async def test_a_reinstalled_workspace_is_served_again_with_its_data(multi: MultiWorld) -> None:
    await multi.install("T2", "Design Circle")
    bob, dana = multi.user("UBOB", "bob"), multi.user("UDANA", "dana")
    await multi.sender.command("/profile", 'skills="figma:expert"', user=bob, team="T2")
    await multi.sender.event({"type": "app_uninstalled"}, team="T2", event_id="EvUn2")

    await multi.install("T2", "Design Circle")

    found = ephemeral(await multi.sender.command("/whoknows", "figma", user=dana, team="T2"))
    assert "<@UBOB>" in shown(found["blocks"])


async def test_a_revoked_bot_token_stops_serving_the_workspace(multi: MultiWorld) -> None:
    await multi.install("T1", "Makers Guild")
    await multi.install("T2", "Design Circle")
    dana = multi.user("UDANA", "dana")

    response = await multi.sender.event(
        {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, team="T1", event_id="EvRevoke"
    )

    assert response.status == 200
    assert await multi.bots() == {("T2", "xoxb-T2")}
    after = multi.double.response_url("revoked")
    await multi.sender.command("/networker", "me", user=dana, team="T1", response_url=after)
    assert multi.double.responses["revoked"] == [{"text": NOT_SET_UP.text}]


async def test_an_install_with_a_forged_state_stores_nothing(multi: MultiWorld) -> None:
    async with multi.http.get(f"{multi.base}/slack/install") as page:
        cookie = page.cookies[STATE_COOKIE].value

    result = await multi.redirect("code=stolen&state=not-the-issued-one", cookie)

    assert not result.startswith("200")
    assert await multi.bots() == set()
    assert multi.double.calls_to("oauth.v2.access") == []


async def test_a_workspace_that_never_installed_is_not_set_up(multi: MultiWorld) -> None:
    await multi.install("T1", "Makers Guild")
    dana = multi.user("UDANA", "dana")
    url = multi.double.response_url("t9")
    await multi.sender.command("/whoknows", "k8s", user=dana, team="T9", response_url=url)
    assert multi.double.responses["t9"] == [{"text": NOT_SET_UP.text}]
