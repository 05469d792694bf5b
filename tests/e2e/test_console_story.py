"""End to end through the console adapter: what members type and what the terminal prints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, console_community


@pytest.fixture
async def term(tmp_path: Path) -> AsyncIterator[Terminal]:
    async with console_community(tmp_path) as terminal:
        yield terminal


async def profiles(term: Terminal) -> None:
    """alice and dave know Kubernetes, bob speaks at conferences; each with one /profile line."""
    for name, edit in (
        (
            "alice",
            'skills="kubernetes:expert, python:practitioner" help="moving teams to k8s" '
            "tz=Europe/Berlin",
        ),
        ("bob", 'skills="public speaking:expert" tz=America/New_York window="weekdays 10-16"'),
        ("dave", 'skills="kubernetes:practitioner, helm:expert" capacity=3'),
    ):
        await term.as_(name)
        out = await term.do(f"/profile {edit}")
        assert not out.warned, out.text
        assert out.reply[0] == "  Saved. Here is your profile now:"


async def test_the_whole_story(term: Terminal) -> None:
    await profiles(term)

    # The profile line was understood, field by field.
    await term.as_("bob")
    mine = (await term.do("/profile")).text
    assert "Skills: public speaking (expert)" in mine
    assert "America/New_York" in mine
    assert "Contact window: weekdays 10:00-16:00" in mine

    # /whoknows with an alias, then with a typo: the expert first, the practitioner next.
    await term.as_("carol")
    found = await term.do("/whoknows k8s")
    assert found.reply[0] == "  People who can help with kubernetes"
    assert found.text.index("@alice") < found.text.index("@dave")
    assert "Why: expert in kubernetes" in found.text
    assert "Local time: Mon 11:00 their time (Europe/Berlin)" in found.text
    assert "@bob" not in found.text
    assert found.blocks == []  # private: nobody else hears about a search
    typo = await term.do("/whoknows kuberntes")
    assert "(I read “kuberntes” as kubernetes)" in typo.reply[0]
    assert "@alice" in typo.text

    # "Ask for help": the button asks what she needs, then sends it.
    form = await term.do(f"/press {typo.button('Ask alice for help')}")
    assert "What would you like to ask @alice?" in form.text
    assert form.blocks == []  # nothing sent yet
    sent = await term.do(
        f"/press {form.button('Ask')} I'd like advice on moving our CI to Kubernetes"
    )
    assert not sent.warned, sent.text
    assert sent.dm_recipients() == ["alice"]
    ask = sent.dm("alice")
    assert "@carol is asking for your help with kubernetes" in ask
    assert "“I'd like advice on moving our CI to Kubernetes”" in ask
    assert "[1] Accept  [2] Not now  [3] Decline" in ask
    assert "Sent! I've asked @alice privately." in sent.reply_text

    # alice accepts: a conversation between the two opens, printed with both names.
    await term.as_("alice")
    accepted = await term.do(f"/press {accepted_button(ask)}")
    [(header, body)] = accepted.groups()
    assert "@carol" in header and "@alice" in header
    assert "@alice accepted @carol's request for help with kubernetes" in body
    assert "Wonderful, you're connected!" in accepted.reply_text

    # carol introduces alice and bob: each is asked privately, nobody is connected yet.
    # It is 05:00 in New York: bob's request waits for his window (weekdays 10-16).
    await term.as_("carol")
    intro = await term.do("/intro @alice @bob you both speak at conferences about platform work")
    assert intro.dm_recipients() == ["alice"]
    assert "@bob will get it at 10:00, Mon 2 March their time" in intro.reply_text
    assert "@carol would like to introduce you to @bob" in intro.dm("alice")
    assert "Why: “you both speak at conferences about platform work”" in intro.dm("alice")
    assert "bob lists: public speaking." in intro.dm("alice")
    assert intro.groups() == []
    assert "Nobody is connected until both accept." in intro.reply_text
    assert (
        "On its way: your introduction reaches @bob at 10:00"
        in (await term.do("/networker me")).text
    )
    assert (await term.do("/clock +4h59m")).dm("bob") == ""
    opened = await term.do("/clock +1m")  # 10:00 in New York
    assert "@carol would like to introduce you to @alice" in opened.dm("bob")

    await term.as_("alice")
    first = await term.do(f"/press {accepted_button(intro.dm('alice'))}")
    assert first.groups() == []
    assert "Waiting for @bob to answer too." in first.reply_text

    await term.as_("bob")
    second = await term.do(f"/press {accepted_button(opened.dm('bob'))}")
    [(header, body)] = second.groups()
    for name in ("@alice", "@bob", "@carol"):
        assert name in header
    assert "@alice, meet @bob! @carol introduced you:" in body
    assert "“you both speak at conferences about platform work”" in body
    assert "a /thanks to @carol goes a long way" in body

    # bob thanks alice: she hears it, and so does carol, who made the introduction.
    thanks = await term.do("/thanks @alice for the advice on my conference talk")
    assert sorted(thanks.dm_recipients()) == ["alice", "carol"]
    assert "@bob thanked you: “for the advice on my conference talk”" in thanks.dm("alice")
    assert "@bob thanked @alice after the introduction you made" in thanks.dm("carol")
    assert "for the advice" not in thanks.dm("carol")  # the note is for alice
    assert "Thank-you sent to @alice." in thanks.reply_text

    # Everyone's private give/ask balance.
    assert (
        "intros made 0 · thanks given 1 · thanks received 0"
        in (await term.do("/networker me")).text
    )
    await term.as_("carol")
    carol = (await term.do("/networker me")).text
    assert "helped 0 · was helped 1 · intros made 1" in carol
    assert "All clear!" in carol
    await term.as_("alice")
    alice = (await term.do("/networker me")).text
    assert "helped 1 · was helped 0 · intros made 0 · thanks given 0 · thanks received 1" in alice


def accepted_button(dm: str) -> int:
    number = dm.split("] Accept")[0].rsplit("[", 1)[1]
    return int(number)


async def test_decline_with_a_note_and_a_suggestion(term: Terminal) -> None:
    await profiles(term)
    await term.as_("erin")
    asked = await term.do("/ask @dave I need a review of our Helm charts before launch")
    assert asked.dm_recipients() == ["dave"]

    await term.as_("dave")
    form = await term.do("/press 3")
    assert "Decline privately. Both fields are optional." in form.text
    assert '/press 1 note="…" suggest=@name (all optional)' in form.text
    assert form.blocks == []  # nothing said to erin yet

    declined = await term.do('/press 1 note="swamped until April" suggest=@alice')
    assert declined.dm_recipients() == ["erin"]
    told = declined.dm("erin")
    assert "@dave can't help with this one right now. No hard feelings!" in told
    assert "They suggest @alice might be able to help." in told
    assert "swamped" not in told  # the note stays private
    assert "your note stays private" in declined.reply_text
    assert "[1] Ask alice  [2] No thanks" in told

    # erin takes the suggestion: alice gets the same request, written once.
    await term.as_("erin")
    forwarded = await term.do("/press 1")
    assert forwarded.dm_recipients() == ["alice"]
    assert "@erin is asking for your help" in forwarded.dm("alice")
    assert "“I need a review of our Helm charts before launch”" in forwarded.dm("alice")
    assert "swamped" not in forwarded.text
    assert "Sent! I've asked @alice privately." in forwarded.reply_text

    # The forwarded ask is as private as the first (tests/integration covers that a
    # suggestion is used once): its answer offers the choice to let others see it.
    assert "Nobody else will know you asked." in forwarded.reply_text
    assert "[1] Let others who know helm see I asked" in forwarded.text


async def test_declined_introduction_tells_the_introducer_kindly(term: Terminal) -> None:
    await profiles(term)
    await term.as_("carol")
    await term.do("/intro @alice @bob you both speak at conferences about platform work")
    await term.do("/clock +5h")  # bob's window opens: 10:00 in New York
    await term.as_("alice")
    await term.do("/press 1")
    await term.as_("bob")
    await term.do("/press 3")
    declined = await term.do('/press 1 note="I do not like alice much" suggest=@dave')
    assert sorted(declined.dm_recipients()) == ["alice", "carol"]
    assert "won't go ahead this time" in declined.dm("carol")
    assert "@bob suggests @dave instead." in declined.dm("carol")
    assert "The introduction to @bob won't go ahead this time." in declined.dm("alice")
    assert "like alice" not in declined.text  # never shown to anyone
    assert declined.groups() == []

    await term.as_("carol")
    retry = await term.do("/press 1")  # "Introduce alice to dave"
    assert sorted(retry.dm_recipients()) == ["alice", "dave"]
    assert "@carol would like to introduce you to @dave" in retry.dm("alice")


async def test_not_now_keeps_the_request_waiting(term: Terminal) -> None:
    await profiles(term)
    await term.as_("carol")
    await term.do("/ask @alice advice on moving our CI to Kubernetes")
    await term.as_("alice")
    later = await term.do("/press 2")
    assert later.dm_recipients() == ["carol"]  # only that alice will come back to it
    assert "@alice will come back to your request: they'd like more time." in later.dm("carol")
    assert "@carol knows you'll come back to it; nothing else was said." in later.reply_text
    waiting = await term.do("/networker me")
    assert "Waiting for your answer: a request for help from @carol." in waiting.text
    accepted = await term.do(f"/press {waiting.button('Accept')}")
    assert len(accepted.groups()) == 1


async def test_an_old_button_pressed_again_changes_nothing(term: Terminal) -> None:
    await profiles(term)
    await term.as_("carol")
    await term.do("/ask @alice advice on moving our CI to Kubernetes")
    await term.as_("alice")
    await term.do("/press 1")
    await term.do("/thanks @carol for a good question")  # alice's latest buttons stay the DM's
    again = await term.do("/press 3")
    assert again.warned
    assert "already connected" in again.text
    assert again.blocks == []


async def test_busy_ends_by_itself_when_its_date_has_passed(term: Terminal) -> None:
    await term.as_("alice")
    await term.do('/profile skills="kubernetes:expert" availability=busy:2026-03-05')
    await term.as_("carol")
    busy = await term.do("/whoknows kubernetes")
    assert "Availability: busy until 5 March" in busy.text
    term.clock.advance(timedelta(days=4))
    later = await term.do("/whoknows kubernetes")
    assert "Availability: open to requests" in later.text
    assert "Local time: Fri 10:00" in later.text


# --- bad input: a ⚠ line and nothing changes --------------------------------------------------


async def nothing_waiting(term: Terminal, *names: str) -> None:
    for name in names:
        await term.as_(name)
        me = await term.do("/networker me")
        assert "Nothing is waiting on you or for you. All clear!" in me.text, (name, me.text)
        assert "intros made 0 · thanks given 0 · thanks received 0" in me.text, (name, me.text)


async def refused(term: Terminal, command: str, says: str) -> None:
    out = await term.do(command)
    assert out.warned, out.text
    assert says in out.text, out.text
    assert out.blocks == [], out.text  # nobody was messaged


async def test_bad_input_prints_a_warning_and_changes_nothing(term: Terminal) -> None:
    await refused(term, "/whoknows k8s", "Pick who you are first.")
    await profiles(term)
    await term.as_("alex")
    await term.as_("frank")

    await refused(
        term, "/intro @zed @bob you both like talks", "I don't know anyone called @zed here."
    )
    await refused(term, "/thanks @al for all the help", "@al could be")
    out = await term.do("/thanks @al for all the help")
    assert "@alice" in out.text and "@alex" in out.text and "Type more of the name." in out.text
    # frank's only buttons are his welcome DM's one ("Set up my profile").
    await refused(term, "/press 2", "There is no button 2 for you.")
    await refused(term, "/press", "There is no button (none given) for you.")
    await refused(term, "/ask @alice k8s", "“k8s” is a bit short for a request.")
    await refused(term, "/ask @alice", "Please add a specific request.")
    await refused(term, "/intro @alice @bob thanks", "is a bit short for a reason")
    await refused(
        term, "/intro @bob @bob you two should meet", "You can't introduce someone to themselves."
    )
    await refused(term, "/intro @frank @bob you two should meet", "You're one of the two people")
    await refused(
        term,
        "/intro alice bob you two should meet",
        "I expected a member (@a) where you wrote “alice”.",
    )
    await refused(term, "/intro @alice", "/intro needs a second member too (@b).")
    await refused(term, "/thanks @frank for being me", "You can't thank yourself")
    await refused(term, "/frobnicate", "I don't know the command /frobnicate.")
    await refused(term, "/profile capacity=lots", "“lots” is not a number.")
    await refused(term, "/as two words", "Usage: /as <name>")

    members = await term.do("/members")
    assert "@zed" not in members.text
    await nothing_waiting(term, "alice", "bob", "dave", "frank")
    await term.as_("frank")
    assert "Capacity: 4 requests per 30 days" in (await term.do("/profile")).text


async def test_press_with_a_wrong_number_says_how_many_buttons_there_are(term: Terminal) -> None:
    await profiles(term)
    await term.as_("carol")
    await term.do("/whoknows kubernetes")  # two people, two buttons
    await refused(term, "/press 7", "Your latest message has 2 buttons.")
    await refused(term, "/press 1 extra words", "That button takes no extra text.")


async def test_a_one_word_request_in_the_ask_form_is_refused(term: Terminal) -> None:
    await profiles(term)
    await term.as_("carol")
    found = await term.do("/whoknows kubernetes")
    await term.do(f"/press {found.button('Ask alice')}")
    await refused(term, "/press 1 k8s", "is a bit short")
    await refused(term, '/press 1 request="never closed', "A quote is not closed.")
    await nothing_waiting(term, "alice")


# --- console conveniences ---------------------------------------------------------------------


async def test_as_makes_a_member_known_at_once(term: Terminal) -> None:
    """The hint for an unknown @name says “they join by typing /as name”: that must hold."""
    await term.as_("alice")
    unknown = await term.do("/thanks @zed for the lovely talk")
    assert "They join by typing /as zed" in unknown.text
    await term.as_("zed")
    assert "@zed" in (await term.do("/members")).text
    await term.as_("alice")
    thanked = await term.do("/thanks @zed for the lovely talk")
    assert thanked.dm_recipients() == ["zed"]


async def test_members_lists_everyone(term: Terminal) -> None:
    names = [f"member{i:02}" for i in range(12)]
    for name in names:
        await term.as_(name)
    listed = (await term.do("/members")).reply_text.strip().split(", ")
    assert sorted(listed) == [f"@{name}" for name in names]


async def test_organisers_are_told_apart(term: Terminal) -> None:
    await term.as_("frank")
    await refused(term, "/networker stats", "Only organisers can do that.")
    out = await term.do("/as lena --organiser")
    assert out.reply == ["  You are now @lena (organiser)."]
    stats = await term.do("/networker stats")
    assert not stats.warned
    assert "Members: 2" in stats.text


async def test_help_lists_console_and_bot_commands(term: Terminal) -> None:
    out = await term.do("/help")
    assert "/as <name> [--organiser]" in out.text
    assert "/press N" in out.text
    assert "/whoknows <topic>" in out.text
    assert "/intro @a @b <why>" in out.text


async def test_comments_and_blank_lines_are_ignored(term: Terminal) -> None:
    assert (await term.do("")).lines == []
    assert (await term.do("# a comment in a script")).lines == []


# --- nobody found ------------------------------------------------------------------------------


async def test_nobody_available_says_so_and_suggests_other_topics(term: Terminal) -> None:
    await term.as_("bob")
    await term.do('/profile skills="public speaking:expert" availability=away')
    await term.as_("xavier")
    await term.do('/profile skills="salary negotiation:expert"')
    await term.as_("dana")
    away = await term.do("/whoknows public speaking")
    assert away.reply[0] == "  Nobody who can help with “public speaking” is available right now."
    assert "@bob" not in away.text  # away members are never offered
    # The topic just searched is no alternative to itself.
    assert "Close topics people do list: public speaking" not in away.text
    assert "Try a broader word" in away.text
    close = await term.do("/whoknows negotiation")
    assert "Close topics people do list: salary negotiation" in close.text
    assert away.blocks == close.blocks == []


async def test_a_hidden_members_topics_are_not_suggested(term: Terminal) -> None:
    await term.as_("uma")
    await term.do('/profile skills="figma:expert" discoverable=no')
    await term.as_("dana")
    out = await term.do("/whoknows fig")
    assert "Nobody who can help with “fig”" in out.text
    assert "figma" not in out.text
