"""Members from before weekly digests existed get them once the dispatcher starts."""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.prompts.dispatcher import Dispatcher
from bot.services.app import Networker
from bot.store.tables import prompts
from tests.driver import Community
from tests.fakes import FakeClock


async def digest_keys(app: Networker) -> list[tuple[str, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(prompts.c.dedupe_key, prompts.c.state)
            .where(prompts.c.kind == "giver_digest")
            .order_by(prompts.c.id)
        )
        return [(key, state) for key, state in rows]


async def test_a_first_digest_is_planned_for_members_who_never_had_one(
    app: Networker, community: Community, clock: FakeClock
) -> None:
    ana, bob = community.member("ana"), community.member("bob")
    await ana.profile('skills="kubernetes:expert"')
    await bob.profile('bio="no topics yet"')
    async with app.sessions() as session:  # as before the upgrade: no digests at all
        await session.execute(delete(prompts))
        await session.commit()

    dispatcher = Dispatcher(app.sessions, clock, app.config, app.messengers)
    assert await dispatcher.start_digests() == 1  # ana lists a topic; bob none
    assert await dispatcher.start_digests() == 0  # a second process, or a restart
    keys = await digest_keys(app)
    assert [state for _, state in keys] == ["pending"]

    # Nothing was asked this week: no DM, but the weekly chain goes on from here.
    await dispatcher.run_due()
    assert ana.dms() == []
    after = await digest_keys(app)
    assert after[0][1] == "cancelled"
    assert after[1] == ("giver:1:2026-11", "pending")  # Monday 9 March 2026 (ISO week 11)
