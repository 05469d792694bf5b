"""The prompt lifecycle in the console: /clock moves time, and what is due arrives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, console_community


@pytest.fixture
async def term(tmp_path: Path) -> AsyncIterator[Terminal]:
    async with console_community(tmp_path) as terminal:
        yield terminal


async def intro_accepted(term: Terminal) -> None:
    """carol introduces bob (who needs help) to alice (who knows Kubernetes); both accept."""
    await term.as_("alice")
    await term.do('/profile skills="kubernetes:expert"')
    await term.as_("bob")
    await term.as_("carol")
    made = await term.do("/intro @bob @alice Bob is moving his team to Kubernetes")
    assert made.dm_recipients() == ["bob", "alice"]
    for name in ("bob", "alice"):
        await term.as_(name)
        await term.do("/press 1")  # Accept


async def test_the_whole_lifecycle_in_a_minute(term: Terminal) -> None:
    await intro_accepted(term)

    # Nothing is due yet; the clock says where we are.
    now = await term.do("/clock")
    assert now.reply == ["  🕒 It is now Mon 02 Mar 2026 10:00 UTC."]

    # Four days on: "did you connect?" to each of the two people introduced.
    later = await term.do("/clock +4d")
    assert later.reply[0] == "  🕒 It is now Fri 06 Mar 2026 10:00 UTC."
    assert later.reply[-1] == "  Sent 2 prompts."
    assert "How did it go with @bob? @carol introduced you a few days ago." in later.dm("alice")
    asked = later.dm("bob")
    assert "How did it go with @alice? @carol introduced you a few days ago." in asked
    assert "[1] Helpful  [2] We talked  [3] Not yet  [4] It didn't happen" in asked

    # "Helpful": the introducer hears the outcome, and bob gets one-click thank-yous.
    await term.as_("bob")
    helpful = await term.do(f"/press {later.button('Helpful')}")
    assert helpful.reply == ["  Wonderful, I'm glad it helped! Thanks for letting me know."]
    assert "@bob says it was helpful" in helpful.dm("carol")
    thanks_prompt = helpful.dm("bob")
    assert "Say thanks to @alice and @carol with one click:" in thanks_prompt
    assert "[1] Thank alice  [2] Thank carol" in thanks_prompt

    # One click opens the note; sending it records the thanks and tells alice.
    form = await term.do("/press 1")
    assert "Say thanks to @alice:" in form.text
    sent = await term.do('/press 1 note="Thanks for the Kubernetes help!"')
    assert sent.reply == ["  Thank-you sent to @alice."]
    assert "@bob thanked you: “Thanks for the Kubernetes help!”" in sent.dm("alice")
    again = await term.do("/press 4")  # the same question's buttons are spent
    assert again.warned

    # Ninety quiet days after that thank-you: one nudge to keep in touch.
    early = await term.do("/clock +80d")
    assert early.dm("bob") == ""  # the thank-you counted as contact: not yet
    nudge = await term.do("/clock +15d")
    assert "It's been a while since you and @alice connected." in nudge.dm("bob")
    assert (await term.do("/clock +100d")).dm("bob") == ""  # one nudge, not a series


async def test_an_unanswered_intro_gets_one_reminder_then_expires(term: Terminal) -> None:
    await term.as_("alice")
    await term.as_("bob")
    await term.as_("carol")
    await term.do("/intro @bob @alice You both organise Python meetups in Leeds")
    await term.as_("bob")
    await term.do("/press 1")  # bob accepts; alice never answers

    reminded = await term.do("/clock +3d")
    assert "A gentle reminder, in case this got buried." in reminded.dm("alice")
    assert reminded.dm("bob") == ""  # bob answered: no reminder for him
    assert (await term.do("/clock +2d")).dm("alice") == ""  # only one reminder

    expired = await term.do("/clock +2d")
    assert "didn't get both answers in time, so I've closed it." in expired.dm("carol")
    assert "The introduction to @alice didn't get both answers in time" in expired.dm("bob")
    assert expired.dm("alice") == ""
    await term.as_("alice")
    stale = await term.do("/press 1")  # the old Accept button
    assert stale.warned and "expired" in stale.text


async def test_prompts_wait_for_the_contact_window_and_pause(term: Terminal) -> None:
    await intro_accepted(term)
    await term.as_("bob")
    await term.do('/profile window="weekdays 09:00-10:00"')
    waiting = await term.do("/clock +4d 1h")  # Friday 11:00: bob's window has closed
    assert waiting.dm("bob") == ""
    assert "1 waits for a contact window or a pause" in waiting.reply[-1]
    monday = await term.do("/clock +2d 22h")  # Monday 09:00
    assert "How did it go with @alice?" in monday.dm("bob")

    await term.do("/networker pause")
    held = await term.do("/clock +90d")  # Sunday 7 June: the keep-in-touch nudge is due
    assert held.dm("bob") == ""
    back = await term.do("/networker resume")
    assert back.reply == ["  Welcome back! Reminders and follow-ups are on again."]
    monday = await term.do("/clock +1d")  # what waited arrives in the next window
    assert "It's been a while since you and @alice connected." in monday.dm("bob")


async def test_clock_input_is_checked(term: Terminal) -> None:
    await term.as_("alice")
    back = await term.do("/clock -1d")
    assert back.warned and "only moves forward" in back.text
    odd = await term.do("/clock +3x")
    assert odd.warned and "not a duration I understand" in odd.text
    assert (await term.do("/clock")).reply == ["  🕒 It is now Mon 02 Mar 2026 10:00 UTC."]


async def test_birthdays_digests_and_the_daily_cap(term: Terminal) -> None:
    # ana shares her birthday; bob is connected with her (he asked, she accepted).
    await term.as_("ana")
    await term.do('/profile skills="kubernetes:expert" birthday=03-04')
    await term.as_("bob")
    await term.do("/ask @ana Help me plan a Kubernetes upgrade")
    await term.as_("ana")
    await term.do("/press 1")
    wednesday = await term.do("/clock +2d")
    assert "It's @ana's birthday today." in wednesday.dm("bob")

    # bob asks four more people on the same day; their "did you connect?" fall due together.
    for helper in ("cara", "dave", "erin", "finn"):
        await term.as_(helper)
        await term.do('/profile skills="python:expert"')
        await term.as_("bob")
        await term.do(f"/ask @{helper} A code review of my Python service")
        await term.as_(helper)
        await term.do("/press 1")
    due = await term.do("/clock +4d")  # to Sunday 8 March, outside everyone's weekday window
    # On the way, Friday 10:00: the check about ana (asked on Monday) went out on time.
    assert due.dm_recipients() == ["bob"]
    assert "Did you connect with @ana" in due.dm("bob")
    assert due.sent_at("bob") == "Fri 10:00 UTC"
    assert "4 wait for a contact window or a pause" in due.reply[-1]
    monday = await term.do("/clock +1d")  # Monday 09:00-18:00 UTC
    checks = [h for h in monday.dm_recipients() if h == "bob"]
    assert len(checks) == 3  # the daily cap
    assert "1 held for tomorrow's digest (daily cap)" in monday.reply[-1]
    tuesday = await term.do("/clock +1d")
    digest = tuesday.dm("bob")
    assert "A few things I held back so as not to flood your DMs:" in digest
    assert "Did you connect with @" in digest

    # Monday's weekly digest: cara knows Python, and others were asked about it this week
    # (the ask to cara herself she knows of already; ana's only ask was to her).
    assert "Your week in asks. People asked for help with things you know:\n  1 person " in (
        monday.dm("cara")
    )
    assert monday.dm("ana") == ""


async def test_switching_a_kind_off_and_on_again(term: Terminal) -> None:
    await intro_accepted(term)
    await term.as_("bob")
    off = await term.do("/networker prompts off connect_check")
    assert "connect_check: off" in off.text
    await term.do("/networker prompts on connect_check")  # changed his mind in time
    asked = await term.do("/clock +4d")
    assert "How did it go with @alice?" in asked.dm("bob")
    await term.do("/networker prompts off keep_in_touch")
    assert (await term.do("/clock +100d")).dm("bob") == ""


async def test_not_now_twice_then_the_truth(term: Terminal) -> None:
    """Ask, Not now, the reminder, Not now again, and only then the expiry, said as it was."""
    await term.as_("alice")
    await term.do('/profile skills="kubernetes:expert"')
    await term.as_("carol")
    await term.do("/ask @alice advice on moving our CI to Kubernetes")
    await term.as_("alice")
    first = await term.do("/press 2")  # Not now
    assert "@alice will come back to your request" in first.dm("carol")
    assert "It stays open until Mon 9 March" in first.dm("carol")

    reminded = await term.do("/clock +3d")
    assert "A gentle reminder, in case this got buried." in reminded.dm("alice")
    second = await term.do("/press 2")  # Not now, from the reminder
    assert "I won't remind you again" in second.reply_text
    assert "It stays open until Thu 12 March" in second.dm("carol")

    quiet = await term.do("/clock +4d")  # past the first expiry: still open
    assert quiet.dm("carol") == ""
    closed = await term.do("/clock +3d")
    assert (
        "Your request to @alice about kubernetes has closed: they said “not now” and didn't "
        "come back to it in time." in closed.dm("carol")
    )
    assert "didn't get an answer" not in closed.dm("carol")
    assert closed.dm("alice") == ""  # one reminder, ever
