"""Issue 11 in the console, as new members tried it: confidences kept, a public thanks
wall announced first, both people of an intro asked, and leaving told kindly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, console_community

SECRET = "my startup is failing and I need a python rescue plan"


@pytest.fixture
async def term(tmp_path: Path) -> AsyncIterator[Terminal]:
    async with console_community(tmp_path) as terminal:
        yield terminal


async def test_a_private_ask_stays_out_of_the_digest_and_a_visible_one_is_named(
    term: Terminal,
) -> None:
    for name in ("alice", "carol"):
        await term.as_(name)
        await term.do('/profile skills="python:expert"')
    await term.as_("bob")
    private = await term.do(f"/ask @alice {SECRET}")
    assert "Nobody else will know you asked." in private.text
    await term.as_("dan")
    shared = await term.do("/ask @alice a review of my python packaging --visible")
    assert "Members who know python may see in their weekly digest that you asked" in (shared.text)
    assert "--visible" not in shared.dm("alice")  # the flag is not part of the request
    await term.as_("alice")
    for _ in range(2):  # alice declines both, each from the /networker me list
        me = await term.do("/networker me")
        await term.do(f"/press {me.button('Decline')}")
        await term.do("/press 1")  # the decline form, sent empty

    week = await term.do("/clock +7d")
    digest = week.dm("carol")
    assert "2 people asked about python; 2 still looking for help." in digest
    assert "Still looking: @dan asked about python" in digest
    assert "@bob" not in digest and SECRET not in digest
    assert "a review of my python packaging" not in digest


async def test_the_thanks_wall_is_announced_and_each_thank_you_chooses(term: Terminal) -> None:
    await term.do("/as olga --organiser")
    await term.do("/networker settings thanks_wall=#kudos")
    await term.as_("alice")
    await term.as_("bob")
    asked = await term.do("/thanks @alice for the great pairing session")
    assert "This community has a public thanks wall, #kudos" in asked.text
    assert "@bob thanked you" in asked.dm("alice")
    assert "posted in #kudos" not in asked.text
    kept = await term.do(f"/press {asked.button('Keep it private')}")
    assert "Kept private" in kept.text and "posted in #kudos" not in kept.text

    second = await term.do("/thanks @alice for reviewing my slides")
    posted = await term.do(f"/press {second.button('Post on the thanks wall')}")
    assert "── posted in #kudos ──" in posted.text
    assert "@bob thanked @alice: “for reviewing my slides”" in posted.text
    assert "great pairing session" not in posted.text


async def test_both_people_of_an_intro_are_asked_and_each_thank_button_keeps_working(
    term: Terminal,
) -> None:
    await term.as_("alice")
    await term.do('/profile skills="kubernetes:expert"')
    await term.as_("bob")
    await term.as_("carol")
    await term.do("/intro @bob @alice Bob is moving his team to Kubernetes")
    for name in ("bob", "alice"):
        await term.as_(name)
        await term.do("/press 1")  # Accept

    later = await term.do("/clock +4d")
    assert later.reply[-1] == "  Sent 2 prompts."
    assert "How did it go with @alice? @carol introduced you" in later.dm("bob")
    assert "How did it go with @bob? @carol introduced you" in later.dm("alice")

    await term.as_("alice")  # alice answers her own question
    helpful = await term.do(f"/press {later.button('Helpful')}")
    assert "@alice says it was helpful" in helpful.dm("carol")
    prompt = helpful.dm("alice")
    assert "[1] Thank bob  [2] Thank carol" in prompt

    form = await term.do("/press 1")
    assert "[1] Send thanks: /press 1" in form.text
    assert "Still there: [2] Thank bob  [3] Thank carol" in form.text
    sent = await term.do('/press 1 note="for the honest tour of your cluster"')
    assert sent.reply == ["  Thank-you sent to @bob."]
    other = await term.do(f"/press {form.button('Thank carol')}")  # still works
    assert "Say thanks to @carol:" in other.text
    done = await term.do(f'/press {other.button("Send thanks")} note="for introducing us"')
    assert done.reply == ["  Thank-you sent to @carol."]
    assert "@alice thanked you: “for introducing us”" in done.dm("carol")

    await term.as_("carol")
    # A reason that says something (filler is refused before this check is reached).
    again = await term.do("/intro @alice @bob You both run Kubernetes in production")
    assert again.warned
    assert "You introduced alice and bob already: they've been connected since 2 March." in (
        again.text
    )


async def test_leaving_is_told_kindly_and_coming_back_starts_hidden(term: Terminal) -> None:
    await term.as_("alice")
    await term.do('/profile skills="python:expert"')
    await term.as_("bob")
    await term.do(f"/ask @alice {SECRET}")
    await term.as_("alice")
    left = await term.do("/networker forget")
    gone = await term.do(f"/press {left.button('Yes, forget me')}")
    told = gone.dm("bob")
    assert "@alice has left Networker, so your request about python to them is closed." in told
    assert SECRET in told and "withdrawn" not in told

    back = await term.do("/profile")
    assert "hidden until you set up your profile again" in back.text
    await term.as_("bob")
    assert "@alice" not in (await term.do("/whoknows python")).text
    await term.as_("alice")
    await term.do('/profile skills="python:expert"')
    await term.as_("bob")
    assert "@alice" in (await term.do("/whoknows python")).text
