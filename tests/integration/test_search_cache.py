"""Two bot processes on one database: a search may lag the other process by SEARCH_TTL_S."""

from __future__ import annotations

from bot.services import commands as c
from bot.services.app import Networker
from bot.services.caches import SEARCH_TTL_S, Caches
from tests.driver import Community, names_in, ref


async def test_another_process_changes_show_after_the_search_ttl(
    community: Community, app: Networker
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    await dana.profile('bio="new here"')  # known already: her searches write nothing
    seconds = [100.0]
    app.caches = Caches(clock=lambda: seconds[0])  # this process's cache, on a hand clock
    assert names_in(await dana.whoknows("k8s")) == ["Ana"]

    # A second process on the same database: Ana goes away there.
    other = Networker(app.units, app.clock, app.config)
    actor = c.Actor("test", "T1", ref("ana"))
    assert (await other.handle(actor, c.EditProfile(text="availability=away"))).ok

    assert names_in(await dana.whoknows("k8s")) == ["Ana"]  # within the time-to-live
    seconds[0] += SEARCH_TTL_S
    result = await dana.whoknows("k8s")
    assert names_in(result) == []
    assert "Nobody who can help" in result.text


async def test_a_change_in_this_process_shows_at_once(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    assert names_in(await dana.whoknows("k8s")) == ["Ana"]
    await ana.profile("availability=away")
    assert names_in(await dana.whoknows("k8s")) == []
