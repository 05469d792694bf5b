"""The console tells the truth about time: a /clock jump runs everything that falls due
on the way, each at its own simulated time, from whatever hour the session started."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.console.repl import clean_typed
from tests.e2e.terminal import console_community

# Session starts across the week and the day: late on a Friday, just before a Monday's
# window opens, inside a window, at midnight, on a Sunday night, in the evening.
STARTS = [
    datetime(2026, 3, 6, 23, 30, tzinfo=UTC),  # Friday 23:30
    datetime(2026, 3, 2, 8, 15, tzinfo=UTC),  # Monday 08:15
    datetime(2026, 3, 2, 8, 16, tzinfo=UTC),  # Monday 08:16
    datetime(2026, 3, 4, 12, 0, tzinfo=UTC),  # Wednesday noon
    datetime(2026, 3, 5, 17, 59, tzinfo=UTC),  # Thursday 17:59
    datetime(2026, 3, 7, 0, 0, tzinfo=UTC),  # Saturday midnight
    datetime(2026, 3, 8, 23, 59, tzinfo=UTC),  # Sunday 23:59
    datetime(2026, 3, 3, 18, 0, tzinfo=UTC),  # Tuesday 18:00, as the window closes
]


def next_window(moment: datetime) -> datetime:
    """The default contact window, weekdays 09:00-18:00 UTC, worked out by hand."""
    while True:
        day_start = moment.replace(hour=9, minute=0, second=0, microsecond=0)
        day_end = moment.replace(hour=18, minute=0, second=0, microsecond=0)
        if moment.weekday() < 5 and moment < day_end:
            return max(moment, day_start)
        moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)


@pytest.mark.parametrize("start", STARTS, ids=lambda s: f"{s:%a-%H%M}")
async def test_a_week_later_the_check_came_at_its_own_time(tmp_path: Path, start: datetime) -> None:
    async with console_community(tmp_path, start) as term:
        for name in ("alice", "bob", "carol"):
            await term.as_(name)
        made = await term.do("/intro @bob @alice Bob is moving his team to Kubernetes")
        # The requests wait for the recipients' contact window: at once inside it, else
        # at the moment it opens.
        opens = next_window(start)
        if opens == start:
            assert made.dm_recipients() == ["bob", "alice"]
        else:
            assert made.dm_recipients() == []
            asked_in = await term.do(f"/clock +{(opens - start) // timedelta(minutes=1)}m")
            assert sorted(asked_in.dm_recipients()) == ["alice", "bob"]
            assert {asked_in.sent_at(n) for n in ("bob", "alice")} == {f"{opens:%a %H:%M} UTC"}
        for name in ("bob", "alice"):
            await term.as_(name)
            accepted = await term.do("/press 1")
            assert not accepted.warned, accepted.text

        week = await term.do("/clock +7d")

        target = opens + timedelta(days=7)
        assert week.reply[0] == f"  🕒 It is now {target:%a %d %b %Y %H:%M} UTC."
        # Both people are asked, each about the other.
        assert "How did it go with @alice? @carol introduced you a few days ago." in week.dm("bob")
        assert "How did it go with @bob? @carol introduced you a few days ago." in week.dm("alice")
        # Four days after the accept, at the first moment their window was open.
        due = next_window(opens + timedelta(days=4))
        assert week.sent_at("bob") == week.sent_at("alice") == f"{due:%a %H:%M} UTC"
        assert week.reply[-1] == "  Sent 2 prompts."
        # The header says when, as the dispatcher would have sent it.
        assert f"── {due:%a %H:%M} UTC: DM to @bob ──" in week.lines
        assert f"── {due:%a %H:%M} UTC: DM to @alice ──" in week.lines


async def test_reminders_during_a_jump_arrive_and_the_intro_expires_in_order(
    tmp_path: Path,
) -> None:
    """Started Monday 08:16 with the default window: the jump passes the reminder's time
    in a window, then the expiry, each printed at its simulated time."""
    async with console_community(tmp_path, datetime(2026, 3, 2, 8, 16, tzinfo=UTC)) as term:
        for name in ("alice", "bob", "carol"):
            await term.as_(name)
        made = await term.do("/intro @bob @alice You both organise meetups and share speakers")
        assert not made.warned, made.text
        asked = await term.do("/clock +44m")  # the requests wait for the window: 09:00
        assert sorted(asked.dm_recipients()) == ["alice", "bob"]
        assert asked.sent_at("bob") == "Mon 09:00 UTC"
        await term.as_("bob")
        accepted = await term.do("/press 1")  # bob accepts; alice never answers
        assert not accepted.warned, accepted.text

        out = await term.do("/clock +8d")
        headers = [h for h, _ in out.blocks]
        reminder = headers.index("── DM to @alice ──")
        assert "A gentle reminder, in case this got buried." in out.dm("alice")
        assert out.times[reminder] == "Thu 09:00 UTC"  # due 08:16, the window opens at 9
        closed = [i for i, (h, body) in enumerate(out.blocks) if "didn't get both" in "".join(body)]
        assert closed and all(i > reminder for i in closed)  # the expiry came after
        # Closed seven days on (Monday 08:16); told when their window opens.
        assert {out.times[i] for i in closed} == {"Mon 09:00 UTC"}
        assert "waits" not in out.reply[-1]


async def test_a_prompt_still_waiting_says_until_when_in_the_recipients_time(
    tmp_path: Path,
) -> None:
    async with console_community(tmp_path, datetime(2026, 3, 2, 10, 0, tzinfo=UTC)) as term:
        for name in ("alice", "bob", "carol"):
            await term.as_(name)
        await term.as_("bob")
        await term.do('/profile tz=America/New_York window="weekdays 09:00-10:00"')
        await term.as_("carol")
        await term.do("/intro @bob @alice Bob is moving his team to Kubernetes")
        # The request to bob waits for his window: 09:00 New York is 14:00 UTC.
        asked = await term.do("/clock +4h")
        assert asked.sent_at("bob") == "Mon 14:00 UTC"
        await term.as_("alice")
        await term.do("/press 1")
        await term.do("/clock +1h")  # bob answers at 10:00 his time, as his window closes
        await term.as_("bob")
        accepted = await term.do("/press 1")
        assert not accepted.warned, accepted.text
        # The check falls due Friday 15:00 UTC (10:00 in New York): bob's window is 9-10.
        friday = await term.do("/clock +4d 1h")
        assert friday.dm("bob") == ""
        assert "How did it go with @bob?" in friday.dm("alice")  # hers is in her window
        assert "  ⏳ A prompt to @bob waits until Mon 09:00 bob's time (their contact window)." in (
            friday.reply
        )
        assert friday.reply[-1] == "  Sent 1 prompt; 1 waits for a contact window or a pause."
        later = await term.do("/clock +3d")  # Monday 16:00 UTC: 09:00 New York has passed
        assert "How did it go with @alice?" in later.dm("bob")
        assert later.sent_at("bob") == "Mon 13:00 UTC"  # 09:00 in New York, summer time now


async def test_help_before_as_creates_nobody(tmp_path: Path) -> None:
    async with console_community(tmp_path) as term:
        helped = await term.do("/help")
        assert "/as <name>" in helped.text and "/whoknows" in helped.text
        assert not helped.warned
        assert (await term.do("/members")).reply == ["  nobody yet; /as <name> to start"]
        await term.as_("alice")
        assert (await term.do("/members")).reply == ["  @alice"]
        asked = await term.do("/ask @guest could you review my talk abstract")
        assert asked.warned and "I don't know anyone called @guest here." in asked.text


async def test_a_new_member_gets_the_welcome_dm_once(tmp_path: Path) -> None:
    async with console_community(tmp_path) as term:
        first = await term.as_("alice")
        welcome = first.dm("alice")
        assert "Welcome, @alice! I'm Networker" in welcome  # the Slack and Discord welcome
        assert "[1] Set up my profile" in welcome
        form = await term.do("/press 1")
        assert "Your profile" in form.text or "profile" in form.text.lower()
        await term.as_("bob")
        again = await term.as_("alice")
        assert again.blocks == []  # welcomed once


def test_typed_escape_sequences_are_dropped() -> None:
    assert clean_typed("\x1b[A/as bob\n") == "/as bob"
    assert clean_typed("/whoknows k8s\x1b[D\x1b[C\r\n") == "/whoknows k8s"
    assert clean_typed("\x1bOP/help\x07") == "/help"
    assert clean_typed("/thanks @ana für\tdie Hilfe ✨") == "/thanks @ana für die Hilfe ✨"
