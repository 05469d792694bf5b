"""Failure and bad input: signatures, retried events, 429s, Web API errors by kind,
malformed payloads, unknown actions and stale buttons."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.http_retry import builtin_async_handlers
from sqlalchemy import text

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    empty_ack,
    ephemeral,
    group,
    only_post,
    only_view,
    opened,
    posts,
    press,
    responses,
    said,
    set_profile,
    shown,
    submit,
    writes,
)
from tests.adapters.slack.signed import FORM, JSON


async def people(slack: SlackWorld) -> tuple[str, str, str]:
    ana = slack.user("UANA", "ana")
    bob = slack.user("UBOB", "bob")
    dana = slack.user("UDANA", "dana")
    await set_profile(slack, ana, 'skills="kubernetes:expert"')
    slack.double.clear()
    return ana, bob, dana


async def state_of(slack: SlackWorld, conn_id: int = 1) -> tuple[str, str, str]:
    async with slack.core.units.sessions() as session:
        row = (
            await session.execute(
                text("SELECT state, consent_a, consent_b FROM connections WHERE id = :id"),
                {"id": conn_id},
            )
        ).one()
    return (row[0], row[1], row[2])


async def ask_ana(slack: SlackWorld, dana: str, *, response_url: str | None = None) -> Json:
    await slack.sender.command(
        "/ask",
        "<@UANA|ana> could you review our helm charts",
        user=dana,
        response_url=response_url,
    )
    return posts(slack, dm("UANA"))[-1] if posts(slack, dm("UANA")) else {}


# --- signatures -----------------------------------------------------------------------------


def command_body(user: str, command: str, text_: str) -> str:
    return urlencode(
        {
            "team_id": "T1",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text_,
            "channel_id": "C1",
            "response_url": "http://127.0.0.1:9/nowhere",
            "trigger_id": "1.2.3",
        }
    )


async def test_a_bad_signature_gets_401_and_changes_nothing(slack: SlackWorld) -> None:
    slack.user("UEVE", "eve")
    body = command_body("UEVE", "/profile", 'skills="kubernetes:expert"')

    response = await slack.sender.raw(body, FORM, signature="v0=" + "0" * 64)

    assert response.status == 401
    assert [c.method for c in slack.double.calls if c.method != "auth.test"] == []
    assert await slack.core.find_members("slack", "T1", "") == []


async def test_a_stale_timestamp_gets_401_and_changes_nothing(slack: SlackWorld) -> None:
    slack.user("UEVE", "eve")
    body = command_body("UEVE", "/profile", 'skills="kubernetes:expert"')

    response = await slack.sender.raw(body, FORM, timestamp=int(time.time()) - 6 * 60)

    assert response.status == 401
    assert await slack.core.find_members("slack", "T1", "") == []


async def test_a_body_changed_after_signing_gets_401(slack: SlackWorld) -> None:
    slack.user("UEVE", "eve")
    signed_for = slack.sender.sign(command_body("UEVE", "/whoknows", "python"))
    tampered = command_body("UEVE", "/profile", 'skills="kubernetes:expert"')

    response = await slack.sender.raw(
        tampered,
        FORM,
        signature=signed_for["X-Slack-Signature"],
        timestamp=int(signed_for["X-Slack-Request-Timestamp"]),
    )

    assert response.status == 401
    assert await slack.core.find_members("slack", "T1", "") == []


async def test_an_unsigned_event_sends_no_welcome(slack: SlackWorld) -> None:
    body = {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "EvForged",
        "event": {"type": "team_join", "user": {"id": "UNEW", "name": "nia"}},
    }
    response = await slack.sender.raw(json.dumps(body), JSON, signature="v0=forged")
    assert response.status == 401
    assert posts(slack) == []
    # ...and the event id was not used up: the real event still works.
    real = await slack.sender.event(body["event"], event_id="EvForged")  # type: ignore[arg-type]
    assert real.status == 200
    assert len(posts(slack, dm("UNEW"))) == 1


# --- event retries ----------------------------------------------------------------------------


async def test_a_retried_event_is_handled_once(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana")
    event = {"type": "app_home_opened", "user": ana, "channel": dm(ana), "tab": "home"}

    first = await slack.sender.event(event, event_id="EvRetry")
    retries = [
        await slack.sender.event(event, event_id="EvRetry", retry_num=n, retry_reason="timeout")
        for n in (1, 2, 3)
    ]

    assert first.status == 200
    assert [r.status for r in retries] == [200, 200, 200]
    assert all(r.headers.get("x-slack-no-retry") == "1" for r in retries)
    assert len(slack.double.calls_to("views.publish")) == 1
    # A new event (the member opens Home again) is handled.
    await slack.sender.event(event, event_id="EvRetry2")
    assert len(slack.double.calls_to("views.publish")) == 2


# --- 429: retried after Retry-After ---------------------------------------------------------


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """slack_sdk's rate-limit handler sleeps Retry-After (+ up to 1 s jitter): record the
    wait instead of waiting, and take the jitter out."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(builtin_async_handlers, "asyncio", SimpleNamespace(sleep=sleep))
    monkeypatch.setattr(builtin_async_handlers, "random", SimpleNamespace(random=lambda: 0.0))
    return waits


async def test_a_rate_limited_dm_is_sent_after_retry_after(
    slack: SlackWorld, slept: list[float]
) -> None:
    ana, _bob, dana = await people(slack)
    slack.double.rate_limit("chat.postMessage", retry_after=7)

    consent = await ask_ana(slack, dana, response_url=slack.double.response_url("ask"))

    assert slept == [7]
    assert len(posts(slack, dm(ana))) == 2  # the 429, then the DM
    assert button(consent["blocks"], "Accept")
    assert responses(slack, "ask") == []  # nothing to apologise for


async def test_a_rate_limited_modal_still_opens(slack: SlackWorld, slept: list[float]) -> None:
    dana = slack.user("UDANA", "dana")
    slack.double.rate_limit("views.open", retry_after=2)
    empty_ack(await slack.sender.command("/profile", "", user=dana))
    assert slept == [2]
    assert len(slack.double.calls_to("views.open")) == 2


async def test_when_429s_persist_the_requester_is_told_and_nothing_is_lost(
    slack: SlackWorld, slept: list[float]
) -> None:
    _ana, bob, dana = await people(slack)
    slack.double.rate_limit("conversations.open", retry_after=1, times=3)

    answer = said(
        await slack.sender.command(
            "/ask",
            "<@UANA|ana> could you review our helm charts",
            user=dana,
            response_url=slack.double.response_url("ask"),
        )
    )

    assert answer.startswith("Sent!")
    assert slept == [1, 1]
    [note] = responses(slack, "ask")
    assert note["response_type"] == "ephemeral"
    assert note["text"].startswith("⚠ A message to <@UANA> is on its way")
    assert "(ratelimited)" in note["text"]
    assert "You're waiting to hear from <@UANA>." in said(
        await slack.sender.command("/networker", "me", user=dana)
    )
    # A rate limit says nothing about Ana: she is still found and can be asked.
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kubernetes", user=bob))


# --- Web API errors by kind -----------------------------------------------------------------


@pytest.mark.parametrize("error", ["user_not_found", "cannot_dm_bot", "user_disabled"])
async def test_a_member_slack_will_not_dm_is_marked_unreachable(
    slack: SlackWorld, error: str
) -> None:
    ana, bob, dana = await people(slack)
    slack.double.fail("conversations.open", error)

    await ask_ana(slack, dana, response_url=slack.double.response_url("ask"))

    # The requester is told who was not reached, and that the request is kept.
    [note] = responses(slack, "ask")
    assert note["text"] == (
        f"⚠ I couldn't deliver a message to <@UANA> just now ({error}). "
        "Everything is saved; /networker me shows what is waiting."
    )
    assert "You're waiting to hear from <@UANA>." in said(
        await slack.sender.command("/networker", "me", user=dana)
    )
    # Ana is no longer offered, and nobody else can send her a request.
    assert "Nobody who can help" in said(
        await slack.sender.command("/whoknows", "kubernetes", user=bob)
    )
    refused = said(
        await slack.sender.command("/ask", "<@UANA|ana> a question about helm", user=bob)
    )
    assert refused.startswith("I can't reach Ana by direct message on this platform.")
    assert posts(slack, dm(ana)) == []
    # When Ana uses the bot again she is plainly there: offered again.
    await slack.sender.command("/networker", "me", user=ana)
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kubernetes", user=bob))


async def test_account_inactive_is_about_the_token_not_the_member(slack: SlackWorld) -> None:
    _ana, bob, dana = await people(slack)
    slack.double.fail("conversations.open", "account_inactive")

    await ask_ana(slack, dana, response_url=slack.double.response_url("ask"))

    [note] = responses(slack, "ask")
    assert "(account_inactive)" in note["text"]
    # Ana is not blamed for the bot's token: still found, still reachable later.
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kubernetes", user=bob))


async def test_one_partys_dm_failing_does_not_stop_the_other_intro_dm(
    slack: SlackWorld,
) -> None:
    _ana, bob, dana = await people(slack)
    slack.double.fail("conversations.open", "user_not_found")  # the first: Ana's

    answer = said(
        await slack.sender.command(
            "/intro",
            "<@UANA|ana> <@UBOB|bob> you both run infrastructure teams at hospitals",
            user=dana,
            response_url=slack.double.response_url("intro"),
        )
    )

    assert answer.startswith("Done!")
    assert len(posts(slack, dm(bob))) == 1
    [note] = responses(slack, "intro")
    assert note["text"].startswith("⚠ I couldn't deliver a message to <@UANA> just now")


async def test_not_in_channel_tells_the_member_their_ask_was_not_posted(
    slack: SlackWorld,
) -> None:
    _ana, _bob, dana = await people(slack)
    org = slack.user("UORG", "olga", admin=True)
    said(await slack.sender.command("/networker", "settings asks_channel=<#C777|asks>", user=org))
    nobody = ephemeral(await slack.sender.command("/whoknows", "pottery", user=dana))
    slack.double.fail("chat.postMessage", "not_in_channel")

    [answer] = await press(slack, dana, button(nobody["blocks"], "Post my ask"), name="post")

    assert answer["text"] == "Posted in #asks (C777). I hope someone picks it up soon!"
    # No response_url follow-up for buttons: the warning comes by DM.
    warning = only_post(slack, dm(dana))
    assert warning["text"] == (
        "⚠ I couldn't deliver a message to #asks (C777) just now (not_in_channel). "
        "Everything is saved; /networker me shows what is waiting."
    )
    # Nobody is marked unreachable for a channel problem.
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kubernetes", user=dana))


async def test_a_missing_scope_for_group_dms_still_connects_and_says_so(
    slack: SlackWorld,
) -> None:
    ana, _bob, dana = await people(slack)
    consent = await ask_ana(slack, dana)
    slack.double.clear()
    slack.double.fail("conversations.open", "missing_scope")  # mpim:write not granted

    await press(slack, ana, button(consent["blocks"], "Accept"), name="accept")

    [answer] = responses(slack, "accept")
    assert answer["text"].startswith("Wonderful, you're connected!")
    warning = only_post(slack, dm(ana))
    assert (
        "⚠ I couldn't deliver a message to the new conversation just now (missing_scope)"
        in (warning["text"])
    )
    assert await state_of(slack) == ("connected", "accepted", "accepted")
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kubernetes", user="UBOB"))


async def test_a_missing_users_read_scope_gets_a_clear_answer(slack: SlackWorld) -> None:
    _ana, _bob, dana = await people(slack)
    slack.double.fail("users.info", "missing_scope")

    answer = said(
        await slack.sender.command(
            "/intro",
            "<@UZED|zed> <@UANA|ana> you both run infrastructure teams at hospitals",
            user=dana,
        )
    )

    assert answer == (
        "Sorry, I couldn't look that member up in Slack just now (Slack said: missing_scope).\n"
        "An organiser needs to reinstall Networker so it has the Slack permissions it needs."
    )
    assert posts(slack) == []


async def test_a_modal_slack_refuses_to_open_gets_a_clear_answer(slack: SlackWorld) -> None:
    ana, _bob, dana = await people(slack)
    slack.double.fail("views.open", "expired_trigger_id")

    response = await slack.sender.command(
        "/profile", "", user=dana, response_url=slack.double.response_url("profile")
    )

    empty_ack(response)
    [answer] = responses(slack, "profile")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "Sorry, I couldn't open the form just now (Slack said: expired_trigger_id)."
    )
    # The same from a button in a DM: Decline needs its modal.
    consent = await ask_ana(slack, dana)
    slack.double.fail("views.open", "expired_trigger_id")
    [told] = await press(slack, ana, button(consent["blocks"], "Decline"))
    assert told["text"].startswith("Sorry, I couldn't open the form just now")
    assert told["replace_original"] is False
    assert await state_of(slack) == ("pending", "accepted", "pending")


async def test_the_requesters_own_dm_failing_does_not_lose_the_request(
    slack: SlackWorld,
) -> None:
    ana, _bob, dana = await people(slack)
    found = ephemeral(await slack.sender.command("/whoknows", "kubernetes", user=dana))
    await press(slack, dana, button(found["blocks"], "Ask Ana"))
    view = only_view(slack)
    slack.double.fail("conversations.open", "missing_scope")  # the requester's own DM

    response = await submit(slack, view, dana, request="Could you look at our cluster upgrade?")

    empty_ack(response)
    consent = only_post(slack, dm(ana))
    assert "cluster upgrade" in consent["blocks"][1]["text"]["text"]


# --- malformed payloads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot-json", FORM),
        ("{not json", JSON),
        ("[1, 2, 3]", JSON),
        ("payload=%5B1%5D", FORM),
    ],
)
async def test_a_malformed_body_gets_400_and_changes_nothing(
    slack: SlackWorld, body: str, content_type: str
) -> None:
    response = await slack.sender.raw(body, content_type)
    assert response.status == 400
    assert writes(slack) == []
    # The app is fine afterwards.
    slack.user("UDANA", "dana")
    assert said(await slack.sender.command("/networker", "help", user="UDANA"))


async def test_a_block_action_without_actions_is_ignored(slack: SlackWorld) -> None:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "UANA"},
        "team": {"id": "T1"},
    }
    response = await slack.sender.interactive(payload)
    assert response.status < 500
    assert writes(slack) == []


async def test_a_block_action_with_an_empty_actions_list_is_ignored(slack: SlackWorld) -> None:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "UANA"},
        "team": {"id": "T1"},
        "actions": [],
    }
    response = await slack.sender.interactive(payload)
    assert writes(slack) == []
    assert response.status < 500


@pytest.mark.parametrize("action_id", ["foo.bar:0", "legacy_button", "consent.explode:1"])
async def test_an_unknown_button_gets_a_clear_answer(slack: SlackWorld, action_id: str) -> None:
    _ana, _bob, dana = await people(slack)
    [answer] = await press(slack, dana, {"action_id": action_id, "value": "1"})
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "That button isn't one I know any more. Try the command again."
    assert answer["replace_original"] is False
    assert posts(slack) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "That button doesn't belong to anything I know."),
        ("999", "That request no longer exists."),
        ("", "That button doesn't belong to anything I know."),
    ],
)
async def test_a_button_with_a_bad_value_gets_a_clear_answer(
    slack: SlackWorld, value: str, expected: str
) -> None:
    _ana, _bob, dana = await people(slack)
    [answer] = await press(slack, dana, {"action_id": "consent.accept:0", "value": value})
    assert answer["text"] == expected
    assert posts(slack) == []


async def test_an_unknown_modal_keeps_itself_open_with_a_message(slack: SlackWorld) -> None:
    dana = slack.user("UDANA", "dana")
    values = {"x": {"x": {"type": "plain_text_input", "value": "hi"}}}
    for callback in ("foo.bar", "weird"):
        response = await slack.sender.view_submission(callback, "", values, user=dana)
        body = response.json()
        assert body["response_action"] == "errors"
        assert body["errors"]["x"].startswith("That button isn't one I know any more.")
    assert writes(slack) == []


# --- stale buttons --------------------------------------------------------------------------


async def test_a_button_pressed_twice_changes_nothing_the_second_time(slack: SlackWorld) -> None:
    ana, _bob, dana = await people(slack)
    consent = await ask_ana(slack, dana)
    accept = button(consent["blocks"], "Accept")
    await press(slack, ana, accept)
    slack.double.clear()

    [answer] = await press(slack, ana, accept)

    assert answer["text"] == "This one is already connected. Nothing more to do here."
    assert answer["replace_original"] is False  # the message keeps what it says
    assert opened(slack) == [] and posts(slack) == []


async def test_accept_after_decline_is_refused(slack: SlackWorld) -> None:
    ana, _bob, dana = await people(slack)
    consent = await ask_ana(slack, dana)
    await press(slack, ana, button(consent["blocks"], "Decline"))
    await submit(slack, only_view(slack), ana)
    slack.double.clear()

    [answer] = await press(slack, ana, button(consent["blocks"], "Accept"))

    assert answer["text"] == "This one is closed: it won't go ahead. Nothing more to do."
    assert await state_of(slack) == ("declined", "accepted", "declined")
    assert posts(slack) == []


async def test_a_stale_decline_modal_is_refused_inside_the_modal(slack: SlackWorld) -> None:
    ana, _bob, dana = await people(slack)
    consent = await ask_ana(slack, dana)
    await press(slack, ana, button(consent["blocks"], "Decline"))
    view = only_view(slack)
    await press(slack, ana, button(consent["blocks"], "Accept"))  # changed her mind
    slack.double.clear()

    response = await submit(slack, view, ana, note="too busy")

    body = response.json()
    assert body["response_action"] == "errors"
    assert next(iter(body["errors"].values())).startswith("This one is already connected.")
    assert await state_of(slack) == ("connected", "accepted", "accepted")
    assert posts(slack) == []


async def test_an_expired_request_says_so(slack: SlackWorld) -> None:
    ana, _bob, dana = await people(slack)
    consent = await ask_ana(slack, dana)
    async with slack.core.units.sessions() as session:
        await session.execute(text("UPDATE connections SET state = 'expired' WHERE id = 1"))
        await session.commit()

    [answer] = await press(slack, ana, button(consent["blocks"], "Accept"))

    assert answer["text"] == "This one expired, so it is closed."
    assert await state_of(slack) == ("expired", "accepted", "pending")
    assert opened(slack) == ["UANA"]  # only the consent DM, long ago


async def test_someone_elses_button_is_refused(slack: SlackWorld) -> None:
    _ana, bob, dana = await people(slack)
    consent = await ask_ana(slack, dana)
    slack.double.clear()

    [answer] = await press(slack, bob, button(consent["blocks"], "Accept"))

    assert answer["text"] == "This request is addressed to someone else."
    assert await state_of(slack) == ("pending", "accepted", "pending")
    assert writes(slack) == []


async def test_a_second_answer_from_the_same_party_is_refused(slack: SlackWorld) -> None:
    ana, _bob, dana = await people(slack)
    await slack.sender.command(
        "/intro",
        "<@UANA|ana> <@UBOB|bob> you both run infrastructure teams at hospitals",
        user=dana,
    )
    to_ana = posts(slack, dm(ana))[-1]
    await press(slack, ana, button(to_ana["blocks"], "Accept"))
    slack.double.clear()

    [answer] = await press(slack, ana, button(to_ana["blocks"], "Not now"))

    assert answer["text"] == "You have already answered this one. Thank you!"
    assert await state_of(slack) == ("pending", "accepted", "pending")
    assert posts(slack) == []


async def test_group_dm_users_are_exactly_the_parties(slack: SlackWorld) -> None:
    """The conversations.open call for an intro lists the three ids, nobody else."""
    ana, bob, dana = await people(slack)
    await slack.sender.command(
        "/intro",
        "<@UANA|ana> <@UBOB|bob> you both run infrastructure teams at hospitals",
        user=dana,
    )
    for party in (ana, bob):
        await press(slack, party, button(posts(slack, dm(party))[-1]["blocks"], "Accept"))
    [call] = [c for c in slack.double.calls_to("conversations.open") if "," in c.params["users"]]
    assert sorted(call.params["users"].split(",")) == sorted([ana, bob, dana])
    assert len(posts(slack, group(ana, bob, dana))) == 1
    assert shown(posts(slack, group(ana, bob, dana))[0]["blocks"])


async def test_a_channel_join_slack_cannot_describe_still_gets_its_welcome_once(
    slack: SlackWorld,
) -> None:
    slack.user("UORG", "olga", admin=True)
    slack.user("UNEW", "nia", "Asia/Tokyo")
    await slack.sender.command("/networker", "settings welcome_channel=<#CW|welcome>", user="UORG")
    event = {"type": "member_joined_channel", "user": "UNEW", "channel": "CW"}
    slack.double.fail("users.info", "internal_error", status=500)

    first = await slack.sender.event(event, event_id="EvFlaky")

    assert first.status == 200  # users.info is asked after the answer, not before
    [welcome] = posts(slack, dm("UNEW"))
    assert welcome["text"].startswith("Welcome, <@UNEW>! I'm Networker")
    again = await slack.sender.event(event, event_id="EvFlaky", retry_num=1)
    assert again.status == 200
    assert len(posts(slack, dm("UNEW"))) == 1  # a retry of the same event: one welcome
