"""The profile's forms on Slack, through the real slack-bolt against the Web API double:
each kind of input is the Block Kit element members know, each kind of answer is read
back, and a wrong answer is refused under its own field with nothing changed."""

from __future__ import annotations

import json

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    button,
    dm,
    empty_ack,
    ephemeral,
    only_post,
    only_view,
    post_text,
    press,
    said,
    set_profile,
    submit,
)
from tests.adapters.slack.signed import Response

Json = dict[str, object]


def inputs(view: Json) -> dict[str, Json]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return {b["block_id"]: b for b in blocks if b["type"] == "input"}


async def errors_of(response: Response) -> dict[str, str]:
    assert response.status == 200
    body = json.loads(response.text)
    assert body["response_action"] == "errors", body
    return dict(body["errors"])


async def profile_text(slack: SlackWorld, user: str) -> str:
    slack.double.clear()
    return said(await slack.sender.command("/networker", "me", user=user)) + said(
        await slack.sender.command("/profile", f"<@{user}|x>", user=user)
    )


async def step(slack: SlackWorld, user: str, label: str) -> Json:
    """Save the first step unchanged, then press `label` in the DM that confirms it."""
    empty_ack(await slack.sender.command("/profile", "", user=user))
    first = only_view(slack)
    slack.double.clear()
    empty_ack(await submit(slack, first, user))
    saved = only_post(slack, dm(user))
    slack.double.clear()
    assert await press(slack, user, button(saved["blocks"], label)) == []
    view = only_view(slack)
    slack.double.clear()
    return view


async def test_availability_step_uses_choices_a_date_and_a_time_zone_select(
    slack: SlackWorld,
) -> None:
    ana = slack.user("UANA", "ana", "America/Sao_Paulo")

    view = await step(slack, ana, "Availability and DMs")

    assert view["callback_id"] == "profile.prefs_save"
    fields = inputs(view)
    kinds = {name: block["element"]["type"] for name, block in fields.items()}
    assert kinds == {
        "availability": "radio_buttons",
        "busy_until": "datepicker",
        "capacity": "static_select",
        "tz": "static_select",
        "window": "plain_text_input",
    }
    assert fields["availability"]["element"]["initial_option"]["value"] == "open"
    assert [o["value"] for o in fields["availability"]["element"]["options"]] == [
        "open",
        "busy",
        "away",
    ]
    assert fields["capacity"]["element"]["initial_option"]["value"] == "4"
    tz = fields["tz"]["element"]
    assert tz["initial_option"]["value"] == "America/Sao_Paulo"  # the member's Slack zone
    groups = tz["option_groups"]
    assert all(len(g["options"]) <= 100 for g in groups)  # Slack's limit per group
    zones = {o["value"] for g in groups for o in g["options"]}
    assert {"Europe/Berlin", "Asia/Kolkata", "UTC"} <= zones
    assert fields["busy_until"]["optional"] is True
    assert "Only when busy" in fields["busy_until"]["hint"]["text"]

    done = await submit(
        slack,
        view,
        ana,
        availability="busy",
        busy_until="2099-12-31",
        capacity="2",
        tz="Asia/Kolkata",
    )

    empty_ack(done)
    shown = post_text(only_post(slack, dm(ana)))
    assert "busy until 31 December 2099" in shown
    assert "I read your contact window" not in shown  # the window was left as shown
    assert "2 requests per 30 days" in shown
    assert "(Asia/Kolkata)" in shown


async def test_wrong_answers_are_refused_under_their_fields_and_change_nothing(
    slack: SlackWorld,
) -> None:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    view = await step(slack, ana, "Availability and DMs")

    busy_without_date = await errors_of(await submit(slack, view, ana, availability="busy"))
    assert list(busy_without_date) == ["busy_until"]
    assert "Busy until when?" in busy_without_date["busy_until"]

    forged = await errors_of(
        await submit(
            slack,
            view,
            ana,
            availability="asleep",
            capacity="999",
            tz="Mars/Base",
            window="sometimes",
        )
    )
    assert set(forged) == {"availability", "capacity", "tz"}  # read first: all at once
    assert "not one of the choices" in forged["capacity"]
    assert "not a time zone I know" in forged["tz"]

    bad_window = await errors_of(await submit(slack, view, ana, window="sometimes"))
    assert list(bad_window) == ["window"]
    assert "not a contact window I understand" in bad_window["window"]

    past = await errors_of(
        await submit(slack, view, ana, availability="busy", busy_until="2001-01-01")
    )
    assert "already past" in past["busy_until"]
    assert slack.double.calls_to("chat.postMessage") == []  # nothing was saved or said
    shown = said(await slack.sender.command("/profile", "tz=Europe/Berlin", user=ana))
    assert "*Availability*\nopen" in shown and "4 requests per 30 days" in shown


async def test_skills_one_per_line_then_a_level_picked_for_each(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    await set_profile(slack, ana, 'skills="rust:expert"')
    slack.double.clear()
    empty_ack(await slack.sender.command("/profile", "", user=ana))
    first = only_view(slack)
    skills = inputs(first)["skills"]
    assert skills["element"]["initial_value"] == "rust"  # names only: no mini-language
    slack.double.clear()

    empty_ack(
        await submit(slack, first, ana, skills="Rust\nPublic speaking\nGo", discoverable="no")
    )

    saved = only_post(slack, dm(ana))
    text = post_text(saved)
    assert "Rust (expert)" in text  # a skill kept keeps its level
    assert "Public speaking (practitioner)" in text and "Go (practitioner)" in text
    assert "no (hidden from searches)" in text
    slack.double.clear()
    assert await press(slack, ana, button(saved["blocks"], "Set skill levels")) == []
    levels = only_view(slack)
    fields = inputs(levels)
    assert [b["label"]["text"] for b in fields.values()] == ["Go", "Public speaking", "Rust"]
    assert {b["element"]["type"] for b in fields.values()} == {"radio_buttons"}
    assert [o["value"] for o in fields["level0"]["element"]["options"]] == [
        "learning",
        "practitioner",
        "expert",
    ]
    assert fields["level2"]["element"]["initial_option"]["value"] == "expert"
    slack.double.clear()

    refused = await errors_of(await submit(slack, levels, ana, level0="guru"))
    assert list(refused) == ["level0"]
    empty_ack(await submit(slack, levels, ana, level0="learning", level1="expert"))

    text = post_text(only_post(slack, dm(ana)))
    assert "Go (learning)" in text and "Public speaking (expert)" in text
    assert "Rust (expert)" in text


async def test_a_levels_form_for_skills_that_changed_meanwhile_saves_nothing(
    slack: SlackWorld,
) -> None:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    await set_profile(slack, ana, 'skills="go, rust"')
    slack.double.clear()
    levels = await step(slack, ana, "Set skill levels")
    await set_profile(slack, ana, 'skills="go, zig"')
    slack.double.clear()

    refused = await errors_of(await submit(slack, levels, ana, level0="expert"))

    assert "Your skills changed since this form opened" in next(iter(refused.values()))
    shown = said(await slack.sender.command("/profile", "tz=Europe/Berlin", user=ana))
    assert "go (practitioner)" in shown


async def test_organisers_settings_form_has_checkboxes_and_selects(slack: SlackWorld) -> None:
    org = slack.user("UORG", "olga", admin=True)
    listed = ephemeral(await slack.sender.command("/networker", "settings", user=org))
    slack.double.clear()

    assert await press(slack, org, button(listed["blocks"], "Change in a form")) == []

    view = only_view(slack)
    fields = inputs(view)
    kinds = {name: block["element"]["type"] for name, block in fields.items()}
    assert kinds == {
        "prompts_off": "checkboxes",
        "dm_daily_cap": "static_select",
        "thanks_daily_cap": "static_select",
        "default_capacity": "static_select",
        "timezone": "static_select",
    }
    assert "initial_options" not in fields["prompts_off"]["element"]  # none off yet
    slack.double.clear()

    done = await submit(slack, view, org, prompts_off="occasion,keep_in_touch", dm_daily_cap="5")

    empty_ack(done)
    shown = post_text(only_post(slack, dm(org)))
    assert "keep_in_touch, occasion" in shown and "*dm_daily_cap*\n5" in shown
