"""A command's messages, refused by the platform for now, wait as rows: the member is
told they are on its way, /networker me lists them, and the dispatcher delivers each
once. (The Slack and crash versions: tests/adapters/slack/test_durable_messages.py,
tests/faults/test_outbox_crash.py.)"""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.prompts.dispatcher import Dispatcher
from bot.services.app import Networker
from tests.driver import Community
from tests.fakes import FakeClock, FakeMessenger

pytestmark = pytest.mark.fake_store_too  # use cases only: the in-memory store serves too


async def retry(app: Networker, clock: FakeClock, config: Settings) -> int:
    clock.advance(minutes=1, seconds=1)  # the back-off's first wait
    report = await Dispatcher(app.units, clock, config, dict(app.messengers)).run_due()
    return report.sent


async def test_a_refused_dm_is_on_its_way_until_the_retry_delivers_it_once(
    app: Networker,
    community: Community,
    messenger: FakeMessenger,
    clock: FakeClock,
    config: Settings,
) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ben.profile('skills="python:expert"')
    messenger.down_for.add(ben.id)

    result = await ana.ask(ben, "a review of my packaging setup please")

    assert result.ok
    assert (
        "⚠ A message to @U-ben is on its way: Test didn't accept it just now "
        "(platform unavailable); I'll keep trying. /networker me shows what's waiting."
    ) in result.text
    waiting = (await ana.me()).text
    assert (
        "On its way: your request to @Ben (Test didn't accept it yet: platform unavailable; "
        "I'll keep trying)." in waiting
    )
    assert "a review of my packaging" not in waiting  # who and what kind, not the words
    assert "On its way" not in (await ben.me()).text  # it is Ana's to know about

    messenger.down_for.clear()
    assert await retry(app, clock, config) == 1

    [consent] = ben.dms()
    assert "a review of my packaging setup please" in consent
    assert "On its way" not in (await ana.me()).text
    assert await retry(app, clock, config) == 0
    assert len(ben.dms()) == 1


async def test_all_clear_only_when_nothing_is_on_its_way(
    app: Networker,
    community: Community,
    messenger: FakeMessenger,
    clock: FakeClock,
    config: Settings,
) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ben.me()
    messenger.down_for.add(ben.id)
    await ana.thank(ben, "for the packaging review")

    mine = (await ana.me()).text
    assert "On its way: a message to @Ben" in mine
    assert "All clear" not in mine

    messenger.down_for.clear()
    assert await retry(app, clock, config) == 1
    assert "All clear" in (await ana.me()).text
