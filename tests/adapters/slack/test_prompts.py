"""Prompts on Slack, what only Slack does: a modal that refuses an empty answer, and how
the Web API refuses a DM. The stories both platforms tell the same way are in
tests/adapters/test_shared_prompts.py."""

from __future__ import annotations

import pytest

from tests.adapters.prompting import (
    ANA,
    BEN,
    checked,
    connected_only_ana_asked,
    sent_after_its_back_off,
    unreachable_from_now_on,
)
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import submit
from tests.adapters.slack.prompting import SlackPrompts


async def test_an_empty_thank_you_keeps_the_modal_open(slack: SlackWorld) -> None:
    d = SlackPrompts(slack)
    check = await checked(d)
    await d.press(ANA, check, "Helpful")
    await d.tick()
    thanks = d.dms(ANA)[-1]
    d.clear()
    form = await d.open_form(ANA, thanks, "Thank Ben")

    response = await submit(slack, form.opened, d.user_id(ANA), note="   ")

    assert response.status == 200 and response.json()["response_action"] == "errors"
    assert d.dms(BEN) == []


# --- delivery failures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "error"),
    [("conversations.open", "cannot_dm_bot"), ("chat.postMessage", "user_not_found")],
)
async def test_a_member_slack_will_not_dm_is_marked_unreachable_and_the_prompt_cancelled(
    slack: SlackWorld, method: str, error: str
) -> None:
    d = SlackPrompts(slack)
    await connected_only_ana_asked(d)
    slack.double.fail(method, error)

    report = await d.after(days=4)

    assert (report.sent, report.outcomes["not sent"]) == (0, 1)
    await unreachable_from_now_on(d, error)


async def test_a_server_error_is_retried_on_a_later_tick(slack: SlackWorld) -> None:
    d = SlackPrompts(slack)
    await connected_only_ana_asked(d)
    slack.double.fail("chat.postMessage", "internal_error", status=500)

    assert (await d.after(days=4)).sent == 0
    await sent_after_its_back_off(d, "internal_error")
    delivered = slack.double.calls_to("chat.postMessage")
    assert len(delivered) == 2  # the refused one, then the one that arrived
