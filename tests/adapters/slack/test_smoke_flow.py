from __future__ import annotations

from tests.adapters.slack.conftest import SlackWorld


async def test_whoknows_over_http(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana")
    dana = slack.user("UDANA", "dana")
    r = await slack.sender.command("/profile", 'skills="kubernetes:expert"', user=ana)
    print(r.status, r.text[:500])
    r = await slack.sender.command("/whoknows", "k8s", user=dana)
    print(r.status, r.text[:800])
    assert r.status == 200
    assert "UANA" in r.text
