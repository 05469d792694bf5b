"""The core refuses ids no platform gives (empty, or longer than its columns) with a
clear answer, before they reach the database (PostgreSQL: "value too long")."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.domain.errors import UserError
from bot.domain.members import PLATFORM_ID_MAX
from bot.services import commands as c
from bot.services.app import Networker
from tests.driver import Community


async def rows(app: Networker, table: str) -> int:
    async with app.units.sessions() as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


@pytest.mark.parametrize("external_id", ["", " ", "T" * (PLATFORM_ID_MAX + 1)])
async def test_a_community_id_no_platform_gives_is_refused(
    app: Networker, external_id: str
) -> None:
    with pytest.raises(UserError) as refused:
        await app.register_community("test", external_id, "Someone's")
    assert refused.value.message == "That community id isn't one I can use."
    assert await rows(app, "communities") == 0


async def test_the_longest_community_id_is_kept(app: Networker) -> None:
    await app.register_community("test", "T" * PLATFORM_ID_MAX, "Long")
    assert await rows(app, "communities") == 1


@pytest.mark.parametrize("user_id", ["", "U" * (PLATFORM_ID_MAX + 1)])
async def test_a_member_id_no_platform_gives_is_refused(community: Community, user_id: str) -> None:
    stranger = c.Actor("test", "T1", c.MemberRef(user_id, "someone"))
    answer = await community.app.handle(stranger, c.Me())
    assert answer is not None
    assert (answer.ok, answer.text) == (False, "That member id isn't one I can use.")
    # ...also when a command names them.
    dana = community.member("dana")
    thanks = await dana.do(c.Thank(c.MemberRef(user_id, "someone"), "for the help"))
    assert (thanks.ok, thanks.text) == (False, "That member id isn't one I can use.")
    assert await rows(community.app, "members") == 0  # not even Dana: nothing changed
