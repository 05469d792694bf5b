"""Who gets into the dashboard: a one-use link, a session for one community, 401 otherwise."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from itsdangerous import URLSafeSerializer

from adapters.web.pages import COOKIE, SECURITY_HEADERS
from adapters.web.server import build_app
from bot.services.app import Networker
from bot.services.commands import Dashboard
from bot.services.dashboard import DashboardAccess, Session
from tests.driver import Community
from tests.fakes import FakeClock
from tests.web.support import link_in, served

PAGES = ("overview", "trends", "topics", "network")
LINK_SALT = "networker-dashboard-link"
FILES = ("network.svg", "network.png", "csv/overview.csv", "csv/trends.csv")


async def organiser_link(community: Community) -> str:
    lena = community.member("lena", organiser=True)
    await lena.profile('skills="leadership:expert" tz=Europe/Vienna')
    reply = await lena.do(Dashboard())
    assert reply.ok, reply.text
    return link_in(reply)


async def test_an_organiser_gets_a_private_link_and_a_member_does_not(community: Community) -> None:
    link = await organiser_link(community)
    assert link.startswith("/dashboard/login?token=")
    ben = community.member("ben")
    await ben.profile('skills="python:expert"')
    refused = await ben.do(Dashboard())
    assert not refused.ok
    assert "organisers" in refused.text.lower()
    assert "/dashboard/login" not in refused.text


async def test_stats_keeps_its_text_and_adds_the_link(community: Community) -> None:
    lena = community.member("lena", organiser=True)
    await lena.profile('skills="leadership:expert"')
    reply = await lena.stats()
    assert "Community health" in reply.text
    assert "Members" in reply.text
    assert "/dashboard/login?token=" in reply.text


async def test_the_link_opens_a_session_once(app: Networker, community: Community) -> None:
    link = await organiser_link(community)
    async with served(app) as client:
        opened = await client.get(link, allow_redirects=False)
        assert opened.status == 303
        where = opened.headers["Location"]
        assert where.endswith("/overview")
        cookie = SimpleCookie(opened.headers["Set-Cookie"])[COOKIE]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Strict"
        assert cookie["path"] == where.removesuffix("overview")
        assert int(cookie["max-age"]) == 8 * 3600
        page = await client.get(where)
        assert page.status == 200
        assert "Test Association" in await page.text()
        # The same link again, even from the same browser: nothing.
        again = await client.get(link, allow_redirects=False)
        assert again.status == 401
        assert COOKIE not in again.cookies


async def test_a_second_browser_cannot_reuse_a_link(app: Networker, community: Community) -> None:
    link = await organiser_link(community)
    async with served(app) as first, served(app) as second:
        assert (await first.get(link, allow_redirects=False)).status == 303
        late = await second.get(link, allow_redirects=False)
        assert late.status == 401


async def test_a_link_expires_after_15_minutes(
    app: Networker, community: Community, clock: FakeClock
) -> None:
    link = await organiser_link(community)
    clock.advance(minutes=15, seconds=1)
    async with served(app) as client:
        assert (await client.get(link, allow_redirects=False)).status == 401


async def test_a_link_is_still_good_just_before_15_minutes(
    app: Networker, community: Community, clock: FakeClock
) -> None:
    link = await organiser_link(community)
    clock.advance(minutes=14, seconds=59)
    async with served(app) as client:
        assert (await client.get(link, allow_redirects=False)).status == 303


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature tampered
        lambda t: "x" + t,
        lambda _t: "",
        lambda _t: "not-a-token",
    ],
    ids=["tampered", "prefixed", "empty", "garbage"],
)
async def test_forged_links_get_401(app: Networker, community: Community, forge: object) -> None:
    link = await organiser_link(community)
    token = link.split("token=", 1)[1]
    async with served(app) as client:
        forged = await client.get(
            "/dashboard/login",
            params={"token": forge(token)},
            allow_redirects=False,  # type: ignore[operator]
        )
        assert forged.status == 401
        # The genuine link still works afterwards: a forgery does not use it up.
        assert (await client.get(link, allow_redirects=False)).status == 303


async def test_a_link_signed_with_another_secret_gets_401(
    app: Networker, community: Community
) -> None:
    """Someone who saw a link's nonce but has not the secret cannot sign it themselves."""
    link = await organiser_link(community)
    token = link.split("token=", 1)[1]
    _valid, nonce = URLSafeSerializer("any", salt=LINK_SALT).loads_unsafe(token)
    forged = URLSafeSerializer("another secret", salt=LINK_SALT).dumps(nonce)
    async with served(app) as client:
        refused = await client.get(
            "/dashboard/login", params={"token": forged}, allow_redirects=False
        )
        assert refused.status == 401
        assert (await client.get(link, allow_redirects=False)).status == 303


async def test_without_a_session_every_url_is_401_and_says_nothing(
    app: Networker, community: Community
) -> None:
    await organiser_link(community)
    async with served(app) as client:
        bodies = set()
        for community_id in (1, 2, 999):  # this one exists; the others do not
            for path in (*PAGES, *FILES, "", "nope", "csv/nope.csv"):
                response = await client.get(
                    f"/dashboard/{community_id}/{path}", allow_redirects=False
                )
                assert response.status == 401, path
                bodies.add(await response.text())
        for path in ("/dashboard", "/dashboard/", "/dashboard/abc/overview"):
            response = await client.get(path, allow_redirects=False)
            assert response.status == 401
            bodies.add(await response.text())
        assert len(bodies) == 1  # an existing community looks like one that is not


async def test_another_communitys_session_gets_401(app: Networker, community: Community) -> None:
    await app.register_community("test", "T2", "Other Association")
    link = await organiser_link(community)
    async with served(app) as client:
        opened = await client.get(link, allow_redirects=False)
        value = SimpleCookie(opened.headers["Set-Cookie"])[COOKIE].value
        mine = opened.headers["Location"].split("/")[2]
        other = "2" if mine == "1" else "1"
        for page in PAGES:
            response = await client.get(
                f"/dashboard/{other}/{page}", headers={"Cookie": f"{COOKIE}={value}"}
            )
            assert response.status == 401
        # ...and the session still opens its own community.
        own = await client.get(
            f"/dashboard/{mine}/overview", headers={"Cookie": f"{COOKIE}={value}"}
        )
        assert own.status == 200


async def test_a_session_ends_after_8_hours(
    app: Networker, community: Community, clock: FakeClock
) -> None:
    link = await organiser_link(community)
    async with served(app) as client:
        where = (await client.get(link, allow_redirects=False)).headers["Location"]
        clock.advance(hours=7, minutes=59)
        assert (await client.get(where)).status == 200
        clock.advance(minutes=1)
        assert (await client.get(where)).status == 401


async def test_a_session_cookie_cannot_be_made_up(app: Networker, community: Community) -> None:
    await organiser_link(community)
    forged = await DashboardAccess(
        app.units, app.clock, app.config.model_copy(update={"dashboard_secret": "guess"})
    ).session_value(Session(1, app.clock.now().replace(year=2100)))
    async with served(app) as client:
        for value in (forged, "1", "e30", forged + "x"):
            response = await client.get(
                "/dashboard/1/overview", headers={"Cookie": f"{COOKIE}={value}"}
            )
            assert response.status == 401


async def test_pages_carry_security_headers_and_no_script(
    app: Networker, community: Community
) -> None:
    link = await organiser_link(community)
    async with served(app) as client:
        where = (await client.get(link, allow_redirects=False)).headers["Location"]
        base = where.removesuffix("/overview")
        for path in (*PAGES, *FILES):
            response = await client.get(f"{base}/{path}")
            assert response.status == 200, path
            for header, value in SECURITY_HEADERS.items():
                assert response.headers[header] == value
            assert response.headers["Cache-Control"] == "no-store"
            if response.content_type == "text/html":
                html = await response.text()
                assert "<script" not in html.lower()
                assert "https://" not in html and "http://" not in html.replace(
                    'xmlns="http://www.w3.org/2000/svg"', ""
                )
        csp = SECURITY_HEADERS["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        denied = await client.get("/dashboard/1/overview", cookies={})
        assert "Content-Security-Policy" in denied.headers


async def test_the_dashboard_is_read_only(app: Networker, community: Community) -> None:
    link = await organiser_link(community)
    async with served(app) as client:
        where = (await client.get(link, allow_redirects=False)).headers["Location"]
        for method in ("POST", "PUT", "DELETE"):
            response = await client.request(method, where)
            assert response.status == 401


async def test_secure_cookie_behind_https(app: Networker, community: Community) -> None:
    link = await organiser_link(community)
    async with served(app) as client:
        opened = await client.get(
            link, allow_redirects=False, headers={"X-Forwarded-Proto": "https"}
        )
        assert SimpleCookie(opened.headers["Set-Cookie"])[COOKIE]["secure"]


async def test_the_secret_is_generated_once_and_kept(app: Networker, community: Community) -> None:
    first = await DashboardAccess(app.units, app.clock, app.config).secret()
    second = await DashboardAccess(app.units, app.clock, app.config).secret()
    assert first == second and len(first) >= 32


async def test_the_stylesheet_is_served_from_here(app: Networker) -> None:
    client: TestClient[object, object] = TestClient(
        TestServer(build_app(app, read_timeout=10)), cookie_jar=CookieJar(unsafe=True)
    )
    await client.start_server()
    try:
        css = await client.get("/static/dashboard/dashboard.css")
        assert css.status == 200
        assert "url(" not in await css.text()  # no font or image fetched from elsewhere
    finally:
        await client.close()
