"""What the pages count, on every store: the overview's figures from a small story."""

from __future__ import annotations

import csv
import io

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer

from adapters.web.server import build_app
from bot.services.app import Networker
from bot.services.commands import Dashboard
from tests.driver import Community
from tests.fakes import FakeClock
from tests.web.support import link_in, served


@pytest.mark.fake_store_too
async def test_the_overview_counts_what_happened(
    app: Networker, community: Community, clock: FakeClock
) -> None:
    lena = community.member("lena", organiser=True)
    ana, ben, cleo = (community.member(n) for n in ("ana", "ben", "cleo"))
    await lena.profile('skills="leadership:expert" tz=Europe/Vienna')
    await ana.profile('skills="kubernetes:expert" tz=Europe/Lisbon window=anytime')
    await ben.profile('skills="python:expert" tz=America/Chicago window=anytime')
    await cleo.profile('skills="ux research:expert" tz=Asia/Tokyo')
    # The profiles are older than the 30 days compared; the requests reach ana and ben at
    # once (their windows are open at any hour), whatever day this lands on.
    clock.advance(days=40)
    await lena.intro(ana, ben, "both run platform teams")
    await ana.press(ana.button("Accept"))
    clock.advance(hours=3)
    await ben.press(ben.button("Accept"))
    await cleo.ask(ana, "Could you look at my kubernetes upgrade plan?")
    await ana.decline("busy")
    await ben.thank(ana, "for the chat")
    link = link_in(await lena.do(Dashboard()))
    async with served(app) as client:
        base = (
            (await client.get(link, allow_redirects=False))
            .headers["Location"]
            .removesuffix("/overview")
        )
        answer = await client.get(f"{base}/csv/overview.csv")
        assert answer.headers["Content-Disposition"] == 'attachment; filename="overview.csv"'
        rows = {r["key"]: r for r in csv.DictReader(io.StringIO(await answer.text()))}
        assert rows["members"]["last_30_days"] == "4"
        assert rows["members"]["previous_30_days"] == "4"
        assert rows["intros_made"]["last_30_days"] == "1"
        assert rows["intros_made"]["change"] == "1"
        assert rows["intros_accepted"]["last_30_days"] == "1"
        assert rows["asks_sent"]["last_30_days"] == "1"
        assert rows["asks_answered"]["last_30_days"] == "1"  # a decline is an answer
        assert rows["thanks"]["last_30_days"] == "1"
        assert rows["givers"]["last_30_days"] == "1"  # lena introduced; nobody helped yet
        assert abs(float(rows["first_answer"]["last_30_days"]) - 1.5) < 0.1  # hours, halfway
        network = await client.get(f"{base}/csv/network_numbers.csv")
        numbers = dict(csv.reader(io.StringIO(await network.text())))
        assert numbers["members"] == "4"
        assert numbers["connections"] == "1"  # ana and ben: an intro and a thank-you
        assert numbers["share_of_connections_across_groups"] == "1"
        assert numbers["alone_after_30_days"] == "2"  # lena and cleo


async def test_a_slow_first_count_says_so_and_reloads(app: Networker, community: Community) -> None:
    lena = community.member("lena", organiser=True)
    await lena.profile('skills="leadership:expert"')
    link = link_in(await lena.do(Dashboard()))
    client: TestClient[object, object] = TestClient(
        TestServer(build_app(app, read_timeout=10, page_wait=0)), cookie_jar=CookieJar(unsafe=True)
    )
    await client.start_server()
    try:
        # The link itself starts the count; a page that finds it unfinished says so.
        where = (await client.get(link, allow_redirects=False)).headers["Location"]
        first = await client.get(where)
        assert first.status == 200
        html = await first.text()
        if "Preparing the figures" in html:
            assert '<meta http-equiv="refresh"' in html
        # A download waits for the figures instead.
        download = await client.get(where.replace("/overview", "/csv/overview.csv"))
        assert download.status == 200
        assert (await download.text()).startswith("measure,key,")
        assert "Preparing the figures" not in await (await client.get(where)).text()
    finally:
        await client.close()


async def test_a_large_communitys_picture_is_computed_in_a_process_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past OWN_PROCESS_ABOVE the shape is computed in another process (the facts and the
    shape travel there and back): here with the threshold lowered to a small story."""
    from adapters.web import figures
    from bot.config import Settings
    from bot.services.dashboard import DashboardAccess
    from tests.fake_store import FakeStore
    from tests.fakes import FakeMessenger

    monkeypatch.setattr(figures, "OWN_PROCESS_ABOVE", 0)
    messenger, clock = FakeMessenger(), FakeClock()
    config = Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]
    app = Networker(FakeStore(), clock, config, {"test": messenger})
    found = await app.register_community("test", "T1", "Test Association")
    community = Community(app, messenger, "T1")
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert" tz=Europe/Lisbon')
    await ben.profile('skills="go:expert" tz=America/Chicago')
    await ana.thank(ben, "for the review")
    cache = figures.FigureCache(DashboardAccess(app.units, clock, config), clock)
    try:
        assert found.id is not None
        shape = await cache.shape(found.id, wait=60)
        assert shape is not None
        assert (shape.members, shape.connections, shape.across_share) == (2, 1, 1.0)
        assert cache._pool is not None  # it did go to the other process
    finally:
        await cache.close()
