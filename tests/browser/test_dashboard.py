"""An organiser signs in through a link and reads every page in a real browser."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.web.server import WebServer
from bot.services.app import Networker
from bot.services.commands import Dashboard
from tests.driver import Community, Member
from tests.fakes import FakeClock
from tests.web.story import demo_story
from tests.web.support import link_in

HIDDEN = "uma"  # the demo's one member who is not discoverable


@pytest.fixture
async def server(app: Networker) -> AsyncIterator[str]:
    web = WebServer(app, "127.0.0.1", 0, page_wait=20)
    await web.start()
    yield f"http://127.0.0.1:{web.port}"
    await web.stop()


@pytest.fixture
async def people(app: Networker, community: Community, clock: FakeClock) -> dict[str, Member]:
    """The demo's members, with eight weeks of activity (docs/dashboard-network.png is
    this test's screenshot of the network page)."""
    await app.register_community("test", "DEMO", "Demo Association (sample data)")
    return await demo_story(Community(app, community.messenger, "DEMO"), clock)


async def read(path: Path) -> str:
    return await asyncio.to_thread(lambda: path.read_bytes().decode("latin-1"))


async def sign_in(browser: Any, server: str, organiser: Member, **context: Any) -> Any:
    page = await (await browser.new_context(accept_downloads=True, **context)).new_page()
    response = await page.goto(server + link_in(await organiser.do(Dashboard())))
    assert response.status == 200
    return page


async def test_an_organiser_reads_every_page(
    browser: Any, server: str, people: dict[str, Member], artifacts: Path
) -> None:
    page = await sign_in(browser, server, people["lena"])
    assert page.url.endswith("/overview")
    assert await page.inner_text("h1") == "Overview"
    members = await page.inner_text("#metric-members .value")
    assert members == "30"
    intros = await page.inner_text("#metric-intros_made")
    assert re.search(r"[+-]\d+ vs the 30 days before", intros), intros  # the change is shown
    await page.screenshot(path=artifacts / "overview.png", full_page=True)

    await page.click("nav >> text=Trends")
    assert await page.inner_text("h1") == "Trends"
    assert await page.locator("svg.chart").count() >= 10
    assert await page.locator("#trend-intros_made rect").count() >= 5  # weeks with intros
    await page.screenshot(path=artifacts / "trends.png", full_page=True)

    await page.click("nav >> text=Topics")
    most_asked = (await page.inner_text("table >> nth=0")).lower()
    assert "kubernetes" in most_asked and "public speaking" in most_asked
    await page.screenshot(path=artifacts / "topics.png", full_page=True)

    await page.click("nav >> text=Network")
    figure = page.locator("figure.network svg")
    await figure.wait_for()
    labels = await figure.locator("text").all_text_contents()
    assert "Ana" in labels and "Lena" in labels
    text = (await page.content()).lower()
    assert HIDDEN not in text
    await page.screenshot(path=artifacts / "network.png", full_page=True)


async def test_a_csv_and_the_pictures_download(
    browser: Any, server: str, people: dict[str, Member]
) -> None:
    page = await sign_in(browser, server, people["lena"])
    await page.click("nav >> text=Topics")
    async with page.expect_download() as waiting:
        await page.click("text=topics_most_asked.csv")
    download = await waiting.value
    assert download.suggested_filename == "topics_most_asked.csv"
    rows = list(csv.reader(io.StringIO(await read(await download.path()))))
    assert rows[0] == ["topic", "requests_90_days", "members_who_can_help"]
    assert any(row[0].lower() == "kubernetes" and int(row[1]) >= 1 for row in rows[1:])

    await page.click("nav >> text=Network")
    for name, magic in (("network.png", b"\x89PNG"), ("network.svg", b"<svg")):
        async with page.expect_download() as waiting:
            await page.click(f"text={name}")
        body = (await read(await (await waiting.value).path())).encode("latin-1")
        assert body.startswith(magic)
        assert HIDDEN.encode() not in body.lower()


async def test_the_browser_is_turned_away_without_a_valid_link(
    browser: Any, server: str, people: dict[str, Member], clock: FakeClock
) -> None:
    organiser = people["lena"]
    link = link_in(await organiser.do(Dashboard()))
    first = await (await browser.new_context()).new_page()
    assert (await first.goto(server + link)).status == 200
    overview = first.url
    # Another browser: the used link, the overview without a session, a forged link.
    other = await (await browser.new_context()).new_page()
    assert (await other.goto(server + link)).status == 401
    assert "Sign-in needed" in await other.inner_text("h1")
    assert (await other.goto(overview)).status == 401
    assert (await other.goto(server + link[:-3] + "abc")).status == 401
    # An expired link.
    late = link_in(await organiser.do(Dashboard()))
    clock.advance(minutes=16)
    assert (await other.goto(server + late)).status == 401
    # The first browser's session still holds, until its 8 hours are over.
    assert (await first.goto(overview)).status == 200
    clock.advance(hours=8)
    assert (await first.goto(overview)).status == 401


async def test_readable_on_a_phone(
    browser: Any, server: str, people: dict[str, Member], artifacts: Path
) -> None:
    page = await sign_in(
        browser, server, people["lena"], viewport={"width": 375, "height": 740}, is_mobile=True
    )
    for name in ("Overview", "Trends", "Topics", "Network"):
        await page.click(f"nav >> text={name}")
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} scrolls sideways on a phone"
        await page.screenshot(path=artifacts / f"phone-{name.lower()}.png", full_page=True)


async def test_an_empty_community_says_what_to_do(
    browser: Any, server: str, community: Community
) -> None:
    lena = community.member("lena", organiser=True)
    await lena.profile('skills="leadership:expert"')
    page = await sign_in(browser, server, lena)
    assert "/intro" in await page.inner_text("#metric-intros_made")
    await page.click("nav >> text=Topics")
    assert "/whoknows" in await page.inner_text("main")
    await page.click("nav >> text=Network")
    assert "/intro" in await page.inner_text("main")
