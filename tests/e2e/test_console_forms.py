"""Forms in the console: one /press line of key=value, with each field's choices shown."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.terminal import console_community


async def test_the_profile_steps_show_their_choices_and_refuse_wrong_answers(
    tmp_path: Path,
) -> None:
    async with console_community(tmp_path) as term:
        await term.as_("alice")  # the welcome DM offers "Set up my profile"
        about = await term.do("/press 1")
        assert "✎ Your profile:" in about.text
        assert "discoverable (Show me in /whoknows results): now: yes" in about.text
        assert "discoverable=yes|no" in about.text

        saved = await term.do('/press 1 skills="python, public speaking" discoverable=no')
        assert "Skills: public speaking (practitioner), python (practitioner)" in saved.text
        assert "[1] Set skill levels  [2] Availability and DMs" in saved.text

        levels = await term.do("/press 1")
        assert "level0 (public speaking): one of learning, practitioner, expert" in levels.text
        assert "level1 (python): one of learning, practitioner, expert" in levels.text
        leveled = await term.do("/press 1 level0=Learning level1=expert")
        assert "Skills: python (expert), public speaking (learning)" in leveled.text

        assert "[1] Availability and DMs" in leveled.text  # the levels are done
        prefs = await term.do("/press 1")
        assert (
            "availability (Availability): one of open (Open to requests), busy (Busy until a date), "
            "away · now: open"
        ) in prefs.text
        assert "capacity (Requests per 30 days): one of 0, 1, 2," in prefs.text
        assert any(
            "tz (Your time zone): a time zone, e.g. Europe/Berlin" in line for line in prefs.lines
        )

        wrong = await term.do("/press 1 availability=busy capacity=999 tz=Mars/Base")
        assert wrong.warned
        assert "    capacity: “999” is not one of the choices" in "\n".join(wrong.reply)
        assert any(
            line.startswith("    tz: “Mars/Base” is not a time zone") for line in wrong.reply
        )
        unchanged = await term.do("/profile")
        assert "Availability: open" in unchanged.text

        busy = await term.do("/press 1 availability=busy busy_until=2099-01-31 capacity=2")
        assert "Availability: busy until 31 January 2099" in busy.text
        assert "I read your contact window" not in busy.text  # the window was left as it was
