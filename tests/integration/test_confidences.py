"""Keep confidences, over random histories (hypothesis): whatever members do, nothing the
bot delivers tells a third party who asked, what a private ask, intro or thank-you said,
unless the member it belongs to chose to share it.

Observers list every topic (so weekly digests reach them) and never take part in
anything: any other member's name in what they get must come from an ask its asker
marked visible. Every ask, intro reason and thank-you note carries a unique marker, so
wherever one travels it can be traced to whom it was delivered.

The histories run on the in-memory store (many examples, fast) and, fewer, on SQLite
and PostgreSQL, so the store's queries keep the promise too.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.messages import Reply, message
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from tests.driver import Community, Member, button_on
from tests.fake_store import FakeStore
from tests.fakes import FakeClock, FakeMessenger, Sent
from tests.integration.test_properties import World, world

ASKERS = ("dana", "finn", "gus")
HELPERS = ("ana", "ben")
INTRODUCER = "eve"
OBSERVERS = ("olly", "oona")
TOPICS = ("python", "rust")
WALL = "#kudos"

Step = tuple[object, ...]
ASK = st.tuples(
    st.just("ask"),
    st.sampled_from(ASKERS),
    st.sampled_from(HELPERS),
    st.sampled_from(TOPICS),
    st.booleans(),  # typed visible
)
# The helper of the latest ask answers it.
ANSWER = st.tuples(st.just("answer"), st.sampled_from(["Accept", "Not now", "Decline"]))
STEPS = st.lists(
    st.one_of(
        ASK,
        ASK,  # asks and answers, more often than the rest: they are what digests report
        ANSWER,
        ANSWER,
        st.tuples(st.just("share_toggle"), st.sampled_from(ASKERS)),
        st.tuples(st.just("intro"), st.sampled_from(ASKERS), st.sampled_from(HELPERS)),
        st.tuples(st.just("intro_answer"), st.sampled_from(ASKERS + HELPERS)),
        st.tuples(
            st.just("thank"),
            st.sampled_from(ASKERS + HELPERS),
            st.sampled_from(ASKERS + HELPERS),
            st.booleans(),  # post it on the wall
        ),
        st.tuples(
            st.just("how"),
            st.sampled_from(ASKERS + HELPERS),
            st.sampled_from(["Helpful", "We talked", "It didn't happen"]),
        ),
        st.tuples(st.just("later"), st.integers(min_value=1, max_value=80)),
        st.tuples(st.just("forget"), st.sampled_from(ASKERS + HELPERS)),
    ),
    max_size=20,
)
# Histories worth trying every time, whatever hypothesis draws.
DECLINED = [("ask", "dana", "ana", "python", False), ("answer", "Decline")]
SHARED = [
    ("ask", "dana", "ana", "python", False),
    ("ask", "finn", "ben", "rust", True),
    ("answer", "Decline"),
    ("share_toggle", "dana"),
    ("ask", "gus", "ben", "python", False),
    ("answer", "Decline"),
    ("thank", "gus", "ana", True),
    ("thank", "dana", "ben", False),
]


@dataclass
class Ledger:
    """Each secret marker, and who may receive it."""

    allowed: dict[str, set[str]] = field(default_factory=dict)  # marker -> platform ids
    public: set[str] = field(default_factory=set)  # markers posted on the wall by choice
    visible_askers: set[str] = field(default_factory=set)  # display names
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def marker(self, *may_see: Member) -> str:
        mark = f"zq{next(self.counter)}x"
        self.allowed[mark] = {m.id for m in may_see}
        return mark


async def play(
    community: Community, clock: FakeClock, run: Callable[[], Awaitable[object]], steps: list[Step]
) -> Ledger:
    member = community.member
    people = {n: member(n) for n in (*ASKERS, *HELPERS, INTRODUCER, *OBSERVERS)}
    org = member("olga", organiser=True)
    await org.settings("thanks_wall", WALL)
    for name in (*HELPERS, *OBSERVERS):
        await people[name].profile('skills="python, rust"')
    ledger = Ledger()
    last_ask: dict[str, Reply] = {}
    last_helper: Member | None = None
    for step in steps:
        kind = step[0]
        if kind == "ask":
            _, a, h, topic, visible = step
            asker, helper = people[str(a)], people[str(h)]
            mark = ledger.marker(asker, helper)
            result = await asker.do(
                c.Ask(
                    helper.ref,
                    f"help with {topic}: {mark} is my private situation",
                    str(topic),
                    bool(visible),
                )
            )
            if result.ok:
                last_ask[asker.name], last_helper = result, helper
                if visible:
                    ledger.visible_askers.add(asker.ref.display_name)
        elif kind == "share_toggle":
            asker = people[str(step[1])]
            shown = last_ask.get(asker.name)
            if shown is not None:
                buttons = [b for b in shown.message.buttons if b.label.startswith("Let others")]
                if buttons and (await asker.press(buttons[0])).ok:
                    ledger.visible_askers.add(asker.ref.display_name)
        elif kind == "answer" and last_helper is not None:
            with contextlib.suppress(AssertionError):  # no such button: nothing to answer
                if step[1] == "Decline":
                    await last_helper.decline(note=ledger.marker(last_helper))
                else:
                    await last_helper.press(last_helper.button(str(step[1])))
        elif kind == "intro_answer":
            who = people[str(step[1])]
            with contextlib.suppress(AssertionError):
                await who.press(who.button("Accept"))
        elif kind == "intro":
            a, b = people[str(step[1])], people[str(step[2])]
            eve = people[INTRODUCER]
            await eve.intro(a, b, f"you two should meet, {ledger.marker(a, b, eve)} says it all")
        elif kind == "thank":
            giver, receiver = people[str(step[1])], people[str(step[2])]
            mark = ledger.marker(receiver)
            result = await giver.thank(receiver, f"thank you for {mark} and more")
            if result.ok and result.message.buttons:
                label = "Post on" if step[3] else "Keep it private"
                if (await giver.press(button_on(result, label))).ok and step[3]:
                    ledger.public.add(mark)
        elif kind == "how":
            who = people[str(step[1])]
            with contextlib.suppress(AssertionError):
                await who.press(who.button(str(step[2])))
        elif kind == "later":
            clock.advance(hours=int(str(step[1])))
            await run()
        elif kind == "forget":
            await people[str(step[1])].forget()
    for _ in range(3 * 7 * 2):  # three weeks, twice a day: every digest and reminder goes
        clock.advance(hours=12)
        await run()
    return ledger


def check(messenger: FakeMessenger, ledger: Ledger) -> None:
    observers = {f"U-{n}" for n in OBSERVERS}
    others = [f"@{n.capitalize()}" for n in (*ASKERS, *HELPERS, INTRODUCER)]
    for sent in messenger.sent:
        for mark, may_see in ledger.allowed.items():
            if mark not in sent.text:
                continue
            if sent.kind == "channel":
                assert mark in ledger.public, f"posted without the sender's choice: {sent.text}"
            else:
                assert set(sent.to) <= may_see, f"{mark} reached {sent.to}: {sent.text}"
        if sent.kind == "dm" and set(sent.to) & observers:
            named = {n for n in others if n in sent.text}
            assert named <= {f"@{n}" for n in ledger.visible_askers}, sent.text


def config() -> Settings:
    return Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]


@settings(max_examples=100, deadline=None)
@given(steps=STEPS)
@example(steps=DECLINED)
@example(steps=SHARED)
def test_nothing_private_reaches_a_third_party_in_memory(steps: list[Step]) -> None:
    async def go() -> None:
        clock, messenger = FakeClock(), FakeMessenger()
        app = Networker(FakeStore(), clock, config(), {"test": messenger})
        await app.register_community("test", "T1", "Confidences")
        run = Dispatcher(app.units, clock, app.config, app.messengers).run_due
        ledger = await play(Community(app, messenger, "T1"), clock, run, steps)
        check(messenger, ledger)

    asyncio.run(go())


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
@example(steps=DECLINED)
@example(steps=SHARED)
def test_nothing_private_reaches_a_third_party_on_a_database(
    db_url: str, steps: list[Step]
) -> None:
    async def body(w: World) -> None:
        run = Dispatcher(w.app.units, w.clock, w.app.config, w.app.messengers).run_due
        ledger = await play(w.community, w.clock, run, steps)
        check(w.messenger, ledger)

    async def go() -> None:
        async with world(db_url) as w:
            await body(w)

    asyncio.run(go())


def test_the_check_catches_a_leak() -> None:
    """The property has teeth: a digest naming a private asker fails it, and so does a
    private note reaching someone outside it."""
    messenger, ledger = FakeMessenger(), Ledger()
    messenger.sent.append(Sent("dm", ("U-olly",), message("Still looking: @Dana asked")))
    with pytest.raises(AssertionError):
        check(messenger, ledger)
    ledger.visible_askers.add("Dana")
    check(messenger, ledger)
    mark = ledger.marker()
    messenger.sent.append(Sent("dm", ("U-ana",), message(f"{mark} leaked")))
    with pytest.raises(AssertionError):
        check(messenger, ledger)
