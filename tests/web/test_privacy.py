"""No dashboard page, picture or CSV names a member who is not discoverable, or shows
the words of an ask, a decline, an intro's reason or a thank-you."""

from __future__ import annotations

import asyncio
import random
import secrets
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.services.app import Networker
from bot.services.commands import Dashboard
from tests.driver import Community, Member
from tests.fake_store import FakeStore
from tests.fakes import FakeClock, FakeMessenger
from tests.web.support import link_in, served

ZONES = ("Europe/Berlin", "America/Chicago", "Asia/Tokyo", "Africa/Lagos")
PAGES = ("overview", "trends", "topics", "network")
FILES = (
    "network.svg",
    "csv/overview.csv",
    "csv/trends.csv",
    "csv/topics_most_asked.csv",
    "csv/topics_unmet.csv",
    "csv/topics_unasked.csv",
    "csv/network_numbers.csv",
    "csv/network_groups.csv",
    "csv/network_ties.csv",
)


@dataclass(frozen=True)
class Person:
    name: str
    discoverable: bool
    zone: str


@dataclass(frozen=True)
class Act:
    kind: str  # intro, ask, thanks
    a: int
    b: int
    answer: str  # accept, decline


def words() -> str:
    """A private text no page could contain by chance."""
    return "privy" + secrets.token_hex(6)


async def build(
    community: Community, people: list[Person], acts: list[Act]
) -> tuple[Member, set[str]]:
    """The community's story; returns its organiser and every private word written."""
    organiser = community.member("orgzz", organiser=True)
    await organiser.profile('skills="leadership:expert"')
    members = [community.member(p.name) for p in people]
    for p, m in zip(people, members, strict=True):
        shown = "yes" if p.discoverable else "no"
        await m.profile(
            f'skills="python:expert, topic{p.name}:expert" tz={p.zone} discoverable={shown}'
            " window=anytime"
        )
    private: set[str] = set()
    for act in acts:
        a, b = members[act.a % len(members)], members[act.b % len(members)]
        if a is b:
            continue
        text = words()
        private.add(text)
        if act.kind == "thanks":
            await a.thank(b, f"for {text}")
            continue
        if act.kind == "intro":
            sent = await organiser.intro(a, b, f"you both work on {text} and could compare notes")
            answering = [a, b]
        else:
            sent = await a.ask(b, f"Could you help with {text}?", topic="python")
            answering = [b]
        if not sent.ok:
            continue
        for m in answering:
            try:
                button = m.button("Accept" if act.answer == "accept" else "Decline")
            except AssertionError:
                continue
            if act.answer == "accept":
                await m.press(button)
            else:
                note = words()
                private.add(note)
                await m.decline(note)
                break  # declined: nobody else is asked any more
    return organiser, private


async def everything_shown(app: Networker, organiser: Member) -> str:
    link = link_in(await organiser.do(Dashboard()))
    async with served(app) as client:
        where = (await client.get(link, allow_redirects=False)).headers["Location"]
        base = where.removesuffix("/overview")
        out = []
        for path in (*PAGES, *FILES):
            response = await client.get(f"{base}/{path}")
            assert response.status == 200, path
            out.append(await response.text())
        return "\n".join(out).lower()


def check(shown: str, people: list[Person], private: set[str]) -> None:
    for p in people:
        if not p.discoverable:
            assert p.name not in shown, f"{p.name} is not discoverable but is shown"
    for text in private:
        assert text not in shown


people_strategy = st.lists(
    st.builds(
        Person,
        st.text("bcdfghjkmnpqrstvwxz", min_size=7, max_size=7).map(lambda s: "zq" + s),
        st.booleans(),
        st.sampled_from(ZONES),
    ),
    min_size=2,
    max_size=7,
    unique_by=lambda p: p.name,
)
acts_strategy = st.lists(
    st.builds(
        Act,
        st.sampled_from(("intro", "ask", "thanks")),
        st.integers(0, 6),
        st.integers(0, 6),
        st.sampled_from(("accept", "decline")),
    ),
    max_size=8,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=people_strategy, acts=acts_strategy)
def test_no_page_shows_a_hidden_member_or_private_words(
    people: list[Person], acts: list[Act]
) -> None:
    async def run() -> None:
        messenger = FakeMessenger()
        config = Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]
        app = Networker(FakeStore(), FakeClock(), config, {"test": messenger})
        await app.register_community("test", "T1", "Test Association")
        community = Community(app, messenger, "T1")
        organiser, private = await build(community, people, acts)
        check(await everything_shown(app, organiser), people, private)

    asyncio.run(run())


async def test_on_a_database_too(app: Networker, community: Community) -> None:
    """The same on SQLite and PostgreSQL, with one seeded community."""
    rng = random.Random(15)
    people = [
        Person(f"zq{''.join(rng.choices('bcdfghjkmnpqrstvwxz', k=7))}", i % 3 != 0, ZONES[i % 4])
        for i in range(9)
    ]
    acts = [
        Act(
            rng.choice(("intro", "ask", "thanks")),
            rng.randrange(9),
            rng.randrange(9),
            rng.choice(("accept", "accept", "decline")),
        )
        for _ in range(14)
    ]
    organiser, private = await build(community, people, acts)
    shown = await everything_shown(app, organiser)
    check(shown, people, private)
    # ...and the discoverable ones are named on the network page.
    assert any(p.name in shown for p in people if p.discoverable)
