"""Pairing rounds in the console: an organiser opens #coffee, members join, the clock
reaches the round and each group conversation opens once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, console_community


@pytest.fixture
async def term(tmp_path: Path) -> AsyncIterator[Terminal]:
    async with console_community(tmp_path) as terminal:
        yield terminal


async def test_a_weekly_round_from_opt_in_to_the_group_conversations(term: Terminal) -> None:
    await term.do("/as olga --organiser")
    on = await term.do("/networker pairing on #coffee every=1w day=tue time=09:00")
    assert "Pairing is on in #coffee: every week on Tuesday at 09:00 (UTC)" in on.reply_text
    await term.as_("ana")
    await term.do('/profile skills="grant writing:expert" looking="public speaking"')
    await term.as_("ben")
    await term.do('/profile skills="public speaking" looking="grant writing" bio="Runs a choir"')
    await term.as_("cleo")
    await term.do("/profile discoverable=no")
    for name in ("ana", "ben", "cleo"):
        await term.as_(name)
        joined = await term.do("/networker pairing join #coffee")
        assert "You're in!" in joined.reply_text, joined.text

    early = await term.do("/clock +22h")  # Tue 08:00: not yet
    assert early.groups() == []
    round_ = await term.do("/clock +1h")  # Tue 09:00
    groups = round_.groups()
    assert len(groups) == 1  # three members: one trio, opened once
    header, body = groups[0]
    for name in ("ana", "ben", "cleo"):
        assert f"@{name}" in header or f"@{name}" in body
    assert "Why you:" in body and "To start:" in body
    assert "Runs a choir" in body  # what ben made visible
    assert "@cleo: no profile details shared yet" in body  # cleo shares nothing
    assert "ana Mon 09:00" in body  # the first hour all windows share, in ana's time
    assert re.search(r"cleo (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ", body) is None  # not cleo's
    assert (await term.do("/clock +1h")).groups() == []  # no second round

    await term.do("/as olga --organiser")
    status = await term.do("/networker pairing status #coffee")
    assert "Participants: 3" in status.reply_text
    assert "1 groups" in status.reply_text or "1 group" in status.reply_text
    assert "Next round: Tue 10 Mar 09:00 (UTC)" in status.reply_text, status.reply_text


async def test_a_member_skips_one_round_and_a_stranger_cannot_run_one(term: Terminal) -> None:
    await term.do("/as olga --organiser")
    await term.do("/networker pairing on #coffee day=mon time=11:00")
    for name in ("ana", "ben", "cleo"):
        await term.as_(name)
        await term.do("/networker pairing join #coffee")
    refused = await term.do("/networker pairing run #coffee")
    assert refused.warned and "Only organisers" in refused.text
    skipped = await term.do("/networker pairing skip")
    assert "sit out the next round" in skipped.reply_text
    round_ = await term.do("/clock +1h")  # Mon 11:00
    ((header, body),) = round_.groups()
    assert "@cleo" not in header + body
    later = await term.do("/clock +7d")
    assert any("@cleo" in h + b for h, b in later.groups())  # back the week after
