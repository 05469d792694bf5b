"""Requests that see someone (or some workspace) for the first time at the same moment:
all of them succeed, and one row is made. On PostgreSQL the losers' inserts wait for the
winner's commit and then hit the unique key; on SQLite writers take turns."""

from __future__ import annotations

import asyncio

from bot.services import commands as c
from bot.services.app import Networker
from tests.driver import Community

NEW = c.MemberRef("U-nia", "Nia", "Asia/Tokyo")
AT_ONCE = 8


async def test_first_commands_of_a_new_member_at_once_all_succeed(
    app: Networker, community: Community
) -> None:
    actor = c.Actor("test", community.external_id, NEW)
    first: list[c.Command] = [
        c.EditProfile(text='bio="New here"'),
        c.WhoKnows("kubernetes"),
        c.Me(),
        c.ViewProfile(),
    ]
    commands = [first[i % len(first)] for i in range(AT_ONCE)]

    answers = await asyncio.gather(*(app.handle(actor, command) for command in commands))

    assert all(answer is not None and answer.ok for answer in answers), [
        answer.text for answer in answers if answer is not None and not answer.ok
    ]
    assert await app.find_members("test", community.external_id, "nia") == [NEW]


async def test_a_member_first_thanked_by_several_people_at_once_is_made_once(
    app: Networker, community: Community
) -> None:
    askers = [community.member(f"asker{i}") for i in range(AT_ONCE)]
    for asker in askers:  # known already: only the named member is new to everyone
        await asker.do(c.Me())

    thanks = c.Thank(NEW, "for the welcome")
    answers = await asyncio.gather(*(asker.do(thanks) for asker in askers))

    assert all(answer.ok for answer in answers), [a.text for a in answers if not a.ok]
    assert await app.find_members("test", community.external_id, "nia") == [NEW]


async def test_a_workspace_registered_by_several_processes_at_once_is_made_once(
    app: Networker,
) -> None:
    made = await asyncio.gather(
        *(app.register_community("test", "T-new", "New Association") for _ in range(AT_ONCE))
    )

    assert {community.id for community in made} == {made[0].id}
    assert made[0].id is not None
