"""Prompts and a member's own data: exported with it, and gone with it."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.app import Networker
from bot.store.tables import prompts
from tests.driver import Community, Member


async def connect(requester: Member, helper: Member) -> None:
    """The requester asks, the helper accepts: a connection."""
    await helper.profile('skills="kubernetes:expert"')
    await requester.ask(helper, "A hand with my cluster upgrade, please")
    assert (await helper.press(helper.button("Accept"))).ok


async def occasion_rows(app: Networker) -> list[tuple[str, dict[str, object]]]:
    async with app.units.sessions() as session:
        rows = await session.execute(
            select(prompts.c.state, prompts.c.payload).where(prompts.c.kind == "occasion")
        )
        return [(state, payload) for state, payload in rows]


async def test_forgetting_a_member_drops_their_dates_from_others_reminders(
    app: Networker, community: Community
) -> None:
    ana, bob = community.member("ana"), community.member("bob")
    await connect(bob, ana)
    await ana.profile("birthday=1990-07-14")
    planned = await occasion_rows(app)
    assert planned == [("pending", {"occasion": "birthday", "date": "2026-07-14", "years": None})]

    await ana.forget()
    assert await occasion_rows(app) == [("cancelled", {})]


async def test_export_lists_the_prompts_addressed_to_me(community: Community) -> None:
    ana, bob = community.member("ana"), community.member("bob")
    await connect(bob, ana)
    data = await bob.export()
    waiting = sorted(p["kind"] for p in data["prompts"] if p["state"] == "pending")
    assert waiting == ["connect_check", "keep_in_touch"]
    assert {"kind", "state", "due_at", "sent_at"} == set(data["prompts"][0])
